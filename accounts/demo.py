"""Demo partners and users (PRODUCT §7)."""

from django.contrib.auth.models import Group

from accounts import roles
from accounts.models import Partner, User

PARTNERS = {
    "Contoso Partner": Partner.Type.DIRECT_BILL,
    "Northwind Partner": Partner.Type.DIRECT_BILL,
    "Fabrikam Reseller": Partner.Type.INDIRECT_RESELLER,
}

# username, partner, role, first name, last name, time zone
USERS = [
    ("admin.agent", "Contoso Partner", roles.ADMIN_AGENT, "Avery", "Admin", "Europe/London"),
    ("sales.agent", "Contoso Partner", roles.SALES_AGENT, "Mei", "Chen", "Asia/Shanghai"),
    ("helpdesk.agent", "Contoso Partner", roles.HELPDESK_AGENT, "Hugo", "Helpdesk", "America/New_York"),
    ("billing.admin", "Contoso Partner", roles.BILLING_ADMIN, "Bianca", "Billing", "America/Los_Angeles"),
    ("other.agent", "Northwind Partner", roles.ADMIN_AGENT, "Olivia", "Other", "Europe/Berlin"),
    ("reseller.agent", "Fabrikam Reseller", roles.SALES_AGENT, "Ravi", "Reseller", "Asia/Kolkata"),
]


def seed_users(*, password: str) -> dict[str, User]:
    """Create or refresh the demo partners and users; return users by username."""
    # Found ignoring case, as partner names are unique (a demo partner renamed "Contoso partner"
    # is the same partner), and given back its name.
    partners = {
        name: Partner.objects.update_or_create(name__iexact=name, defaults={"name": name, "type": type_})[0]
        for name, type_ in PARTNERS.items()
    }
    users = {}
    for username, partner, role, first, last, tz in USERS:
        user, _created = User.objects.update_or_create(
            username=username,
            defaults={
                "partner": partners[partner],
                "first_name": first,
                "last_name": last,
                "email": f"{username}@example.com",
                "time_zone": tz,
                "is_staff": False,
                "is_superuser": False,
                "is_active": True,
            },
        )
        _set_password(user, password)
        user.groups.set([Group.objects.get(name=role)])
        users[username] = user
    staff, _created = User.objects.update_or_create(
        username="staff",
        defaults={"partner": None, "is_staff": True, "is_superuser": True, "email": "staff@example.com"},
    )
    _set_password(staff, password)
    users["staff"] = staff
    return users


def _set_password(user, password: str) -> None:
    """Set the demo password unless the user has it: a new password revokes the user's API tokens."""
    if not user.check_password(password):
        user.set_password(password)
        user.save(update_fields=["password"])
