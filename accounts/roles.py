"""The roles of PRODUCT §3: one table, role → permissions (app_label.codename).

The data migration creates the groups from this table; views check these
permissions, never role names.
"""

from django.utils.translation import gettext_noop

# The groups' names as stored: English, marked for the catalogue, which names them in the user's
# language wherever a group is shown (accounts.auth_names, R16).
ADMIN_AGENT = gettext_noop("Admin agent")
SALES_AGENT = gettext_noop("Sales agent")
HELPDESK_AGENT = gettext_noop("Helpdesk agent")
BILLING_ADMIN = gettext_noop("Billing admin")

_READ = [
    "customers.view_customer",
    "agreements.view_confirmation",
    "agreements.view_agreementtemplate",
    "orders.view_offer",
    "orders.view_order",
    "orders.view_subscription",
]
_SELL = [
    "customers.add_customer",
    "customers.change_customer",
    "agreements.add_confirmation",
    "orders.add_order",
    "orders.change_subscription",
]

ROLE_PERMISSIONS: dict[str, list[str]] = {
    ADMIN_AGENT: _READ + _SELL,
    SALES_AGENT: _READ + _SELL,
    HELPDESK_AGENT: _READ + ["customers.change_customer"],
    BILLING_ADMIN: _READ,
}


def sync_roles(apps=None) -> None:
    """Create or update the role groups so they hold exactly the table's permissions."""
    from django.apps import apps as global_apps
    from django.contrib.auth.management import create_permissions

    apps = apps or global_apps
    for app_config in apps.get_app_configs():
        saved = getattr(app_config, "models_module", None)
        app_config.models_module = True  # stubs of migration state have none
        create_permissions(app_config, verbosity=0, apps=apps)
        app_config.models_module = saved
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for role, perms in ROLE_PERMISSIONS.items():
        group, _created = Group.objects.get_or_create(name=role)
        wanted = []
        for dotted in perms:
            app_label, codename = dotted.split(".")
            wanted.append(Permission.objects.get(content_type__app_label=app_label, codename=codename))
        group.permissions.set(wanted)
