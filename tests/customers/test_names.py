"""People's names in the order of their script (R1: names in any script; R16)."""

import pytest
from django.urls import reverse

from portal.templatetags.portal_text import full_name
from tests.factories import ConfirmationFactory, CustomerFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("first", "last", "shown"),
    [
        ("伟", "张", "张伟"),
        ("太郎", "山田", "山田太郎"),
        ("민준", "김", "김민준"),
        ("太郎", "佐々木", "佐々木太郎"),
        ("Ann", "O'Brien", "Ann O'Brien"),
        ("Guðrún", "Ólafsdóttir", "Guðrún Ólafsdóttir"),
        # A name in two scripts keeps the Western order.
        ("Wei", "张", "Wei 张"),
        (" Ann ", "", "Ann"),
    ],
)
def test_r1_a_name_is_written_in_its_scripts_order(first, last, shown):
    assert full_name(first, last) == shown


def test_r1_f4_account_info_and_home_write_a_chinese_acceptor_family_name_first(client, admin_agent, partner):
    customer = CustomerFactory(
        partner=partner, company_name="Fourth Coffee", contact_first_name="伟", contact_last_name="张"
    )
    customer.current_confirmation = ConfirmationFactory(customer=customer, first_name="伟", last_name="张")
    customer.save(update_fields=["current_confirmation"])
    CustomerFactory(partner=partner)
    client.force_login(admin_agent)

    detail = client.get(customer.get_absolute_url()).content.decode()
    home = client.get(reverse("home"), HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()

    assert "伟 张" not in detail and "伟 张" not in home
    assert detail.count("张伟") >= 3  # the primary contact, the current acceptor, the history
    assert "张伟" in home
