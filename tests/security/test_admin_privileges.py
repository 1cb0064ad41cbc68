"""Staff who are not superusers manage portal users in the admin, never staff powers (PRODUCT §3);
no staff member learns a customer's tenant id from an admin shortcut (R12).

Django's UserAdmin lets anyone with `change_user` tick *Superuser status* on any account,
their own included, give any permission and set any staff member's password.
"""

import pytest
from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType

from customers.models import Customer
from tests.factories import CustomerFactory, StaffFactory, UserFactory, confirmed_customer

pytestmark = pytest.mark.django_db


@pytest.fixture
def user_manager():
    """A staff member who may view and change users, and nothing more."""
    manager = StaffFactory(username="user.manager", is_superuser=False)
    manager.user_permissions.set(
        Permission.objects.filter(
            content_type__app_label="accounts", codename__in=["view_user", "change_user", "view_partner"]
        )
    )
    return manager


def _change_form(client, user) -> dict:
    """The user's admin change form as the browser would post it back unchanged."""
    response = client.get(f"/admin/accounts/user/{user.pk}/change/")
    assert response.status_code == 200
    form = response.context["adminform"].form
    data = {}
    for name, field in form.fields.items():
        if field.disabled:
            continue
        value = form.initial.get(name, field.initial)
        if name in ("last_login", "date_joined"):
            data[f"{name}_0"] = value.date().isoformat() if value else ""
            data[f"{name}_1"] = value.time().strftime("%H:%M:%S") if value else ""
        elif isinstance(value, bool):
            if value:
                data[name] = "on"
        elif name in ("groups", "user_permissions"):
            data[name] = [item.pk if hasattr(item, "pk") else item for item in value or []]
        elif value is not None:
            data[name] = value.pk if hasattr(value, "pk") else value
    return data


def test_r3_a_user_manager_cannot_make_themselves_superuser_staff_or_grant_permissions(client, user_manager):
    client.force_login(user_manager)
    data = _change_form(client, user_manager)
    data.update(
        is_superuser="on",
        is_staff="on",
        user_permissions=list(Permission.objects.values_list("pk", flat=True)),
    )

    client.post(f"/admin/accounts/user/{user_manager.pk}/change/", data)

    user_manager.refresh_from_db()
    assert not user_manager.is_superuser
    assert set(user_manager.user_permissions.values_list("codename", flat=True)) == {
        "view_user",
        "change_user",
        "view_partner",
    }


def test_r3_a_user_manager_cannot_give_themselves_a_partner_or_a_role(client, user_manager, partner):
    # With a partner and the Admin agent role, a staff member could confirm and order (§3: no).
    client.force_login(user_manager)
    data = _change_form(client, user_manager)
    data.update(partner=partner.pk, groups=[Group.objects.get(name="Admin agent").pk])

    client.post(f"/admin/accounts/user/{user_manager.pk}/change/", data)

    user_manager.refresh_from_db()
    assert user_manager.partner is None
    assert not user_manager.groups.exists()


def test_r3_a_user_manager_cannot_change_another_staff_member_or_set_their_password(
    client, user_manager, staff_user
):
    # May delete users, so that only the staff rule refuses the deletion below.
    user_manager.user_permissions.add(Permission.objects.get(codename="delete_user"))
    client.force_login(user_manager)
    password = staff_user.password

    pages = [
        client.get(f"/admin/accounts/user/{staff_user.pk}/password/"),
        client.post(
            f"/admin/accounts/user/{staff_user.pk}/password/",
            {"password1": "Taken-over-2026", "password2": "Taken-over-2026", "usable_password": "true"},
        ),
        client.post(f"/admin/accounts/user/{staff_user.pk}/delete/", {"post": "yes"}),
    ]

    assert [page.status_code for page in pages] == [403, 403, 403]
    staff_user.refresh_from_db()
    assert staff_user.password == password
    # The change page shows the account without a form that could save it.
    view = client.get(f"/admin/accounts/user/{staff_user.pk}/change/")
    assert view.status_code == 200
    assert not view.context["has_change_permission"]


def test_r3_a_user_manager_still_gives_portal_users_their_role_and_details(client, user_manager, partner):
    agent = UserFactory(partner=partner, first_name="Ada")
    sales = Group.objects.get(name="Sales agent")
    client.force_login(user_manager)
    data = _change_form(client, agent)
    data.update(first_name="Adah", groups=[sales.pk])

    response = client.post(f"/admin/accounts/user/{agent.pk}/change/", data)

    assert response.status_code == 302, response.context["adminform"].form.errors
    agent.refresh_from_db()
    assert agent.first_name == "Adah"
    assert list(agent.groups.all()) == [sales]


def test_r3_a_superuser_still_manages_staff_powers(client, staff_user):
    other = StaffFactory(username="other.staff", is_superuser=False)
    client.force_login(staff_user)
    data = _change_form(client, other)
    data.update(is_superuser="on")

    response = client.post(f"/admin/accounts/user/{other.pk}/change/", data)

    assert response.status_code == 302
    other.refresh_from_db()
    assert other.is_superuser


def test_r12_the_admins_view_on_site_shortcut_tells_no_staff_member_a_customers_tenant_id(
    client, user_manager, staff_user, partner
):
    # /admin/r/<type>/<id>/ redirected any staff member, even one with no permission at all,
    # to /customers/<tenantId>/: every partner's tenant ids, one request each.
    customer = CustomerFactory(partner=partner)
    customer_type = ContentType.objects.get_for_model(Customer)
    shortcut = f"/admin/r/{customer_type.pk}/{customer.pk}/"

    for user in (user_manager, staff_user):
        client.force_login(user)
        response = client.get(shortcut)
        assert response.status_code == 404
        assert str(customer.tenant_id) not in response.get("Location", "")
    change = client.get(f"/admin/customers/customer/{customer.pk}/change/")
    assert shortcut not in change.content.decode()  # no "View on site" leading to a 404


def test_r3_a_staff_member_who_may_not_view_confirmations_does_not_see_them_on_a_customer(client, partner):
    # The customer's page showed the current acceptor's name, email and date, and "1
    # confirmation, listed below" with a link that answered 403.
    customer = confirmed_customer(partner=partner)
    acceptor = customer.current_confirmation
    editor = StaffFactory(username="customer.editor", is_superuser=False)
    editor.user_permissions.set(
        Permission.objects.filter(
            content_type__app_label="customers", codename__in=["view_customer", "change_customer"]
        )
    )
    client.force_login(editor)

    page = client.get(f"/admin/customers/customer/{customer.pk}/change/")

    assert page.status_code == 200
    content = page.content.decode()
    assert acceptor.email not in content
    assert "listed below" not in content
    assert customer.contact_email in content  # the customer's own details are still there
    # With the permission, the agreement is shown.
    editor.user_permissions.add(Permission.objects.get(codename="view_confirmation"))
    editor = type(editor).objects.get(pk=editor.pk)  # permissions are cached per user object
    client.force_login(editor)
    assert acceptor.email in client.get(f"/admin/customers/customer/{customer.pk}/change/").content.decode()
