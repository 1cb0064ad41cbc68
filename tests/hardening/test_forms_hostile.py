"""R14 through every browser form: hostile input gives a field error or is stored as typed and shown escaped.

Never a 500; a form with errors re-renders with what was typed; a stored value
equals what was typed after trimming and renders escaped wherever it appears.
"""

import datetime

import pytest
import time_machine
from django.test import Client
from django.urls import reverse

from agreements.models import Confirmation
from customers.models import Customer
from customers.validators import text_trim
from orders.models import Order, Subscription
from tests.hardening.conftest import unique
from tests.hardening.hostile import CUSTOMER_TEXT_LIMITS, HOSTILE, HOSTILE_QUANTITIES, escaped

pytestmark = pytest.mark.django_db

NOW = datetime.datetime(2024, 11, 24, 23, 30, tzinfo=datetime.UTC)
F1 = {
    "company_name": "Wingtip Toys",
    "email": "billing@wingtip.example",
    "address_line1": "1 Wing Street",
    "address_line2": "",
    "city": "Seattle",
    "state": "WA",
    "postal_code": "98052",
    "country": "US",
    "contact_first_name": "Wanda",
    "contact_last_name": "Tip",
    "contact_email": "wanda@wingtip.example",
    "contact_phone": "",
    "accepted": "on",
    "date_agreed": "2024-11-20",
}
ERROR_MARKERS = ("is-invalid", "invalid-feedback", 'role="alert"', "alert-danger")


@pytest.fixture
def agent(client, admin_agent):
    client.force_login(admin_agent)
    return client


def storable(value: str, limit: int) -> bool:
    """What the product must accept: not blank after trimming, within the limit, no NUL."""
    trimmed = text_trim(value)
    return bool(trimmed) and len(trimmed) <= limit and "\x00" not in value


def assert_error_page_keeps_input(response, value: str):
    assert response.status_code == 200, response.status_code
    content = response.content.decode()
    assert any(marker in content for marker in ERROR_MARKERS), "no message next to the field"
    assert escaped(value) in content or escaped(text_trim(value)) in content, "what was typed is lost"
    assert_escaped(content, value)


def assert_escaped(content: str, value: str):
    if any(c in value for c in '<>"'):
        assert text_trim(value) not in content, "stored value rendered unescaped"


def split_by_limit(value: str, limits: dict[str, int]) -> tuple[dict, dict]:
    """The fields that must store the value, and those that must refuse it."""
    ok = {f: value for f, limit in limits.items() if storable(value, limit)}
    bad = {f: value for f in limits if f not in ok}
    return ok, bad


def assert_errors_on(response, fields, form="form"):
    errors = response.context[form].errors
    assert set(fields) <= set(errors), f"no error on {sorted(set(fields) - set(errors))}"


# The F1 wizard is the slowest page to render; the edit form gets the whole corpus for the same fields.
F1_CORPUS = [
    "very_long",
    "nul",
    "control_characters",
    "right_to_left_override",
    "combining_zalgo",
    "emoji",
    "sql_injection",
    "html_attribute",
    "template_secret",
    "padded_whitespace",
]


@pytest.mark.parametrize("name", F1_CORPUS)
def test_r14_f1_new_customer_form_with_hostile_text(agent, name):
    value = HOSTILE[name]
    ok, bad = split_by_limit(value, CUSTOMER_TEXT_LIMITS)
    with time_machine.travel(NOW, tick=False):
        if ok:
            domain = unique("wingtip")
            response = agent.post(
                reverse("customers:new"), {**F1, **ok, "domain": domain, "action": "create"}
            )
            assert response.status_code == 302, response.status_code
            customer = Customer.objects.get(domain=f"{domain}.onmicrosoft.com")
            assert {f: getattr(customer, f) for f in ok} == {f: text_trim(value) for f in ok}
            detail = agent.get(response["Location"]).content.decode()
            assert escaped(text_trim(value)) in detail
            assert_escaped(detail, value)
        if bad:
            response = agent.post(
                reverse("customers:new"), {**F1, **bad, "domain": unique("w"), "action": "create"}
            )
            assert_error_page_keeps_input(response, value)
            assert_errors_on(response, bad)
        # The form's own checks first, then the services' (phone for the country, domain).
        for fields in (("email", "contact_email"), ("contact_phone",), ("domain",)):
            other = dict.fromkeys(fields, value)
            response = agent.post(
                reverse("customers:new"), {**F1, "domain": unique("w"), **other, "action": "create"}
            )
            assert_error_page_keeps_input(response, value)
            assert_errors_on(response, other)
    assert Customer.objects.count() == (1 if ok else 0)


