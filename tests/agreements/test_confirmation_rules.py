"""confirmation_record: the rules R1–R7, R10, R13 and R15 at the service level."""

import datetime
import uuid

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.utils import translation

from agreements.models import (
    CLOUD_AGREEMENT_TEMPLATE_ID,
    MCA_TEMPLATE_ID,
    AgreementTemplate,
    AgreementType,
    Confirmation,
    ConfirmationChannel,
    ConfirmationImmutable,
)
from agreements.selectors import confirmation_history, template_latest_mca
from agreements.services import (
    AgreementsUnavailable,
    ConfirmNotAllowed,
    ResellerCannotConfirm,
    confirm_refusal,
    confirmation_record,
)
from tests.factories import AgreementTemplateFactory, CustomerFactory, UserFactory

pytestmark = pytest.mark.django_db


def record(actor_of, user, customer, acceptor, **kwargs):
    kwargs.setdefault("channel", ConfirmationChannel.ACCOUNT_INFO)
    return confirmation_record(actor=actor_of(user), customer=customer, acceptor=acceptor, **kwargs)


def error_codes(exc: ValidationError) -> dict[str, list[str]]:
    return {field: [e.code for e in errors] for field, errors in exc.error_dict.items()}


# R1 ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "first, last",
    [("伟", "张"), ("Tom", "O'Brien"), ("Sara", "Ólafsdóttir"), ("A", "B" * 50)],
)
def test_r1_names_in_any_script_are_accepted(actor, sales_agent, customer, acceptor, first, last):
    confirmation = record(actor, sales_agent, customer, acceptor(first_name=first, last_name=last))
    confirmation.refresh_from_db()
    assert (confirmation.first_name, confirmation.last_name) == (first, last)


def test_r1_names_and_email_are_trimmed(actor, sales_agent, customer, acceptor):
    confirmation = record(
        actor,
        sales_agent,
        customer,
        acceptor(first_name="  Ada ", last_name=" Lovelace  ", email=" a@b.example "),
    )
    assert (confirmation.first_name, confirmation.last_name, confirmation.email) == (
        "Ada",
        "Lovelace",
        "a@b.example",
    )


def test_r1_blank_after_trim_is_missing(actor, sales_agent, customer, acceptor):
    with pytest.raises(ValidationError) as caught:
        record(actor, sales_agent, customer, acceptor(first_name="   ", last_name="\t", email=" "))
    assert error_codes(caught.value) == {
        "first_name": ["required"],
        "last_name": ["required"],
        "email": ["required"],
    }
    assert not Confirmation.objects.exists()


# Zero-width space, zero-width joiner and non-joiner, word joiner, byte-order mark, direction
# marks: a paste can carry them, and a name of only these showed as nothing ("Accepted by 😀 ").
INVISIBLE = ["\u200b", "\u200c\u200d", "\u2060 \ufeff", "\u202e \u200f"]


@pytest.mark.parametrize("invisible", INVISIBLE)
def test_r1_a_name_or_email_of_invisible_characters_only_is_missing(
    actor, sales_agent, customer, acceptor, invisible
):
    with pytest.raises(ValidationError) as caught:
        record(actor, sales_agent, customer, acceptor(first_name="😀", last_name=invisible, email=invisible))
    assert error_codes(caught.value) == {"last_name": ["required"], "email": ["required"]}
    assert not Confirmation.objects.exists()


def test_r1_invisible_characters_around_a_name_are_trimmed_and_kept_inside_it(
    actor, sales_agent, customer, acceptor
):
    family = "\U0001f468\u200d\U0001f469\u200d\U0001f467"  # one emoji, joined by zero-width joiners
    confirmation = record(
        actor,
        sales_agent,
        customer,
        acceptor(first_name="\ufeffAda\u200b", last_name=f"\u200b{family}", email="\u2060a@b.example"),
    )
    assert (confirmation.first_name, confirmation.last_name, confirmation.email) == (
        "Ada",
        family,
        "a@b.example",
    )


def test_r1_name_longer_than_50_characters_is_refused(actor, sales_agent, customer, acceptor):
    with pytest.raises(ValidationError) as caught:
        record(actor, sales_agent, customer, acceptor(first_name="张" * 51))
    assert error_codes(caught.value) == {"first_name": ["max_length"]}


