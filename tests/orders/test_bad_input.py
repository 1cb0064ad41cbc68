"""R14: no input produces a 500 on the orders pages."""

import pytest
from django.urls import reverse

from tests.factories import SubscriptionFactory

pytestmark = pytest.mark.django_db


def test_r14_out_of_range_ids_pages_and_quantities_are_not_500(client, admin_agent, customer, license_offer):
    client.force_login(admin_agent)
    subscription = SubscriptionFactory(order__customer=customer, customer=customer, offer=license_offer)
    tenant = customer.tenant_id
    huge = "9" * 30
    url = reverse("orders:subscription_quantity", kwargs={"tenant_id": tenant, "subscription_id": 1})
    assert client.get(url.replace("/1/", f"/{huge}/")).status_code == 404
    assert client.get(reverse("orders:list", kwargs={"tenant_id": tenant}) + "?page=x%00").status_code == 200
    new = reverse("orders:new", kwargs={"tenant_id": tenant})
    for value in (huge, "-1", "1e3", "\u0661", " "):
        response = client.post(new, {f"quantity__{license_offer.id}": value, "action": "place"})
        assert response.status_code in (200, 302), value  # "١" is a digit: a valid 1
    response = client.post(new, {"idempotency_key": "not-a-uuid", "action": "nonsense", "quantity__X": "1"})
    assert response.status_code == 200
    quantity = reverse(
        "orders:subscription_quantity", kwargs={"tenant_id": tenant, "subscription_id": subscription.pk}
    )
    assert client.post(quantity, {"quantity": huge}).status_code == 200
    subscription.refresh_from_db()
    assert subscription.quantity == 5


def test_r16_orders_pages_render_in_chinese(client, admin_agent, customer, license_offer):
    client.force_login(admin_agent)
    SubscriptionFactory(order__customer=customer, customer=customer, offer=license_offer)
    for name in ("orders:list", "orders:new", "orders:subscriptions"):
        response = client.get(
            reverse(name, kwargs={"tenant_id": customer.tenant_id}), HTTP_ACCEPT_LANGUAGE="zh-hans"
        )
        assert response.status_code == 200
        assert 'lang="zh-hans"' in response.content.decode()
    page = client.get(
        reverse("orders:new", kwargs={"tenant_id": customer.tenant_id}), HTTP_ACCEPT_LANGUAGE="zh-hans"
    )
    assert "下订单" in page.content.decode()