def test_r14_stored_hostile_names_render_escaped_on_every_page(agent, partner, admin_agent):
    with time_machine.travel(NOW, tick=False):
        for name in ("html_script", "html_attribute", "template_syntax", "template_secret"):
            agent.post(
                reverse("customers:new"),
                {**F1, "company_name": HOSTILE[name], "domain": unique("x"), "action": "create"},
            )
    assert Customer.objects.filter(partner=partner).count() == 4
    agent.force_login(admin_agent)  # the session saved in 2024 has expired by now
    for url in (reverse("home"), reverse("customers:list"), reverse("customers:list") + "?q=%3Cscript"):
        response = agent.get(url)
        assert response.status_code == 200
        content = response.content.decode()
        assert "<script>alert(1)</script>" not in content
        assert "<img src=x" not in content
    content = agent.get(reverse("customers:list")).content.decode()
    assert escaped(HOSTILE["template_syntax"]) in content  # shown literally, not evaluated
    assert admin_agent.password not in content


@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_r14_customer_edit_form_with_hostile_text(agent, customer, name):
    value = HOSTILE[name]
    url = reverse("customers:edit", kwargs={"tenant_id": customer.tenant_id})
    base = {k: v for k, v in F1.items() if k not in ("accepted", "date_agreed")}
    ok, bad = split_by_limit(value, CUSTOMER_TEXT_LIMITS)
    if bad:
        response = agent.post(url, {**base, **bad})
        assert_error_page_keeps_input(response, value)
        assert_errors_on(response, bad)
        assert Customer.objects.get(pk=customer.pk).company_name == customer.company_name
    if ok:
        response = agent.post(url, {**base, **ok})
        assert response.status_code == 302, response.status_code
        stored = Customer.objects.get(pk=customer.pk)
        assert {f: getattr(stored, f) for f in ok} == {f: text_trim(value) for f in ok}


@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_r14_f2_confirmation_form_with_hostile_text(agent, customer, name):
    value = HOSTILE[name]
    url = reverse("agreements:confirm", kwargs={"tenant_id": customer.tenant_id})
    base = {
        "first_name": "Ada",
        "last_name": "Acceptor",
        "email": "ada@example.com",
        "date_agreed": "2024-11-20",
    }
    names = {"first_name": value, "last_name": value}
    with time_machine.travel(NOW, tick=False):
        response = agent.post(url, {**base, **names})
        if storable(value, 50):
            assert response.status_code == 302, response.status_code
            confirmation = Confirmation.objects.get(customer=customer)
            assert (confirmation.first_name, confirmation.last_name) == (text_trim(value), text_trim(value))
            page = agent.get(response["Location"]).content.decode()
            assert escaped(text_trim(value)) in page
            assert_escaped(page, value)
        else:
            assert_error_page_keeps_input(response, value)
            assert_errors_on(response, names)
        before = Confirmation.objects.count()
        for field in ("email", "phone_number"):
            response = agent.post(url, {**base, field: value})
            assert_error_page_keeps_input(response, value)
            assert_errors_on(response, [field])
        assert Confirmation.objects.count() == before


@pytest.mark.parametrize(
    "typed",
    [
        "2023-02-29",
        "2024-02-30",
        "0000-01-01",
        "0001-01-01",
        "1900-01-01",
        "9999-12-31",
        "10000-01-01",
        "2024-13-01",
        "-1",
        "",
        "   ",
        "yesterday",
        "2024-11-25",
        "2024-11-26",
        "20241120",
        "{{ now }}",
    ],
)
def test_r2_r14_f2_acceptance_date_typed_any_way_is_a_field_error_or_accepted(agent, customer, typed):
    url = reverse("agreements:confirm", kwargs={"tenant_id": customer.tenant_id})
    data = {"first_name": "Ada", "last_name": "Acceptor", "email": "ada@example.com", "date_agreed": typed}
    with time_machine.travel(NOW, tick=False):
        response = agent.post(url, data)
    assert response.status_code == 200, f"{typed!r} was accepted: {response.status_code}"
    assert not Confirmation.objects.filter(customer=customer).exists()
    assert "is-invalid" in response.content.decode() or "invalid-feedback" in response.content.decode()


