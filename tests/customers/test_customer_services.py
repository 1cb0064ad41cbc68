"""customer_create, customer_update, customer_validate and the selectors (F1, R1, R12, R13, R15)."""

import datetime
import uuid

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404

from agreements.models import Confirmation, ConfirmationChannel
from customers.models import AgreementStatus, Channel, Customer
from customers.selectors import customer_from_submission, customer_get, customer_list, customer_status_counts
from customers.services import customer_create, customer_update, customer_update_validate, customer_validate
from customers.validators import text_trim
from tests.factories import CustomerFactory, confirmed_customer

pytestmark = pytest.mark.django_db

DETAILS = {
    "company_name": "Wingtip Toys",
    "domain": "WingtipToys",
    "email": "billing@wingtip.example",
    "address_line1": "1 Wing Street",
    "city": "Seattle",
    "country": "US",
    "contact_first_name": "Wanda",
    "contact_last_name": "Tip",
    "contact_email": "wanda@wingtip.example",
    "contact_phone": "(425) 555-0100",
}


def test_f1_customer_and_confirmation_are_created_together(actor, sales_agent, acceptor):
    customer = customer_create(actor=actor(sales_agent), acceptor=acceptor(), **DETAILS)
    assert customer.domain == "wingtiptoys.onmicrosoft.com"
    assert customer.partner == sales_agent.partner
    assert customer.created_by == sales_agent
    assert customer.created_channel == Channel.WEB
    assert customer.agreement_status == AgreementStatus.CONFIRMED
    assert customer.current_confirmation.channel == ConfirmationChannel.NEW_CUSTOMER
    assert str(customer.contact_phone) == "+14255550100"


def test_f1_refused_confirmation_leaves_no_customer(actor, sales_agent, acceptor):
    future = datetime.date.today() + datetime.timedelta(days=2)
    with pytest.raises(ValidationError) as caught:
        customer_create(actor=actor(sales_agent), acceptor=acceptor(date_agreed=future), **DETAILS)
    assert "date_agreed" in caught.value.error_dict
    assert not Customer.objects.exists()
    assert not Confirmation.objects.exists()


def test_f1_duplicate_domain_is_refused(actor, sales_agent, other_agent):
    customer_create(actor=actor(sales_agent), **DETAILS)
    with pytest.raises(ValidationError) as caught:
        customer_create(actor=actor(other_agent), **{**DETAILS, "domain": "wingtiptoys.onmicrosoft.com"})
    assert list(caught.value.error_dict) == ["domain"]
    assert Customer.objects.count() == 1


def test_r1_contact_phone_must_suit_the_customers_country(actor, sales_agent):
    with pytest.raises(ValidationError) as caught:
        customer_create(actor=actor(sales_agent), **{**DETAILS, "country": "CN", "contact_phone": "12345"})
    assert [e.code for e in caught.value.error_dict["contact_phone"]] == ["invalid_phone"]


@pytest.mark.parametrize(
    "typed, trimmed",
    [
        (None, ""),
        ("  Ada \u3000", "Ada"),
        ("\ufeff\u200bAda\u2060 ", "Ada"),
        ("\u200b \u200c\u200d", ""),
        ("\u202e", ""),  # a direction override alone shows nothing
        ("\u202egnp.exe", "\u202egnp.exe"),  # around text that shows, it stays
        ("Ada\u200dLovelace", "Ada\u200dLovelace"),  # inside, it stays
    ],
)
def test_r1_text_trim_takes_spaces_and_zero_width_characters_off_both_ends(typed, trimmed):
    assert text_trim(typed) == trimmed


def test_r1_a_contact_name_of_a_zero_width_space_only_is_missing(actor, sales_agent):
    with pytest.raises(ValidationError) as caught:
        customer_create(actor=actor(sales_agent), **{**DETAILS, "contact_first_name": "\u200b"})
    assert [e.code for e in caught.value.error_dict["contact_first_name"]] == ["blank"]
    assert not Customer.objects.exists()


