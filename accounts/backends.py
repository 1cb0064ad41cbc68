"""Authentication backend: Django's ModelBackend with fewer queries per signed-in request."""

from functools import cache

from django.contrib.auth.backends import ModelBackend, UserModel
from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.db import connection


@cache
def _permission_names_sql() -> str:
    """SELECT app_label, codename of the permissions a user holds directly or through a group.

    Written out, not built by the ORM: on every signed-in request, compiling the
    equivalent queryset cost more than running it, and the ORM's version (the OR of
    outer joins ModelBackend uses) plans slowly on PostgreSQL. Two IN lists instead.
    """
    q = connection.ops.quote_name
    own = UserModel.user_permissions.through._meta
    grouped = Group.permissions.through._meta
    memberships = UserModel.groups.through._meta

    def column(meta, field):
        return q(meta.get_field(field).column)

    return (
        f"SELECT ct.{column(ContentType._meta, 'app_label')}, p.{column(Permission._meta, 'codename')}"
        f" FROM {q(Permission._meta.db_table)} p"
        f" INNER JOIN {q(ContentType._meta.db_table)} ct"
        f" ON ct.{column(ContentType._meta, 'id')} = p.{column(Permission._meta, 'content_type')}"
        f" WHERE p.{column(Permission._meta, 'id')} IN ("
        f"SELECT {column(own, 'permission')} FROM {q(own.db_table)} WHERE {column(own, 'user')} = %s)"
        f" OR p.{column(Permission._meta, 'id')} IN ("
        f"SELECT gp.{column(grouped, 'permission')} FROM {q(grouped.db_table)} gp"
        f" INNER JOIN {q(memberships.db_table)} m"
        f" ON m.{column(memberships, 'group')} = gp.{column(grouped, 'group')}"
        f" WHERE m.{column(memberships, 'user')} = %s)"
    )


class PortalBackend(ModelBackend):
    """Load the user with their partner in one query, and all their permissions in one more.

    Every signed-in page shows the partner's name and checks a permission; with
    ModelBackend that is three queries beside the user's own (partner, the user's
    permissions, the groups' permissions), here one. The permissions are the same
    set ModelBackend grants: the user's own and those of their groups (roles), none
    for an inactive user, all for an active superuser.
    """

    def get_user(self, user_id):
        try:
            user = UserModel._default_manager.select_related("partner").get(pk=user_id)
        except UserModel.DoesNotExist:
            return None
        return user if self.user_can_authenticate(user) else None

    def get_all_permissions(self, user_obj, obj=None):
        if not user_obj.is_active or user_obj.is_anonymous or obj is not None:
            return set()
        if not hasattr(user_obj, "_perm_cache"):
            if user_obj.is_superuser:
                perms = Permission.objects.values_list("content_type__app_label", "codename")
            else:
                with connection.cursor() as cursor:
                    cursor.execute(_permission_names_sql(), [user_obj.pk, user_obj.pk])
                    perms = cursor.fetchall()
            user_obj._perm_cache = {f"{app_label}.{codename}" for app_label, codename in perms}
        return user_obj._perm_cache
