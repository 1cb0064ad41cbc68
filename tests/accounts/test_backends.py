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