@pytest.mark.parametrize("email", ["not-an-email", "ada@", "a" * 250 + "@example.com"])
def test_r1_invalid_email_is_refused(actor, sales_agent, customer, acceptor, email):
    with pytest.raises(ValidationError) as caught:
        record(actor, sales_agent, customer, acceptor(email=email))
    assert "email" in caught.value.error_dict
    assert not Confirmation.objects.exists()


@pytest.mark.parametrize(
    "country, raw, stored",
    [("US", "(425) 555-0100", "+14255550100"), ("CN", "138 0013 8000", "+8613800138000"), ("US", "", "")],
)
def test_r1_phone_valid_for_the_customers_country_is_stored_in_e164(
    actor, sales_agent, partner, acceptor, country, raw, stored
):
    customer = CustomerFactory(partner=partner, country=country)
    confirmation = record(actor, sales_agent, customer, acceptor(phone_number=raw))
    confirmation.refresh_from_db()
    assert str(confirmation.phone_number or "") == stored


@pytest.mark.parametrize(
    "country, raw, code",
    [
        ("CN", "12345", "invalid_phone"),
        ("US", "+49 30 901820", "phone_country"),
        ("US", "call me", "invalid_phone"),
    ],
)
def test_r1_phone_invalid_for_the_customers_country_is_refused(
    actor, sales_agent, partner, acceptor, country, raw, code
):
    customer = CustomerFactory(partner=partner, country=country)
    with pytest.raises(ValidationError) as caught:
        record(actor, sales_agent, customer, acceptor(phone_number=raw))
    assert error_codes(caught.value) == {"phone_number": [code]}


def test_r1_a_phone_of_another_country_is_refused_as_such_with_an_example(
    actor, sales_agent, partner, acceptor
):
    # Worded like the invalid number's message, which gives an example too.
    customer = CustomerFactory(partner=partner, country="GB")
    with pytest.raises(ValidationError) as caught:
        record(actor, sales_agent, customer, acceptor(phone_number="+49 30 901820"))
    assert caught.value.message_dict["phone_number"] == [
        "This number belongs to another country. Enter a phone number for United Kingdom, "
        "for example +44 121 234 5678."
    ]


def test_r1_missing_date_is_refused(actor, sales_agent, customer, acceptor):
    with pytest.raises(ValidationError) as caught:
        record(actor, sales_agent, customer, acceptor(date_agreed=None))
    assert error_codes(caught.value) == {"date_agreed": ["required"]}


# R2 ---------------------------------------------------------------------------


@time_machine.travel(datetime.datetime(2024, 11, 24, 23, 0, tzinfo=datetime.UTC), tick=False)
def test_r2_shanghai_user_at_7am_may_enter_local_today_while_utc_is_still_yesterday(
    actor, partner, customer, acceptor
):
    user = UserFactory(partner=partner, role="Sales agent", time_zone="Asia/Shanghai")
    confirmation = record(actor, user, customer, acceptor(date_agreed=datetime.date(2024, 11, 25)))
    assert confirmation.date_agreed == datetime.date(2024, 11, 25)


@time_machine.travel(datetime.datetime(2024, 11, 24, 23, 0, tzinfo=datetime.UTC), tick=False)
def test_r2_same_instant_a_utc_user_may_not_enter_the_25th(actor, sales_agent, customer, acceptor):
    with pytest.raises(ValidationError) as caught:
        record(actor, sales_agent, customer, acceptor(date_agreed=datetime.date(2024, 11, 25)))
    assert error_codes(caught.value) == {"date_agreed": ["future_date"]}


@time_machine.travel(datetime.datetime(2024, 11, 25, 10, 0, tzinfo=datetime.UTC), tick=False)
def test_r2_los_angeles_user_entering_tomorrow_is_refused(actor, partner, customer, acceptor):
    user = UserFactory(partner=partner, role="Sales agent", time_zone="America/Los_Angeles")
    with pytest.raises(ValidationError) as caught:
        record(actor, user, customer, acceptor(date_agreed=datetime.date(2024, 11, 26)))
    assert error_codes(caught.value) == {"date_agreed": ["future_date"]}
    assert "America/Los_Angeles" in caught.value.error_dict["date_agreed"][0].message % (
        caught.value.error_dict["date_agreed"][0].params
    )
    assert not Confirmation.objects.exists()


