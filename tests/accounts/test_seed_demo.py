"""seed_demo (PRODUCT §7): the demo partners and users, idempotent, refused with DEBUG off."""

import pytest
from django.core.management import CommandError, call_command

from accounts.models import Partner, User
from customers.models import Customer

pytestmark = pytest.mark.django_db


def test_seed_demo_creates_the_partners_and_users_of_product_7(settings):
    settings.DEBUG = True
    call_command("seed_demo", password="pw-for-test-123")
    expected = {
        "admin.agent": ("Contoso Partner", "Admin agent"),
        "sales.agent": ("Contoso Partner", "Sales agent"),
        "helpdesk.agent": ("Contoso Partner", "Helpdesk agent"),
        "billing.admin": ("Contoso Partner", "Billing admin"),
        "other.agent": ("Northwind Partner", "Admin agent"),
        "reseller.agent": ("Fabrikam Reseller", "Sales agent"),
    }
    for username, (partner, role) in expected.items():
        user = User.objects.get(username=username)
        assert user.partner.name == partner
        assert list(user.groups.values_list("name", flat=True)) == [role]
        assert user.check_password("pw-for-test-123")
    assert Partner.objects.get(name="Fabrikam Reseller").type == Partner.Type.INDIRECT_RESELLER
    staff = User.objects.get(username="staff")
    assert staff.is_superuser and staff.partner is None


def test_seed_demo_is_idempotent(settings):
    settings.DEBUG = True
    call_command("seed_demo")
    counts = (User.objects.count(), Partner.objects.count(), Customer.objects.count())
    call_command("seed_demo")
    assert (User.objects.count(), Partner.objects.count(), Customer.objects.count()) == counts


def test_seed_demo_finds_a_demo_partner_renamed_in_another_case(settings):
    # Partner names are unique ignoring case: creating "Contoso Partner" again would be refused.
    settings.DEBUG = True
    call_command("seed_demo")
    Partner.objects.filter(name="Contoso Partner").update(name="CONTOSO partner")
    call_command("seed_demo")
    assert Partner.objects.filter(name__iexact="Contoso Partner").get().name == "Contoso Partner"
    assert User.objects.get(username="sales.agent").partner.name == "Contoso Partner"


def test_seed_demo_refuses_with_debug_off_unless_forced(settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="DEBUG"):
        call_command("seed_demo")
    call_command("seed_demo", force=True)
    assert User.objects.filter(username="admin.agent").exists()


def test_seed_demo_bulk_customers_about_half_confirmed(settings):
    settings.DEBUG = True
    call_command("seed_demo", customers=400)
    contoso = Partner.objects.get(name="Contoso Partner")
    synthetic = Customer.objects.filter(partner=contoso, domain__startswith="syn")
    assert synthetic.count() == 400
    confirmed = synthetic.filter(current_confirmation__isnull=False).count()
    assert 140 <= confirmed <= 260


def test_seed_demo_says_the_password_it_set_wherever_it_came_from(settings):
    """`make run` shows it: DEMO_PASSWORD may be in .env, which make's shell never reads."""
    import io

    settings.DEBUG = True
    out = io.StringIO()
    call_command("seed_demo", password="from-dot-env-77", stdout=out)
    assert "Demo password: from-dot-env-77" in out.getvalue()
    assert User.objects.get(username="sales.agent").check_password("from-dot-env-77")