def test_r2_f2_29_february_and_the_shanghai_morning_are_accepted(client, partner, customer):
    from tests.factories import UserFactory

    shanghai = UserFactory(username="shanghai.agent", partner=partner, time_zone="Asia/Shanghai")
    client.force_login(shanghai)
    url = reverse("agreements:confirm", kwargs={"tenant_id": customer.tenant_id})
    base = {"first_name": "Mei", "last_name": "Chen", "email": "mei@example.com"}
    with time_machine.travel(NOW, tick=False):  # 07:30 on 25 November in Shanghai
        assert client.post(url, {**base, "date_agreed": "2024-11-25"}).status_code == 302
    with time_machine.travel(datetime.datetime(2024, 2, 29, 1, tzinfo=datetime.UTC), tick=False):
        response = client.post(url, {**base, "email": "mei.chen@example.com", "date_agreed": "2024-02-29"})
        assert response.status_code == 302
    assert sorted(c.date_agreed for c in Confirmation.objects.filter(customer=customer)) == [
        datetime.date(2024, 2, 29),
        datetime.date(2024, 11, 25),
    ]


@pytest.mark.parametrize("typed", [*HOSTILE_QUANTITIES, HOSTILE["sql_injection"], HOSTILE["nul"], "5" * 400])
def test_r14_f3_order_quantity_typed_any_way(agent, confirmed, license_offer, typed):
    url = reverse("orders:new", kwargs={"tenant_id": confirmed.tenant_id})
    response = agent.post(url, {f"quantity__{license_offer.id}": typed, "action": "place"})
    order = Order.objects.filter(customer=confirmed).first()
    if response.status_code == 302:
        assert order is not None
        assert [line.quantity for line in order.lines.all()] == [int(typed)]
        assert 1 <= int(typed) <= 300
    else:
        assert order is None
        assert_error_page_keeps_input(response, typed) if typed.strip() else None
        assert response.status_code == 200


@pytest.mark.parametrize("key", ["x\x00y", "z" * 100, "never-existed", HOSTILE["sql_injection"], ""])
def test_r14_f3_order_with_a_field_for_no_offer_ignores_it(agent, confirmed, license_offer, key):
    url = reverse("orders:new", kwargs={"tenant_id": confirmed.tenant_id})
    response = agent.post(
        url, {f"quantity__{license_offer.id}": "3", f"quantity__{key}": "5", "action": "place"}
    )
    assert response.status_code == 302
    order = Order.objects.get(customer=confirmed)
    assert [(line.offer_id, line.quantity) for line in order.lines.all()] == [(license_offer.id, 3)]


@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_r14_f3_order_prompt_with_hostile_acceptor(agent, customer, license_offer, name):
    url = reverse("orders:new", kwargs={"tenant_id": customer.tenant_id})
    value = HOSTILE[name]
    data = {
        f"quantity__{license_offer.id}": "3",
        "action": "confirm",
        "agreement-first_name": value,
        "agreement-last_name": "Acceptor",
        "agreement-email": "ada@example.com",
        "agreement-date_agreed": "2024-11-20",
    }
    with time_machine.travel(NOW, tick=False):
        response = agent.post(url, data)
    if storable(value, 50):
        assert response.status_code == 302
        assert Confirmation.objects.get(customer=customer).first_name == text_trim(value)
    else:
        assert not Confirmation.objects.filter(customer=customer).exists()
        assert_error_page_keeps_input(response, value)
    assert not Order.objects.filter(customer=customer).exists()


@pytest.mark.parametrize("typed", [*HOSTILE_QUANTITIES, HOSTILE["html_script"], HOSTILE["nul"], "7" * 400])
def test_r9_r14_f5_license_count_typed_any_way(agent, confirmed, subscription, typed):
    url = reverse(
        "orders:subscription_quantity",
        kwargs={"tenant_id": confirmed.tenant_id, "subscription_id": subscription.pk},
    )
    response = agent.post(url, {"quantity": typed})
    stored = Subscription.objects.get(pk=subscription.pk).quantity
    if response.status_code == 302:
        assert stored == int(typed) and 1 <= stored <= 300
    else:
        assert stored == subscription.quantity
        assert_error_page_keeps_input(response, typed) if typed.strip() else None
        assert response.status_code == 200


@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_r14_sign_in_form_with_hostile_credentials(name, admin_agent):
    client = Client()
    value = HOSTILE[name]
    response = client.post(reverse("login"), {"username": value, "password": value})
    assert response.status_code == 200
    content = response.content.decode()
    assert any(marker in content for marker in ERROR_MARKERS)
    assert_escaped(content, value)
    assert "_auth_user_id" not in client.session
