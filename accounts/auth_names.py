"""Django's permissions and memberships as the admin shows them, in the user's language (R16).

Django stores a permission's name in English when it migrates ("Can view customer") and shows
that stored name in the user and group forms; it names the rows that tie users to groups and
permissions "User_groups object (3)" and "user-group relationship", built in English when the
models are made; the roles' groups are stored with English names ("Sales agent"). The admin
shows these in lists, filters, read-only fields and delete confirmations, all through `str()`,
so `install` gives the models translated names once, at start-up.
"""

from django.contrib.auth.models import Group, Permission
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

_DEFAULT_PERMISSIONS = {
    "add": _("Can add %(name)s"),
    "change": _("Can change %(name)s"),
    "delete": _("Can delete %(name)s"),
    "view": _("Can view %(name)s"),
}


def permission_name(permission: Permission) -> str:
    """The permission's name in the active language.

    A default permission is named from its model's (translated) verbose name; any other by
    its stored name, which Accord's catalogue translates when it marks it.
    """
    model = permission.content_type.model_class()
    action, _sep, model_name = permission.codename.partition("_")
    if (
        model is not None
        and model_name == model._meta.model_name
        and action in model._meta.default_permissions
        and action in _DEFAULT_PERMISSIONS
    ):
        return _DEFAULT_PERMISSIONS[action] % {"name": model._meta.verbose_name}
    return gettext(permission.name)


def _permission_str(permission: Permission) -> str:
    return f"{permission.content_type} | {permission_name(permission)}"


def _group_str(group: Group) -> str:
    # A role's group is named in the catalogue (accounts.roles); another group as staff named it.
    return gettext(group.name)


def _user_group_str(row) -> str:
    return gettext("%(user)s, member of %(group)s") % {"user": row.user, "group": row.group}


def _user_permission_str(row) -> str:
    text = gettext("Permission of %(user)s: %(permission)s")
    return text % {"user": row.user, "permission": row.permission}


def _group_permission_str(row) -> str:
    text = gettext("Permission of group %(group)s: %(permission)s")
    return text % {"group": row.group, "permission": row.permission}


def _related_objects_with_both_ends(original):
    """The admin's delete confirmation collects a user's or group's many-to-many rows by one end
    and names each by both (above): the other end, and a permission's content type, with the rows,
    not a query per row (a role's group with a thousand members)."""

    def related_objects(self, related_model, related_fields, objs):
        rows = original(self, related_model, related_fields, objs)
        if not related_model._meta.auto_created:
            return rows
        ends = [field for field in related_model._meta.concrete_fields if field.is_relation]
        joined = [field.name for field in ends]
        joined += [f"{field.name}__content_type" for field in ends if field.related_model is Permission]
        return rows.select_related(*joined)

    related_objects.both_ends = True
    return related_objects


def install(user_model) -> None:
    """Give Permission, the roles' groups and the auth many-to-many rows translated names."""
    from django.contrib.admin.utils import NestedObjects

    Permission.__str__ = _permission_str
    Group.__str__ = _group_str
    if not getattr(NestedObjects.related_objects, "both_ends", False):
        NestedObjects.related_objects = _related_objects_with_both_ends(NestedObjects.related_objects)
    names = [
        (user_model.groups.through, _user_group_str, _("group membership"), _("group memberships")),
        (
            user_model.user_permissions.through,
            _user_permission_str,
            _("user permission"),
            _("user permissions"),
        ),
        (Group.permissions.through, _group_permission_str, _("group permission"), _("group permissions")),
    ]
    for through, to_str, verbose_name, verbose_name_plural in names:
        through.__str__ = to_str
        through._meta.verbose_name = verbose_name
        through._meta.verbose_name_plural = verbose_name_plural
