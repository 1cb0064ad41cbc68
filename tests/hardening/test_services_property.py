"""R1, R2, R14 at the service level: properties over generated input and the hostile corpus.

Every service that takes user input answers a ValidationError naming the bad
field, or stores exactly what was typed after trimming (domain in lower case,
phone in E.164, as documented). Nothing else: no 500, no silent change.
"""

import datetime
import zoneinfo

import phonenumbers
import pytest
import time_machine
from django.core.exceptions import ValidationError
from hypothesis import given
from hypothesis import strategies as st

from agreements.models import Confirmation
from agreements.selectors import template_latest_mca
from agreements.services import confirmation_record
from customers.models import Customer, domain_validator
from customers.services import customer_create, customer_update
from customers.validators import text_trim
from orders.models import Order, Subscription
from orders.services import LineItem, order_place, subscription_set_quantity
from tests.hardening.hostile import (
    CUSTOMER_TEXT_LIMITS,
    HOSTILE,
    HOSTILE_QUANTITIES,
    HOSTILE_STORABLE,
    PROPERTY,
)

pytestmark = pytest.mark.django_db

OPTIONAL = {"address_line2", "state", "postal_code"}
ZONES = [
    "Pacific/Kiritimati",  # UTC+14: the first to reach a new day
    "Asia/Shanghai",
    "Asia/Kolkata",
    "UTC",
    "America/Los_Angeles",
    "Pacific/Pago_Pago",  # UTC-11: among the last
]
# Text as people type it; NUL has its own test (PostgreSQL cannot store it).
typed_text = st.text(st.characters(codec="utf-8", exclude_characters="\x00"), max_size=230)


def _create(actor, user, details):
    return customer_create(actor=actor(user), **details)


def _assert_refused_on(exc: ValidationError, field: str):
    assert hasattr(exc, "error_dict"), exc
    assert field in exc.error_dict, f"error on {sorted(exc.error_dict)}, expected {field}"


# Customers ------------------------------------------------------------------------


@PROPERTY
@given(field=st.sampled_from(sorted(CUSTOMER_TEXT_LIMITS)), value=typed_text)
def test_r1_r14_customer_text_is_stored_trimmed_or_refused_on_its_field(
    admin_agent, actor, details, field, value
):
    trimmed = text_trim(value)
    try:
        customer = _create(actor, admin_agent, details(**{field: value}))
    except ValidationError as exc:
        _assert_refused_on(exc, field)
        # Refused only when blank (a required field) or too long: any script is fine (R1).
        assert (not trimmed and field not in OPTIONAL) or len(trimmed) > CUSTOMER_TEXT_LIMITS[field]
        assert not Customer.objects.filter(
            domain__startswith=details()["domain"][:6], **{field: trimmed}
        ).exists()
    else:
        assert getattr(Customer.objects.get(pk=customer.pk), field) == trimmed


@PROPERTY
@given(value=st.text(st.characters(codec="utf-8", exclude_characters="\x00"), max_size=40))
def test_r14_domain_is_stored_as_typed_in_lower_case_or_refused(admin_agent, actor, details, value):
    expected = text_trim(value).lower()
    if expected and "." not in expected:
        expected += ".onmicrosoft.com"
    try:
        customer = _create(actor, admin_agent, details(domain=value))
    except ValidationError as exc:
        _assert_refused_on(exc, "domain")
        if {e.code for e in exc.error_dict["domain"]} == {"unique"}:
            # An earlier example took the same domain in another case: refused, not duplicated.
            assert Customer.objects.filter(domain=expected).exists()
        else:
            with pytest.raises(ValidationError):
                domain_validator(expected)
    else:
        assert Customer.objects.get(pk=customer.pk).domain == expected


def test_r14_the_same_domain_in_another_case_is_refused_not_duplicated(admin_agent, actor, details):
    _create(actor, admin_agent, details(domain="Contoso"))
    with pytest.raises(ValidationError) as caught:
        _create(actor, admin_agent, details(domain="  CONTOSO.onmicrosoft.com "))
    _assert_refused_on(caught.value, "domain")
    assert Customer.objects.filter(domain="contoso.onmicrosoft.com").count() == 1


@PROPERTY
@given(value=st.one_of(st.emails(), typed_text))
def test_r1_r14_email_is_stored_as_typed_or_refused(admin_agent, actor, details, value):
    try:
        customer = _create(actor, admin_agent, details(contact_email=value))
    except ValidationError as exc:
        _assert_refused_on(exc, "contact_email")
    else:
        assert Customer.objects.get(pk=customer.pk).contact_email == text_trim(value)