def test_f1_validate_reports_every_error_and_stores_nothing(actor, sales_agent):
    with pytest.raises(ValidationError) as caught:
        customer_validate(
            actor=actor(sales_agent),
            **{**DETAILS, "company_name": "  ", "domain": "bad domain!", "contact_phone": "x"},
        )
    assert {"company_name", "domain", "contact_phone"} <= set(caught.value.error_dict)
    assert not Customer.objects.exists()


@pytest.mark.parametrize("role_user", ["helpdesk_agent", "billing_admin", "staff_user"])
def test_r3_only_admin_and_sales_agents_create_customers(request, actor, role_user):
    with pytest.raises(PermissionDenied):
        customer_create(actor=actor(request.getfixturevalue(role_user)), **DETAILS)
    assert not Customer.objects.exists()


def test_r15_same_idempotency_key_creates_one_customer_and_one_confirmation(actor, sales_agent, acceptor):
    key = uuid.uuid4()
    first = customer_create(actor=actor(sales_agent), acceptor=acceptor(), idempotency_key=key, **DETAILS)
    again = customer_create(actor=actor(sales_agent), acceptor=acceptor(), idempotency_key=key, **DETAILS)
    assert first.pk == again.pk
    assert Customer.objects.count() == 1
    assert Confirmation.objects.count() == 1


def test_r15_a_submission_overtaken_by_its_twin_answers_with_the_twins_customer(
    actor, sales_agent, acceptor, monkeypatch
):
    """A double-click or an API retry: the twin commits after this one looked for it, so this one
    meets the domain the twin just took. It must answer with that customer, not "already exists"."""
    from customers import services

    key = uuid.uuid4()
    first = customer_create(actor=actor(sales_agent), acceptor=acceptor(), idempotency_key=key, **DETAILS)
    looks = []

    def looked_too_early(**kwargs):
        looks.append(kwargs)
        return None if len(looks) == 1 else customer_from_submission(**kwargs)

    monkeypatch.setattr(services, "customer_from_submission", looked_too_early)
    again = customer_create(actor=actor(sales_agent), acceptor=acceptor(), idempotency_key=key, **DETAILS)
    assert again.pk == first.pk and len(looks) == 2
    assert Customer.objects.count() == 1 and Confirmation.objects.count() == 1
    # Another submission (another key) still meets the domain's rule.
    with pytest.raises(ValidationError) as refused:
        customer_create(
            actor=actor(sales_agent), acceptor=acceptor(), idempotency_key=uuid.uuid4(), **DETAILS
        )
    assert "domain" in refused.value.message_dict


@pytest.mark.parametrize("role_user", ["admin_agent", "sales_agent", "helpdesk_agent"])
def test_r13_agents_who_may_edit_change_details_and_the_history_keeps_it(request, actor, partner, role_user):
    customer = CustomerFactory(partner=partner, country="GB")
    updated, written = customer_update(
        actor=actor(request.getfixturevalue(role_user)),
        customer=customer,
        channel=Channel.WEB,
        company_name=" Tailspin Toys ",
        contact_phone="020 7946 0958",
    )
    assert written
    assert updated.company_name == "Tailspin Toys"
    assert str(updated.contact_phone) == "+442079460958"
    assert updated.history.count() == 2  # R13: the change is in the history


def test_r12_billing_admin_and_another_partners_agent_cannot_edit_details(
    actor, partner, billing_admin, other_agent
):
    customer = CustomerFactory(partner=partner)
    for user in (billing_admin, other_agent):
        with pytest.raises(PermissionDenied):
            customer_update(
                actor=actor(user), customer=customer, channel=Channel.WEB, company_name="Hijacked"
            )
    customer.refresh_from_db()
    assert customer.company_name != "Hijacked"


def test_f4_edit_cannot_change_the_domain(actor, admin_agent):
    customer = CustomerFactory(partner=admin_agent.partner)
    with pytest.raises(ValidationError) as caught:
        customer_update(actor=actor(admin_agent), customer=customer, channel=Channel.WEB, domain="other")
    assert [e.code for e in caught.value.error_dict["domain"]] == ["immutable"]


