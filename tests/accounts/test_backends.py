"""accounts.backends.PortalBackend grants exactly what Django's ModelBackend grants (PRODUCT §3)."""

import pytest
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.models import Permission

from accounts import roles
from accounts.backends import PortalBackend
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("role", [*roles.ROLE_PERMISSIONS, None])
def test_roles_grant_the_same_permissions_as_model_backend(role, partner):
    user = UserFactory(partner=partner, role=role)
    user.user_permissions.add(Permission.objects.get(codename="view_offer"))
    expected = ModelBackend().get_all_permissions(UserFactory._meta.model.objects.get(pk=user.pk))
    assert PortalBackend().get_all_permissions(user) == expected
    assert "orders.view_offer" in expected


def test_inactive_users_hold_no_permission_and_superusers_hold_all(partner, staff_user):
    inactive = UserFactory(partner=partner, role=roles.ADMIN_AGENT, is_active=False)
    assert PortalBackend().get_all_permissions(inactive) == set()
    assert not PortalBackend().has_perm(inactive, "customers.view_customer")
    assert len(PortalBackend().get_all_permissions(staff_user)) == Permission.objects.count()


def test_all_permissions_are_one_query_and_cached_on_the_user(partner, django_assert_num_queries):
    user = UserFactory(partner=partner, role=roles.SALES_AGENT)
    with django_assert_num_queries(1):
        assert PortalBackend().has_perm(user, "customers.add_customer")
        assert not PortalBackend().has_perm(user, "accounts.change_partner")


def test_signed_in_user_comes_with_the_partner(partner, django_assert_num_queries):
    user = UserFactory(partner=partner, role=roles.SALES_AGENT)
    loaded = PortalBackend().get_user(user.pk)
    with django_assert_num_queries(0):
        assert loaded.partner.name == partner.name
    UserFactory._meta.model.objects.filter(pk=user.pk).update(is_active=False)
    assert PortalBackend().get_user(user.pk) is None
    assert PortalBackend().get_user(0) is None


def test_signed_in_user_is_loaded_as_the_orm_loads_them(partner):
    """Every column converted as the ORM converts it: aware datetimes, UUIDs, booleans."""
    from django.utils import timezone

    user = UserFactory(partner=partner, role=roles.SALES_AGENT, time_zone="Asia/Shanghai")
    UserFactory._meta.model.objects.filter(pk=user.pk).update(last_login=timezone.now())
    loaded = PortalBackend().get_user(user.pk)
    expected = UserFactory._meta.model.objects.select_related("partner").get(pk=user.pk)
    for field in expected._meta.concrete_fields:
        assert getattr(loaded, field.attname) == getattr(expected, field.attname), field.name
        assert type(getattr(loaded, field.attname)) is type(getattr(expected, field.attname)), field.name
    for field in partner._meta.concrete_fields:
        assert getattr(loaded.partner, field.attname) == getattr(expected.partner, field.attname), field.name
    assert timezone.is_aware(loaded.date_joined) and timezone.is_aware(loaded.last_login)
    assert loaded._state.adding is False and loaded._state.db == "default"


@pytest.mark.parametrize("role", [roles.SALES_AGENT, roles.HELPDESK_AGENT, None])
def test_signed_in_user_partner_and_permissions_are_one_query(partner, role, django_assert_num_queries):
    user = UserFactory(partner=partner, role=role)
    expected = ModelBackend().get_all_permissions(UserFactory._meta.model.objects.get(pk=user.pk))
    with django_assert_num_queries(1):
        loaded = PortalBackend().get_user(str(user.pk))  # the session keeps it as text
        assert loaded.partner.name == partner.name
        assert loaded.get_all_permissions() == expected
        assert loaded.has_perm("customers.view_customer") == ("customers.view_customer" in expected)


def test_signed_in_staff_has_no_partner_and_every_permission(staff_user, django_assert_num_queries):
    with django_assert_num_queries(1):
        loaded = PortalBackend().get_user(staff_user.pk)
        assert loaded.partner is None
        assert loaded.has_perm("accounts.change_partner")
    assert len(PortalBackend().get_all_permissions(loaded)) == Permission.objects.count()


@pytest.mark.parametrize("user_id", ["abc", None, "", -1, 10**6, 2**63, -(2**63) - 1, 10**30])
def test_a_session_naming_no_user_signs_nobody_in(user_id):
    assert PortalBackend().get_user(user_id) is None


def test_signed_in_user_holds_their_own_and_their_roles_permissions_once(partner):
    user = UserFactory(partner=partner, role=roles.SALES_AGENT)
    own = Permission.objects.filter(codename__in=["view_offer", "add_customer"])  # one also in the role
    user.user_permissions.add(*own)
    expected = ModelBackend().get_all_permissions(UserFactory._meta.model.objects.get(pk=user.pk))
    assert PortalBackend().get_user(user.pk).get_all_permissions() == expected
    assert {"orders.view_offer", "customers.add_customer"} <= expected


def test_superusers_hold_every_permission_and_inactive_ones_are_not_signed_in(partner):
    superuser = UserFactory(partner=partner, role=roles.SALES_AGENT, is_superuser=True)
    superuser.user_permissions.add(Permission.objects.get(codename="view_offer"))
    loaded = PortalBackend().get_user(superuser.pk)
    assert loaded.partner == partner
    assert loaded.get_all_permissions() == ModelBackend().get_all_permissions(superuser)
    assert len(loaded.get_all_permissions()) == Permission.objects.count()
    UserFactory._meta.model.objects.filter(pk=superuser.pk).update(is_active=False)
    assert PortalBackend().get_user(superuser.pk) is None


def test_signed_in_user_loaded_by_the_async_path_too(partner, django_assert_num_queries):
    from asgiref.sync import async_to_sync

    user = UserFactory(partner=partner, role=roles.SALES_AGENT)
    with django_assert_num_queries(1):
        loaded = async_to_sync(PortalBackend().aget_user)(user.pk)
        assert loaded.partner.name == partner.name
        assert loaded.has_perm("customers.add_customer")