def test_r2_date_before_the_templates_publication_is_refused(actor, sales_agent, customer, acceptor):
    with pytest.raises(ValidationError) as caught:
        record(actor, sales_agent, customer, acceptor(date_agreed=datetime.date(2019, 9, 30)))
    assert error_codes(caught.value) == {"date_agreed": ["before_publication"]}
    assert record(actor, sales_agent, customer, acceptor(date_agreed=datetime.date(2019, 10, 1)))


def test_r2_the_earliest_date_is_the_publication_of_the_template_confirmed_not_of_the_latest(
    actor, sales_agent, customer, acceptor
):
    """The API confirms any MCA version (R7): an older one's own publication date is its bound."""
    first = AgreementTemplate.objects.get(template_id=MCA_TEMPLATE_ID)
    newer = AgreementTemplateFactory(version_rank=1, published_on=datetime.date(2023, 1, 1))
    june_2022 = datetime.date(2022, 6, 1)

    confirmation = record(actor, sales_agent, customer, acceptor(date_agreed=june_2022), template=first)

    assert (confirmation.template, confirmation.date_agreed) == (first, june_2022)
    with pytest.raises(ValidationError) as caught:
        record(
            actor, sales_agent, customer, acceptor(first_name="Grace", date_agreed=june_2022), template=newer
        )
    assert error_codes(caught.value) == {"date_agreed": ["before_publication"]}
    assert "2023-01-01" in caught.value.message_dict["date_agreed"][0]


@time_machine.travel(datetime.datetime(2024, 11, 25, 10, 0, tzinfo=datetime.UTC), tick=False)
def test_r2_aware_datetime_later_than_now_is_refused(actor, sales_agent, customer, acceptor):
    later = datetime.datetime(2024, 11, 25, 10, 30, tzinfo=datetime.UTC)
    with pytest.raises(ValidationError) as caught:
        record(actor, sales_agent, customer, acceptor(date_agreed=later))
    assert error_codes(caught.value) == {"date_agreed": ["future_date"]}


@time_machine.travel(datetime.datetime(2026, 11, 24, 23, 0, tzinfo=datetime.UTC), tick=False)
def test_r2_aware_datetime_in_the_past_is_accepted_although_its_date_is_tomorrow_for_the_user(
    actor, sales_agent, customer, acceptor
):
    # 12:00 at +14:00 on the 25th is 22:00 UTC on the 24th: an hour ago, but the 25th for a UTC user.
    moment = datetime.datetime(2026, 11, 25, 12, 0, tzinfo=datetime.timezone(datetime.timedelta(hours=14)))
    confirmation = record(actor, sales_agent, customer, acceptor(date_agreed=moment))
    assert confirmation.date_agreed == datetime.date(2026, 11, 25)


def test_r2_aware_datetime_before_the_templates_publication_is_refused(
    actor, sales_agent, customer, acceptor
):
    moment = datetime.datetime(2019, 9, 30, 23, 0, tzinfo=datetime.UTC)
    with pytest.raises(ValidationError) as caught:
        record(actor, sales_agent, customer, acceptor(date_agreed=moment))
    assert error_codes(caught.value) == {"date_agreed": ["before_publication"]}


@pytest.mark.parametrize("language", ["en", "zh-hans"])
@time_machine.travel(datetime.datetime(2024, 11, 25, 10, 0, tzinfo=datetime.UTC), tick=False)
def test_r2_messages_give_the_bound_as_an_iso_date_in_every_language(
    actor, sales_agent, customer, acceptor, language
):
    """10/01/2019 reads as 10 January in Europe; 2019-10-01 reads the same everywhere."""
    with translation.override(language):
        with pytest.raises(ValidationError) as future:
            record(actor, sales_agent, customer, acceptor(date_agreed=datetime.date(2024, 11, 26)))
        with pytest.raises(ValidationError) as early:
            record(actor, sales_agent, customer, acceptor(date_agreed=datetime.date(2019, 9, 30)))
        assert "2024-11-25" in future.value.message_dict["date_agreed"][0]
        assert "2019-10-01" in early.value.message_dict["date_agreed"][0]


# R3, R4 -------------------------------------------------------------------------


@pytest.mark.parametrize("role_user", ["helpdesk_agent", "billing_admin", "staff_user"])
def test_r3_only_admin_and_sales_agents_may_confirm(request, actor, customer, acceptor, role_user):
    user = request.getfixturevalue(role_user)
    assert isinstance(confirm_refusal(user), ConfirmNotAllowed)
    with pytest.raises(ConfirmNotAllowed):
        record(actor, user, customer, acceptor())
    assert not Confirmation.objects.exists()