def test_r13_an_edit_whose_history_fails_changes_nothing(actor, admin_agent, monkeypatch):
    """customer_update is one transaction: the row is locked, changed and its history written together."""
    customer = CustomerFactory(partner=admin_agent.partner, city="Seattle")

    def history_fails(*args, **kwargs):
        raise RuntimeError("history table unavailable")

    monkeypatch.setattr(Customer.history.model, "save", history_fails)
    with pytest.raises(RuntimeError):
        customer_update(actor=actor(admin_agent), customer=customer, channel=Channel.WEB, city="Redmond")

    customer.refresh_from_db()
    assert customer.city == "Seattle"


def test_f4_customer_update_validate_checks_without_storing(admin_agent):
    customer = CustomerFactory(partner=admin_agent.partner, country="FR", city="Paris")

    with pytest.raises(ValidationError) as refused:
        customer_update_validate(customer=customer, city="Lyon", contact_phone="(425) 555-0100")
    customer_update_validate(customer=customer, city="Lyon")

    assert set(refused.value.error_dict) == {"contact_phone"}
    customer.refresh_from_db()
    assert customer.city == "Paris"


def test_r13_the_stored_values_typed_another_way_write_nothing_and_say_so(actor, admin_agent, partner):
    customer = CustomerFactory(partner=partner, country="US", contact_phone="+14255550100")
    history = customer.history.count()

    update = customer_update(
        actor=actor(admin_agent), customer=customer, channel=Channel.WEB, contact_phone="(425) 555-0100"
    )

    assert not update.written
    assert customer.history.count() == history


def test_r13_staff_edit_details_through_the_admin_channel(actor, staff_user, partner):
    customer = CustomerFactory(partner=partner)
    updated, written = customer_update(
        actor=actor(staff_user), customer=customer, channel=Channel.ADMIN, city="Redmond"
    )
    assert written and updated.city == "Redmond"


def test_r12_customer_list_searches_own_customers_by_company_domain_or_tenant_id_and_status(
    admin_agent, partner
):
    plain = CustomerFactory(partner=partner, company_name="Adatum", domain="adatum.onmicrosoft.com")
    confirmed = confirmed_customer(partner=partner, company_name="Fabrikam", domain="fab.onmicrosoft.com")
    CustomerFactory(company_name="Adatum elsewhere")  # another partner's
    assert list(customer_list(user=admin_agent, q="adat")) == [plain]
    assert list(customer_list(user=admin_agent, q="fab.onmicrosoft")) == [confirmed]
    assert list(customer_list(user=admin_agent, q=str(confirmed.tenant_id))) == [confirmed]
    assert list(customer_list(user=admin_agent, status="confirmed")) == [confirmed]
    assert list(customer_list(user=admin_agent, status="required")) == [plain]
    assert customer_status_counts(user=admin_agent) == {"confirmed": 1, "required": 1}


def test_f4_customer_list_finds_a_tenant_id_by_its_beginning_from_the_first_block_on(
    admin_agent, partner, other_partner
):
    import uuid

    ours = CustomerFactory(partner=partner, tenant_id=uuid.UUID("117a77b0-9360-443b-8795-c6dedc750cf9"))
    neighbour = CustomerFactory(partner=partner, tenant_id=uuid.UUID("117a77b1-0000-4000-8000-000000000000"))
    CustomerFactory(partner=other_partner, tenant_id=uuid.UUID("117a77b0-9360-4000-8000-000000000001"))  # R12

    def found(q):
        return list(customer_list(user=admin_agent, q=q))

    # As the list shows it, in either case, pasted with or without hyphens or braces.
    for q in (
        "117a77b0",
        "117A77B0-9360",
        "117a77b0-9360-443b-8795-c6dedc750cf9",
        "117a77b09360443b",
        "{117a77b0-9360-443b-8795-c6dedc750cf9}",
        " 117a77b0-93 ",
    ):
        assert found(q) == [ours], q
    assert found("117a77b") == []  # shorter than a block: a word, searched in names only
    assert found("117a77b0-93-60") == []  # hyphens where an id has none
    assert found("117a77b1") == [neighbour]


def test_r12_customer_get_of_another_partners_customer_is_404(admin_agent, other_agent, partner):
    customer = CustomerFactory(partner=partner)
    assert customer_get(user=admin_agent, tenant_id=customer.tenant_id) == customer
    with pytest.raises(Http404):
        customer_get(user=other_agent, tenant_id=customer.tenant_id)