@PROPERTY
@given(
    value=st.one_of(
        st.text(alphabet="+0123456789 ()-.x", max_size=25),
        st.from_regex(r"\A\(?[2-9]\d\d\)? ?[2-9]\d\d-?\d{4}\Z"),
        typed_text,
    ),
    country=st.sampled_from(["US", "GB", "CN", "DE", "IN"]),
)
def test_r1_r14_phone_is_stored_in_e164_for_the_country_or_refused(
    admin_agent, actor, details, value, country
):
    try:
        customer = _create(actor, admin_agent, details(contact_phone=value, country=country))
    except ValidationError as exc:
        _assert_refused_on(exc, "contact_phone")
        assert text_trim(value)
    else:
        stored = str(Customer.objects.get(pk=customer.pk).contact_phone or "")
        if not text_trim(value):
            assert stored == ""
        else:
            # The same number, only written in E.164 (documented, not a silent change).
            assert phonenumbers.parse(stored) == phonenumbers.parse(text_trim(value), country)
            assert phonenumbers.region_code_for_number(phonenumbers.parse(stored)) == country or (
                phonenumbers.parse(stored).country_code == phonenumbers.country_code_for_region(country)
            )


@pytest.mark.parametrize("name", sorted(HOSTILE_STORABLE))
def test_r14_hostile_text_through_customer_create_and_update(admin_agent, actor, details, name):
    value = HOSTILE_STORABLE[name]
    for field, limit in CUSTOMER_TEXT_LIMITS.items():
        try:
            customer = _create(actor, admin_agent, details(**{field: value}))
        except ValidationError as exc:
            _assert_refused_on(exc, field)
            assert len(text_trim(value)) > limit, f"{field} refused {name}"
            continue
        assert getattr(Customer.objects.get(pk=customer.pk), field) == text_trim(value)
        updated, _written = customer_update(
            actor=actor(admin_agent), customer=customer, channel="web", city=value
        )
        if len(text_trim(value)) <= CUSTOMER_TEXT_LIMITS["city"]:
            assert Customer.objects.get(pk=updated.pk).city == text_trim(value)
    for field in ("contact_email", "email", "contact_phone", "domain", "country"):
        with pytest.raises(ValidationError) as caught:
            _create(actor, admin_agent, details(**{field: value}))
        _assert_refused_on(caught.value, field)


def test_r14_nul_character_is_a_field_error_in_every_service(
    admin_agent, actor, details, customer, acceptor, confirmed
):
    """PostgreSQL refuses NUL in text ("A string literal cannot contain NUL"): a field error on both."""
    value = HOSTILE["nul"]
    for field in CUSTOMER_TEXT_LIMITS:
        with pytest.raises(ValidationError) as caught:
            _create(actor, admin_agent, details(**{field: value}))
        _assert_refused_on(caught.value, field)
    with pytest.raises(ValidationError) as caught:
        customer_update(actor=actor(admin_agent), customer=confirmed, channel="web", city=value)
    _assert_refused_on(caught.value, "city")
    for field in ("first_name", "last_name"):
        with pytest.raises(ValidationError) as caught:
            confirmation_record(
                actor=actor(admin_agent),
                customer=customer,
                acceptor=acceptor(**{field: value}),
                channel="api",
            )
        _assert_refused_on(caught.value, field)
    assert not Confirmation.objects.filter(customer=customer).exists()


# Confirmations (R1, R2) -------------------------------------------------------------


@pytest.mark.parametrize("name", sorted(HOSTILE_STORABLE))
def test_r1_r14_hostile_acceptor_names_are_stored_trimmed_or_refused(
    admin_agent, actor, customer, acceptor, name
):
    value = HOSTILE_STORABLE[name]
    for field in ("first_name", "last_name"):
        try:
            confirmation = confirmation_record(
                actor=actor(admin_agent),
                customer=customer,
                acceptor=acceptor(**{field: value}),
                channel="api",
            )
        except ValidationError as exc:
            _assert_refused_on(exc, field)
            assert len(text_trim(value)) > 50
        else:
            assert getattr(Confirmation.objects.get(pk=confirmation.pk), field) == text_trim(value)
    for field in ("email", "phone_number"):
        with pytest.raises(ValidationError) as caught:
            confirmation_record(
                actor=actor(admin_agent),
                customer=customer,
                acceptor=acceptor(**{field: value}),
                channel="api",
            )
        _assert_refused_on(caught.value, field)


