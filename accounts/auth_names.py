"""Django's permissions as the admin shows them, in the user's language (R16).

Django stores a permission's name in English when it migrates ("Can view customer") and shows
that stored name in the user and group forms. The admin shows it in lists, read-only fields
and delete confirmations, all through `str()`, so `install` gives Permission a translated
name once, at start-up.
"""

from django.contrib.auth.models import Permission
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


def install() -> None:
    """Give Permission a translated name."""
    Permission.__str__ = _permission_str