@pytest.mark.parametrize("role_user", ["admin_agent", "sales_agent"])
def test_r3_admin_and_sales_agents_may_confirm(request, actor, customer, acceptor, role_user):
    user = request.getfixturevalue(role_user)
    assert confirm_refusal(user) is None
    assert record(actor, user, customer, acceptor()).recorded_by == user


def test_r4_reseller_is_told_to_ask_the_indirect_provider_and_nothing_is_recorded(
    actor, reseller_agent, reseller_partner, acceptor
):
    customer = CustomerFactory(partner=reseller_partner)
    with pytest.raises(ResellerCannotConfirm) as caught:
        record(actor, reseller_agent, customer, acceptor())
    assert "indirect provider" in str(caught.value)
    assert not Confirmation.objects.exists()
    customer.refresh_from_db()
    assert customer.current_confirmation_id is None


# R5 -----------------------------------------------------------------------------


def test_r5_confirmation_cannot_be_saved_again(actor, sales_agent, customer, acceptor):
    confirmation = record(actor, sales_agent, customer, acceptor())
    confirmation.first_name = "Eve"
    with pytest.raises(ConfirmationImmutable):
        confirmation.save()
    assert Confirmation.objects.get().first_name == "Ada"


def test_r5_confirmation_cannot_be_deleted(actor, sales_agent, customer, acceptor):
    confirmation = record(actor, sales_agent, customer, acceptor())
    with pytest.raises(ConfirmationImmutable):
        confirmation.delete()
    with pytest.raises(ConfirmationImmutable):
        Confirmation.objects.filter(pk=confirmation.pk).update(first_name="Eve")
    with pytest.raises(ConfirmationImmutable):
        Confirmation.objects.all().delete()
    assert Confirmation.objects.get().first_name == "Ada"


def test_r5_newer_confirmation_becomes_current_and_older_stays_as_history(
    actor, sales_agent, customer, acceptor
):
    first = record(actor, sales_agent, customer, acceptor())
    second = record(actor, sales_agent, customer, acceptor(first_name="Grace", email="grace@example.com"))
    customer.refresh_from_db()
    assert customer.current_confirmation == second
    assert list(confirmation_history(customer=customer)) == [second, first]


# R6 -----------------------------------------------------------------------------


def test_r6_same_acceptor_as_the_current_confirmation_is_refused_and_nothing_stored(
    actor, sales_agent, customer, acceptor
):
    record(actor, sales_agent, customer, acceptor(phone_number="425 555 0100"))
    with pytest.raises(ValidationError) as caught:
        record(
            actor,
            sales_agent,
            customer,
            acceptor(
                email="ADA@example.com", phone_number="+1 425-555-0100", date_agreed=datetime.date(2024, 2, 1)
            ),
        )
    assert caught.value.code == "duplicate"
    assert Confirmation.objects.count() == 1


@pytest.mark.parametrize(
    "change",
    [
        {"first_name": "Grace"},
        {"last_name": "Hopper"},
        {"email": "grace@example.com"},
        {"phone_number": "425 555 0100"},
    ],
    ids=["first name", "last name", "email", "phone"],
)
def test_r6_a_change_in_any_one_of_the_four_fields_is_a_new_confirmation(
    actor, sales_agent, customer, acceptor, change
):
    record(actor, sales_agent, customer, acceptor())
    newer = record(actor, sales_agent, customer, acceptor(**change))
    customer.refresh_from_db()
    assert customer.current_confirmation == newer
    assert Confirmation.objects.count() == 2


# R7 -----------------------------------------------------------------------------


def test_r7_latest_mca_template_is_used(actor, sales_agent, customer, acceptor):
    newer = AgreementTemplateFactory(version_rank=1, published_on=datetime.date(2023, 1, 1))
    assert template_latest_mca() == newer
    confirmation = record(actor, sales_agent, customer, acceptor())
    assert confirmation.template == newer
    assert confirmation.agreement_type == AgreementType.MICROSOFT_CUSTOMER_AGREEMENT


def test_r7_retired_cloud_agreement_template_is_refused(actor, sales_agent, customer, acceptor):
    retired = AgreementTemplate.objects.get(template_id=CLOUD_AGREEMENT_TEMPLATE_ID)
    with pytest.raises(ValidationError) as caught:
        record(actor, sales_agent, customer, acceptor(), template=retired)
    assert error_codes(caught.value) == {"template": ["template_retired"]}
    assert not Confirmation.objects.exists()