@PROPERTY
@given(
    zone=st.sampled_from(ZONES),
    now=st.datetimes(
        min_value=datetime.datetime(2019, 10, 1),
        max_value=datetime.datetime(2031, 12, 31),
        timezones=st.just(datetime.UTC),
    ),
    offset_days=st.integers(-3, 3),
)
def test_r2_date_near_local_today_in_every_time_zone(
    admin_agent, actor, customer, acceptor, zone, now, offset_days
):
    """R2: not later than today in the agent's time zone, whatever UTC says."""
    admin_agent.time_zone = zone
    local_today = now.astimezone(zoneinfo.ZoneInfo(zone)).date()
    date_agreed = local_today + datetime.timedelta(days=offset_days)
    published = template_latest_mca().published_on
    with time_machine.travel(now, tick=False):
        try:
            confirmation_record(
                actor=actor(admin_agent),
                customer=customer,
                acceptor=acceptor(date_agreed=date_agreed),
                channel="api",
            )
        except ValidationError as exc:
            _assert_refused_on(exc, "date_agreed")
            assert date_agreed > local_today or date_agreed < published
        else:
            assert published <= date_agreed <= local_today


@PROPERTY
@given(date_agreed=st.dates())
def test_r2_any_date_is_accepted_only_between_publication_and_today(
    admin_agent, actor, customer, acceptor, date_agreed
):
    with time_machine.travel(datetime.datetime(2025, 6, 1, 12, tzinfo=datetime.UTC), tick=False):
        try:
            confirmation_record(
                actor=actor(admin_agent),
                customer=customer,
                acceptor=acceptor(date_agreed=date_agreed),
                channel="api",
            )
        except ValidationError as exc:
            _assert_refused_on(exc, "date_agreed")
            assert not template_latest_mca().published_on <= date_agreed <= datetime.date(2025, 6, 1)
        else:
            assert template_latest_mca().published_on <= date_agreed <= datetime.date(2025, 6, 1)


@pytest.mark.parametrize(
    "zone, date_agreed, accepted",
    [
        ("Asia/Shanghai", datetime.date(2024, 11, 25), True),  # 07:30 on the 25th in Shanghai
        ("America/Los_Angeles", datetime.date(2024, 11, 25), False),  # still the 24th there
        ("Pacific/Kiritimati", datetime.date(2024, 11, 25), True),
        ("Pacific/Pago_Pago", datetime.date(2024, 11, 24), True),
        ("UTC", datetime.date(2024, 11, 24), True),
        ("UTC", datetime.date(2024, 11, 25), False),
    ],
)
def test_r2_boundary_of_today_in_the_agents_time_zone(
    admin_agent, actor, customer, acceptor, zone, date_agreed, accepted
):
    admin_agent.time_zone = zone
    with time_machine.travel(datetime.datetime(2024, 11, 24, 23, 30, tzinfo=datetime.UTC), tick=False):
        if accepted:
            confirmation_record(
                actor=actor(admin_agent),
                customer=customer,
                acceptor=acceptor(date_agreed=date_agreed),
                channel="api",
            )
        else:
            with pytest.raises(ValidationError) as caught:
                confirmation_record(
                    actor=actor(admin_agent),
                    customer=customer,
                    acceptor=acceptor(date_agreed=date_agreed),
                    channel="api",
                )
            assert caught.value.error_dict["date_agreed"][0].code == "future_date"


@pytest.mark.parametrize(
    "date_agreed, code",
    [
        (datetime.date.min, "before_publication"),
        (datetime.date(2019, 9, 30), "before_publication"),
        (datetime.date.max, "future_date"),
        (datetime.date(2024, 3, 1), "future_date"),
    ],
)
def test_r2_far_past_and_far_future_say_which_bound(
    admin_agent, actor, customer, acceptor, date_agreed, code
):
    with time_machine.travel(datetime.datetime(2024, 2, 29, 12, tzinfo=datetime.UTC), tick=False):
        with pytest.raises(ValidationError) as caught:
            confirmation_record(
                actor=actor(admin_agent),
                customer=customer,
                acceptor=acceptor(date_agreed=date_agreed),
                channel="api",
            )
    assert caught.value.error_dict["date_agreed"][0].code == code


def test_r2_29_february_is_accepted_on_the_day_and_kept(admin_agent, actor, customer, acceptor):
    with time_machine.travel(datetime.datetime(2024, 2, 29, 0, 5, tzinfo=datetime.UTC), tick=False):
        confirmation = confirmation_record(
            actor=actor(admin_agent),
            customer=customer,
            acceptor=acceptor(date_agreed=datetime.date(2024, 2, 29)),
            channel="api",
        )
    assert Confirmation.objects.get(pk=confirmation.pk).date_agreed == datetime.date(2024, 2, 29)


