"""The REST API (PRODUCT §6) and the API tokens page.

API rows carry a Bearer token for each signed-in principal; anonymous gets 401.
Staff have no partner: they read the catalogue and the agreement metadata and
get 403 on every partner's records (they use the Django admin). The reseller's
sales agent and the other partner's agent reach Contoso's objects: 404 (R12),
except where a role check comes first (R4: a reseller never confirms, 403).
A /v1/ path no endpoint matches is 404 for everyone, anonymous included (R14).
"""

from knox.models import AuthToken

from tests.security.matrix import Row, everyone

MCA = "117a77b0-9360-443b-8795-c6dedc750cf9"


def api(status: int, **overrides) -> dict[str, int]:
    """Every principal with a token gets `status`; anonymous gets 401."""
    return everyone(status, anonymous=401, **overrides)


def partner_read() -> dict[str, int]:
    return api(200, staff=403, reseller_agent=404, other_agent=404)


def partner_write(success: int) -> dict[str, int]:
    return api(success, helpdesk_agent=403, billing_admin=403, staff=403, reseller_agent=404, other_agent=404)


def _customer(w):
    return {"tenant_id": w.customer.tenant_id}


def _confirmed(w):
    return {"tenant_id": w.confirmed.tenant_id}


def _new_customer(w):
    return {
        "companyProfile": {"domain": "matrixcustomer", "companyName": "Matrix Customer"},
        "billingProfile": {
            "email": "ap@matrix.example",
            "defaultAddress": {
                "firstName": "Pat",
                "lastName": "Kim",
                "addressLine1": "1 Main Street",
                "city": "Seattle",
                "country": "US",
            },
        },
    }


def _confirmation(w):
    return {
        "primaryContact": {"firstName": "Tania", "lastName": "Carr", "email": "tania@example.com"},
        "templateId": MCA,
        "dateAgreed": "2024-03-01",
        "type": "MicrosoftCustomerAgreement",
    }


def _order(w):
    return {"lineItems": [{"lineItemNumber": 0, "offerId": w.license_offer.id, "quantity": 1}]}


def _admin_agent_token(w):
    instance, _token = AuthToken.objects.create(user=w.users["admin_agent"])
    return {"digest": instance.digest}


ROWS = [
    Row("api-agreements", "GET", api(200), api=True),
    Row("api-agreements", "GET", api(200), query="agreementType=*", api=True, id="api-agreements-all"),
    Row("api-customers", "GET", api(200, staff=403), api=True),
    Row(
        "api-customers",
        "POST",
        api(201, helpdesk_agent=403, billing_admin=403, staff=403),
        data=_new_customer,
        api=True,
    ),
    Row("api-customer", "GET", partner_read(), kwargs=_customer, api=True),
    Row("api-customer-agreements", "GET", partner_read(), kwargs=_customer, api=True),
    Row(
        "api-customer-agreements",
        "POST",
        partner_write(201) | {"reseller_agent": 403},
        kwargs=_customer,
        data=_confirmation,
        api=True,
    ),
    Row("api-customer-direct-sign-status", "GET", partner_read(), kwargs=_customer, api=True),
    Row("api-offers", "GET", api(200), api=True),
    Row("api-customer-orders", "GET", partner_read(), kwargs=_confirmed, api=True),
    Row("api-customer-orders", "POST", partner_write(201), kwargs=_confirmed, data=_order, api=True),
    # R8: no confirmation, no order (403 code 13605) for those who may order.
    Row(
        "api-customer-orders",
        "POST",
        partner_write(403),
        kwargs=_customer,
        data=_order,
        api=True,
        id="api-customer-orders-not-confirmed",
    ),
    Row(
        "api-customer-order",
        "GET",
        partner_read(),
        kwargs=lambda w: {"tenant_id": w.confirmed.tenant_id, "order_id": w.order.api_id},
        api=True,
    ),
    Row("api-customer-subscriptions", "GET", partner_read(), kwargs=_confirmed, api=True),
    Row(
        "api-customer-subscription",
        "GET",
        partner_read(),
        kwargs=lambda w: {"tenant_id": w.confirmed.tenant_id, "subscription_id": w.subscription.api_id},
        api=True,
    ),
    Row(
        "api-customer-subscription",
        "PATCH",
        partner_write(200),
        kwargs=lambda w: {"tenant_id": w.confirmed.tenant_id, "subscription_id": w.subscription.api_id},
        data=lambda w: {"quantity": 2},
        api=True,
    ),
    # R9: a usage-based subscription has no license count.
    Row(
        "api-customer-subscription",
        "PATCH",
        partner_write(400),
        kwargs=lambda w: {"tenant_id": w.confirmed.tenant_id, "subscription_id": w.usage_subscription.api_id},
        data=lambda w: {"quantity": 2},
        api=True,
        id="api-customer-subscription-usage",
    ),
    # R14: a /v1/ path no endpoint matches is the JSON 404 for everyone, token or not.
    Row("api-not-found", "GET", everyone(404), kwargs=lambda w: {"rest": "nothing"}, api=True),
    Row(
        "api-not-found",
        "POST",
        everyone(404),
        kwargs=lambda w: {"rest": f"customers/{w.customer.tenant_id}/agreements/"},
        data=_confirmation,
        api=True,
        id="api-not-found-trailing-slash",
    ),
    # The signed-in user's own tokens; another user's token is a 404.
    Row("api_tokens", "GET", everyone(200, anonymous=302)),
    Row("api_tokens", "POST", everyone(302)),  # created, then the page that shows it once
    Row("api_token_revoke", "GET", everyone(405, anonymous=302)),
    Row("api_token_revoke", "POST", everyone(404, anonymous=302, admin_agent=302), data=_admin_agent_token),
]
