"""Customer and agreement screens (F1, F2, F4): PRODUCT §3 roles and R12 isolation.

world.customer is Contoso's (Required), world.reseller_customer the reseller's.
Staff hold every permission but belong to no partner: they see no customer (404)
and create or confirm nothing (403). An empty POST by a permitted user answers
200 with the form's errors.
"""

from tests.security.matrix import Row, signed_in


def customer(world):
    return {"tenant_id": world.customer.tenant_id}


def reseller_customer(world):
    return {"tenant_id": world.reseller_customer.tenant_id}


ROWS = [
    Row("customers:list", "GET", signed_in(200)),
    Row("customers:list", "GET", signed_in(200), query="q=contoso&status=required&page=1", id="list-search"),
    Row("customers:list", "POST", signed_in(405)),
    # F1: helpdesk and billing may not create customers; a reseller creates them without the MCA section.
    Row("customers:new", "GET", signed_in(200, helpdesk_agent=403, billing_admin=403, staff=403)),
    Row("customers:new", "POST", signed_in(200, helpdesk_agent=403, billing_admin=403, staff=403)),
    # F4 Account info: every role of the partner sees it; everyone else gets 404 (R12).
    Row(
        "customers:detail",
        "GET",
        signed_in(200, staff=404, reseller_agent=404, other_agent=404),
        kwargs=customer,
    ),
    Row(
        "customers:detail",
        "GET",
        signed_in(404, reseller_agent=200),
        kwargs=reseller_customer,
        id="detail-reseller-customer",
    ),
    Row("customers:detail", "POST", signed_in(405), kwargs=customer),
    Row(
        "customers:edit",
        "GET",
        signed_in(200, billing_admin=403, staff=404, reseller_agent=404, other_agent=404),
        kwargs=customer,
    ),
    Row(
        "customers:edit",
        "POST",
        signed_in(200, billing_admin=403, staff=404, reseller_agent=404, other_agent=404),
        kwargs=customer,
    ),
    # F2: only admin and sales agents confirm (R3); resellers are told to ask their provider (R4).
    Row(
        "agreements:confirm",
        "GET",
        signed_in(403, admin_agent=200, sales_agent=200, other_agent=404),
        kwargs=customer,
    ),
    Row(
        "agreements:confirm",
        "POST",
        signed_in(403, admin_agent=200, sales_agent=200, other_agent=404),
        kwargs=customer,
    ),
    Row(
        "agreements:confirm",
        "GET",
        signed_in(403, admin_agent=404, sales_agent=404, other_agent=404),
        kwargs=reseller_customer,
        id="confirm-reseller-customer",
    ),
]