def test_r7_a_type_that_is_not_the_templates_is_refused_and_nothing_stored(
    actor, sales_agent, customer, acceptor
):
    with pytest.raises(ValidationError) as caught:
        record(
            actor, sales_agent, customer, acceptor(), agreement_type=AgreementType.MICROSOFT_CLOUD_AGREEMENT
        )
    assert error_codes(caught.value) == {"agreement_type": ["type_mismatch"]}
    assert not Confirmation.objects.exists()


def test_r7_the_templates_own_type_is_accepted(actor, sales_agent, customer, acceptor):
    confirmation = record(
        actor, sales_agent, customer, acceptor(), agreement_type=AgreementType.MICROSOFT_CUSTOMER_AGREEMENT
    )
    assert confirmation.agreement_type == AgreementType.MICROSOFT_CUSTOMER_AGREEMENT


# R10 ----------------------------------------------------------------------------


@pytest.mark.parametrize("cloud", ["china", "germany", "usgov"])
def test_r10_outside_the_public_cloud_nothing_is_recorded(
    actor, sales_agent, customer, acceptor, settings, cloud
):
    settings.PORTAL_CLOUD = cloud
    with pytest.raises(AgreementsUnavailable):
        record(actor, sales_agent, customer, acceptor())
    assert not Confirmation.objects.exists()


# R12, R13, R15 --------------------------------------------------------------------


def test_r12_another_partners_customer_cannot_be_confirmed(actor, other_agent, customer, acceptor):
    with pytest.raises(customer.DoesNotExist):
        record(actor, other_agent, customer, acceptor())
    assert not Confirmation.objects.exists()


@time_machine.travel(datetime.datetime(2024, 11, 25, 10, 0, tzinfo=datetime.UTC), tick=False)
def test_r13_who_when_channel_ip_and_user_agent_are_stored(sales_agent, customer, acceptor, actor):
    confirmation = confirmation_record(
        actor=actor(sales_agent, client_ip="198.51.100.4", user_agent="Mozilla/5.0 Test"),
        customer=customer,
        acceptor=acceptor(),
        channel=ConfirmationChannel.ACCOUNT_INFO,
    )
    confirmation.refresh_from_db()
    assert confirmation.recorded_by == sales_agent
    assert confirmation.recorded_at == datetime.datetime(2024, 11, 25, 10, 0, tzinfo=datetime.UTC)
    assert confirmation.channel == ConfirmationChannel.ACCOUNT_INFO
    assert confirmation.client_ip == "198.51.100.4"
    assert confirmation.user_agent == "Mozilla/5.0 Test"
    # The customer's partner rides along, for the partner's recent activity (R12).
    assert confirmation.partner == customer.partner == sales_agent.partner
    # Outside a request, the customer's history row still names who changed its status.
    assert customer.history.order_by("-history_id").first().history_user == sales_agent


def test_r15_same_idempotency_key_twice_records_once(actor, sales_agent, customer, acceptor):
    key = uuid.uuid4()
    first = record(actor, sales_agent, customer, acceptor(), idempotency_key=key)
    again = record(actor, sales_agent, customer, acceptor(), idempotency_key=key)
    assert first.pk == again.pk
    assert Confirmation.objects.count() == 1


def test_r15_the_same_key_is_the_same_submission_only_with_the_same_acceptor_and_date(
    actor, sales_agent, customer, acceptor
):
    from portal.once import SubmissionReused

    key = uuid.uuid4()
    customer.country = "US"
    customer.save(update_fields=["country"])
    first = record(actor, sales_agent, customer, acceptor(phone_number="+14255550100"), idempotency_key=key)
    # Written differently, the same: as R6 compares, plus the date.
    retry = acceptor(first_name=" Ada ", email="ADA@example.com", phone_number="(425) 555-0100")
    assert record(actor, sales_agent, customer, retry, idempotency_key=key).pk == first.pk
    for changed in (
        acceptor(first_name="Bob", phone_number="+14255550100"),
        acceptor(phone_number="+14255550199"),
        acceptor(phone_number="+14255550100", date_agreed=datetime.date(2024, 1, 16)),
    ):
        with pytest.raises(SubmissionReused):
            record(actor, sales_agent, customer, changed, idempotency_key=key)
    assert Confirmation.objects.count() == 1
