"""Orders and subscriptions (F3, F5): PRODUCT §3 and R12 for every orders URL."""

from tests.security.matrix import Row, signed_in


def _customer(world):
    return {"tenant_id": world.customer.tenant_id}


def _confirmed(world):
    return {"tenant_id": world.confirmed.tenant_id}


def _subscription(world):
    return {"tenant_id": world.confirmed.tenant_id, "subscription_id": world.subscription.pk}


def _usage_subscription(world):
    return {"tenant_id": world.confirmed.tenant_id, "subscription_id": world.usage_subscription.pk}


# Every role may look (§3); another partner's customer is a 404 (R12). Staff
# belong to no partner: they read orders in the admin, so these pages are a 404.
READ = signed_in(200, staff=404, reseller_agent=404, other_agent=404)
# Placing orders and changing license counts: admin and sales agents only.
WRITE_OK = 302
WRITE = signed_in(
    WRITE_OK, helpdesk_agent=403, billing_admin=403, staff=404, reseller_agent=404, other_agent=404
)


def _place(world):
    return {f"quantity__{world.license_offer.id}": "3", "action": "place"}


ROWS = [
    Row("orders:list", "GET", READ, kwargs=_confirmed),
    Row("orders:list", "POST", signed_in(405), kwargs=_confirmed),
    Row("orders:subscriptions", "GET", READ, kwargs=_confirmed),
    Row("orders:subscriptions", "POST", signed_in(405), kwargs=_confirmed),
    # F3 for a Required customer: the prompt (GET) and a refused "Place order" (R8) re-render.
    Row("orders:new", "GET", {**WRITE, "admin_agent": 200, "sales_agent": 200}, kwargs=_customer),
    Row(
        "orders:new",
        "POST",
        {**WRITE, "admin_agent": 200, "sales_agent": 200},
        kwargs=_customer,
        data=_place,
        id="POST-orders:new-required",
    ),
    # F3 for a Confirmed customer: placed, then sent to the order list.
    Row("orders:new", "POST", WRITE, kwargs=_confirmed, data=_place, id="POST-orders:new-confirmed"),
    Row(
        "orders:subscription_quantity",
        "GET",
        {**WRITE, "admin_agent": 200, "sales_agent": 200},
        kwargs=_subscription,
    ),
    Row(
        "orders:subscription_quantity", "POST", WRITE, kwargs=_subscription, data=lambda w: {"quantity": "7"}
    ),
    # Usage-based subscriptions have no license count: sent back to the list with a message.
    Row(
        "orders:subscription_quantity",
        "GET",
        WRITE,
        kwargs=_usage_subscription,
        id="GET-orders:subscription_quantity-usage",
    ),
]