def test_r2_a_past_date_time_with_any_offset_is_accepted(admin_agent, actor, customer, acceptor):
    """R2 (API): a date-time with an offset must not be later than now; one in the past is fine."""
    admin_agent.time_zone = "Pacific/Pago_Pago"
    now = datetime.datetime(2024, 1, 1, 0, 0, tzinfo=datetime.UTC)
    moment = datetime.datetime(2024, 1, 1, 13, 0, tzinfo=datetime.timezone(datetime.timedelta(hours=14)))
    assert moment < now
    with time_machine.travel(now, tick=False):
        confirmation_record(
            actor=actor(admin_agent), customer=customer, acceptor=acceptor(date_agreed=moment), channel="api"
        )


def test_r2_a_date_time_one_second_in_the_future_is_refused(admin_agent, actor, customer, acceptor):
    now = datetime.datetime(2024, 6, 1, 12, 0, tzinfo=datetime.UTC)
    with time_machine.travel(now, tick=False), pytest.raises(ValidationError) as caught:
        confirmation_record(
            actor=actor(admin_agent),
            customer=customer,
            acceptor=acceptor(date_agreed=now + datetime.timedelta(seconds=1)),
            channel="api",
        )
    assert caught.value.error_dict["date_agreed"][0].code == "future_date"


# Orders and license counts (R8, R9) ----------------------------------------------------

quantities = st.one_of(
    st.integers(min_value=-(2**70), max_value=2**70),
    st.integers(min_value=-2, max_value=305),
    st.none(),
    st.booleans(),
    st.floats(allow_nan=True),
    st.text(max_size=5),
    st.sampled_from(HOSTILE_QUANTITIES),
)


def _in_bounds(value, offer) -> bool:
    return (
        isinstance(value, int)
        and not isinstance(value, bool)
        and offer.min_quantity <= value <= offer.max_quantity
    )


@PROPERTY
@given(quantity=quantities)
def test_r14_order_quantity_is_placed_exactly_or_refused(
    admin_agent, actor, confirmed, license_offer, quantity
):
    before = Order.objects.count()
    try:
        order = order_place(
            actor=actor(admin_agent),
            customer=confirmed,
            lines=[LineItem(offer_id=license_offer.id, quantity=quantity)],
            channel="web",
        )
    except ValidationError as exc:
        _assert_refused_on(exc, "line_0")
        assert not _in_bounds(quantity, license_offer)
        assert Order.objects.count() == before
    else:
        assert _in_bounds(quantity, license_offer)
        assert [line.quantity for line in order.lines.all()] == [quantity]
        assert Subscription.objects.get(order=order).quantity == quantity


@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_r14_hostile_offer_id_is_an_unknown_offer(admin_agent, actor, confirmed, license_offer, name):
    with pytest.raises(ValidationError) as caught:
        order_place(
            actor=actor(admin_agent),
            customer=confirmed,
            lines=[LineItem(offer_id=HOSTILE[name], quantity=1)],
            channel="api",
        )
    assert caught.value.error_dict["line_0"][0].code == "unknown_offer"
    assert not Order.objects.filter(customer=confirmed).exists()


@PROPERTY
@given(quantity=quantities)
def test_r9_r14_license_count_is_set_exactly_or_refused(
    admin_agent, actor, subscription, license_offer, quantity
):
    before = Subscription.objects.get(pk=subscription.pk).quantity
    try:
        subscription_set_quantity(actor=actor(admin_agent), subscription=subscription, quantity=quantity)
    except ValidationError as exc:
        _assert_refused_on(exc, "quantity")
        assert not _in_bounds(quantity, license_offer)
        assert Subscription.objects.get(pk=subscription.pk).quantity == before
    else:
        assert _in_bounds(quantity, license_offer)
        assert Subscription.objects.get(pk=subscription.pk).quantity == quantity


def test_r14_customer_of_every_country_can_be_created(admin_agent, actor, details):
    """Country is a choice: an unknown code is a field error, not a database error."""
    for country in ("US", "CN", "DE", "XX", "", "us", "ZZZ"):
        try:
            customer = _create(actor, admin_agent, details(country=country))
        except ValidationError as exc:
            _assert_refused_on(exc, "country")
        else:
            # Country codes are case-insensitive; the code is kept in upper case.
            assert Customer.objects.get(pk=customer.pk).country.code == country.upper()


def test_r12_a_service_refuses_another_partners_customer(other_agent, actor, customer, acceptor):
    with pytest.raises(Customer.DoesNotExist):
        confirmation_record(actor=actor(other_agent), customer=customer, acceptor=acceptor(), channel="api")
    assert not Confirmation.objects.filter(customer=customer).exists()
