"""F2: Account info → Update → acceptor's details and date → Save and continue."""

import datetime
import uuid

import pytest
import time_machine
from django.urls import reverse

from agreements.models import Confirmation, ConfirmationChannel
from customers.models import Customer
from tests.factories import CustomerFactory, UserFactory, confirmed_customer

pytestmark = pytest.mark.django_db

FORM = {
    "first_name": "Grace",
    "last_name": "O'Brien",
    "email": "grace@example.com",
    "phone_number": "",
    "date_agreed": "2024-11-20",
}


def confirm_url(customer):
    return reverse("agreements:confirm", kwargs={"tenant_id": customer.tenant_id})


def test_f2_form_shows_the_labels_and_starts_from_the_primary_contact(client, sales_agent, customer):
    client.force_login(sales_agent)
    response = client.get(confirm_url(customer))
    content = response.content.decode()
    for label in (
        "Microsoft Customer Agreement",
        "First name",
        "Last name",
        "Email address",
        "Phone number (optional)",
        "Agreement acceptance date",
        "Save and continue",
    ):
        assert label in content, label
    assert response.context["form"].initial["first_name"] == customer.contact_first_name


def test_f2_the_acceptor_defaults_to_the_primary_contacts_phone_as_account_info_shows_it(
    client, sales_agent, partner
):
    customer = CustomerFactory(partner=partner, country="US", contact_phone="+14255550175")
    client.force_login(sales_agent)

    response = client.get(confirm_url(customer))

    assert response.context["form"].initial["phone_number"] == "+1 425-555-0175"


def test_f2_save_and_continue_records_the_confirmation_and_returns_to_account_info(
    client, sales_agent, customer
):
    client.force_login(sales_agent)
    response = client.post(confirm_url(customer), FORM)
    assert response.status_code == 302
    assert response["Location"] == customer.get_absolute_url()
    customer.refresh_from_db()
    confirmation = customer.current_confirmation
    assert (confirmation.first_name, confirmation.last_name) == ("Grace", "O'Brien")
    assert confirmation.channel == ConfirmationChannel.ACCOUNT_INFO
    assert confirmation.recorded_by == sales_agent
    follow = client.get(response["Location"])
    assert "The confirmation for Contoso Customer was saved." in follow.content.decode()


def test_f2_saved_message_costs_no_session_write(client, sales_agent, customer):
    """Issue 6: the message rides in a signed cookie; on SQLite a session write waits for other writes."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(sales_agent)
    with CaptureQueriesContext(connection) as posted:
        response = client.post(confirm_url(customer), FORM)
    assert response.status_code == 302
    assert "messages" in response.cookies
    with CaptureQueriesContext(connection) as shown:
        follow = client.get(response["Location"])
    assert "The confirmation for Contoso Customer was saved." in follow.content.decode()
    writes = [
        q["sql"] for q in [*posted, *shown] if "django_session" in q["sql"] and "SELECT" not in q["sql"]
    ]
    assert writes == []


def test_f2_sign_out_discards_the_saved_message_not_shown_yet(client, sales_agent, admin_agent, customer):
    """A message waiting in its cookie is not shown to whoever signs in next on the browser."""
    client.force_login(sales_agent)
    response = client.post(confirm_url(customer), FORM)
    assert response.status_code == 302 and "messages" in response.cookies
    client.post(reverse("logout"))
    client.force_login(admin_agent)
    assert "was saved" not in client.get(reverse("home")).content.decode()


@time_machine.travel(datetime.datetime(2024, 11, 25, 10, 0, tzinfo=datetime.UTC), tick=False)
def test_f2_r2_future_date_rerenders_with_everything_typed(client, partner, customer):
    user = UserFactory(partner=partner, role="Sales agent", time_zone="America/Los_Angeles")
    client.force_login(user)
    data = {**FORM, "first_name": "张", "phone_number": "(425) 555-0100", "date_agreed": "2024-11-26"}
    response = client.post(confirm_url(customer), data)
    assert response.status_code == 200
    assert list(response.context["form"].errors) == ["date_agreed"]
    content = response.content.decode()
    for typed in (
        'value="张"',
        'value="O&#x27;Brien"',
        'value="grace@example.com"',
        'value="(425) 555-0100"',
        'value="2024-11-26"',
    ):
        assert typed in content, typed
    assert "cannot be later than today" in content
    assert not Confirmation.objects.exists()


def test_f2_r1_empty_form_rerenders_with_a_message_per_field(client, sales_agent, customer):
    client.force_login(sales_agent)
    response = client.post(confirm_url(customer), {})
    assert response.status_code == 200
    assert {"first_name", "last_name", "email", "date_agreed"} <= set(response.context["form"].errors)


def test_f2_r1_a_name_of_a_zero_width_space_only_is_named_as_missing(client, sales_agent, customer):
    # It was saved: "Accepted by 😀 " with an invisible last name.
    client.force_login(sales_agent)

    response = client.post(confirm_url(customer), {**FORM, "first_name": "😀", "last_name": "\u200b"})

    assert response.status_code == 200
    assert list(response.context["form"].errors) == ["last_name"]
    assert not Confirmation.objects.exists()


def test_f2_r6_same_acceptor_as_current_is_refused_with_a_message(client, sales_agent, customer):
    client.force_login(sales_agent)
    client.post(confirm_url(customer), FORM)
    response = client.post(confirm_url(customer), {**FORM, "date_agreed": "2024-11-21"})
    assert response.status_code == 200
    assert "already has this acceptor" in response.content.decode()
    assert Confirmation.objects.count() == 1


def test_r15_f2_posted_twice_records_once(client, sales_agent, customer):
    client.force_login(sales_agent)
    data = {**FORM, "idempotency_key": str(uuid.uuid4())}
    first = client.post(confirm_url(customer), data)
    again = client.post(confirm_url(customer), data)
    assert first.status_code == again.status_code == 302
    assert Confirmation.objects.count() == 1


REUSED = (
    "This form or request was first submitted with other details, which were recorded then. "
    "Nothing new was recorded; to record these details, submit them again."
)


def test_r15_f2_changed_after_back_and_saved_again_is_not_told_it_was_saved(client, sales_agent, customer):
    """Back after Save and continue restores the form with its key; another acceptor typed there
    used to be answered "saved" with the first one's record. It must say so, and record it next time."""
    client.force_login(sales_agent)
    key = str(uuid.uuid4())
    assert client.post(confirm_url(customer), {**FORM, "idempotency_key": key}).status_code == 302

    changed = {**FORM, "first_name": "Bob", "idempotency_key": key}
    refused = client.post(confirm_url(customer), changed)

    assert refused.status_code == 200
    assert refused.context["form"].non_field_errors() == [REUSED]
    assert 'value="Bob"' in refused.content.decode()
    fresh = refused.context["form"]["idempotency_key"].value()
    assert fresh != key
    assert Confirmation.objects.count() == 1
    again = client.post(confirm_url(customer), {**changed, "idempotency_key": fresh})
    assert again.status_code == 302
    customer.refresh_from_db()
    assert customer.current_confirmation.first_name == "Bob"
    # A double-click sends the same details and key: the same record, no message.
    assert client.post(confirm_url(customer), {**changed, "idempotency_key": fresh}).status_code == 302
    assert Confirmation.objects.count() == 2


@pytest.mark.parametrize("role_user", ["helpdesk_agent", "billing_admin"])
def test_r3_helpdesk_and_billing_get_403_on_the_form(request, client, customer, role_user):
    client.force_login(request.getfixturevalue(role_user))
    assert client.get(confirm_url(customer)).status_code == 403
    assert client.post(confirm_url(customer), FORM).status_code == 403
    assert not Confirmation.objects.exists()


def test_r3_r12_a_refused_page_links_back_to_the_customer_never_to_another_partners(
    client, helpdesk_agent, customer, other_partner
):
    # The 403 page offered only "Home": the agent had to find the customer again.
    client.force_login(helpdesk_agent)
    refused = client.get(confirm_url(customer)).content.decode()
    assert f'<a href="{customer.get_absolute_url()}">Back to {customer.company_name}</a>' in refused

    theirs = CustomerFactory(partner=other_partner, company_name="Northwind Secret Client")
    response = client.get(confirm_url(theirs))
    assert response.status_code == 403  # the role is refused before any customer is looked up
    assert "Northwind Secret Client" not in response.content.decode()
    assert f'href="{theirs.get_absolute_url()}"' not in response.content.decode()


def test_r4_reseller_gets_403_with_ask_your_indirect_provider(client, reseller_agent, reseller_partner):
    customer = CustomerFactory(partner=reseller_partner)
    client.force_login(reseller_agent)
    response = client.get(confirm_url(customer))
    assert response.status_code == 403
    assert "Ask your indirect provider" in response.content.decode()
    assert client.post(confirm_url(customer), FORM).status_code == 403
    assert not Confirmation.objects.exists()


def test_r10_f2_form_is_not_offered_outside_the_public_cloud(client, sales_agent, customer, settings):
    settings.PORTAL_CLOUD = "germany"
    client.force_login(sales_agent)
    response = client.get(confirm_url(customer))
    assert "Agreements are not available in this cloud." in response.content.decode()
    assert "Save and continue" not in response.content.decode()
    client.post(confirm_url(customer), FORM)
    assert not Confirmation.objects.exists()


def test_f2_new_confirmation_becomes_current_on_account_info(client, admin_agent, partner):
    customer = confirmed_customer(partner=partner)
    old = customer.current_confirmation
    client.force_login(admin_agent)
    client.post(confirm_url(customer), FORM)
    customer = Customer.objects.get(pk=customer.pk)
    assert customer.current_confirmation != old
    history = client.get(customer.get_absolute_url()).context["history"]
    assert [c.pk for c in history] == [customer.current_confirmation_id, old.pk]


def test_r14_f2_reports_every_bad_field_at_once(client, admin_agent):
    """A bad email (form check) and a bad phone (rule check) are both reported on the first submit."""
    customer = CustomerFactory(partner=admin_agent.partner, country="US")
    client.force_login(admin_agent)
    response = client.post(confirm_url(customer), {**FORM, "email": "not-an-email", "phone_number": "12"})
    assert response.status_code == 200
    form = response.context["form"]
    assert "email" in form.errors
    assert "phone_number" in form.errors
    assert form["phone_number"].value() == "12"


@time_machine.travel(datetime.datetime(2024, 11, 24, 23, 0, tzinfo=datetime.UTC), tick=False)
@pytest.mark.parametrize(
    ("time_zone", "today"), [("Asia/Shanghai", "2024-11-25"), ("America/Los_Angeles", "2024-11-24")]
)
def test_r2_the_date_pickers_offer_no_day_after_the_users_today(client, partner, customer, time_zone, today):
    """F1, F2 and F3's pickers stop at the user's today; the forms stay novalidate, so the service rules."""
    user = UserFactory(partner=partner, role="Sales agent", time_zone=time_zone)
    client.force_login(user)
    pages = [
        reverse("customers:new"),
        confirm_url(customer),
        reverse("orders:new", kwargs={"tenant_id": customer.tenant_id}),
    ]
    for url in pages:
        content = client.get(url).content.decode()
        before, picker = content.split('<input type="date"')
        assert f'max="{today}"' in picker.split(">")[0], url
        # The picker's form lets a stale page (open past midnight) submit; the service decides.
        assert "novalidate" in before.rsplit("<form", 1)[1].split(">")[0], url


# R16: after a language switch, portal.js posts the refused form again marked `revalidate`.


@time_machine.travel(datetime.datetime(2024, 11, 25, 10, 0, tzinfo=datetime.UTC), tick=False)
def test_r16_f2_a_language_switch_shows_the_errors_again_in_the_new_language(client, sales_agent, customer):
    client.force_login(sales_agent)
    data = {**FORM, "email": "not-an-email", "date_agreed": "2024-11-26", "revalidate": "1"}
    response = client.post(confirm_url(customer), data, HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert response.status_code == 200
    assert set(response.context["form"].errors) == {"email", "date_agreed"}
    content = response.content.decode()
    assert "协议接受日期不能晚于今天" in content
    assert 'value="2024-11-26"' in content and 'value="not-an-email"' in content
    assert not Confirmation.objects.exists()


def test_r16_f2_a_language_switch_records_no_confirmation_even_when_the_form_is_valid(
    client, sales_agent, customer
):
    client.force_login(sales_agent)
    response = client.post(confirm_url(customer), {**FORM, "revalidate": "1"})
    assert response.status_code == 200
    assert not response.context["form"].errors
    assert not Confirmation.objects.exists()


def test_r6_r16_f2_a_language_switch_shows_the_duplicate_refusal_again(client, sales_agent, customer):
    client.force_login(sales_agent)
    client.post(confirm_url(customer), FORM)
    data = {**FORM, "date_agreed": "2024-11-21", "revalidate": "1"}
    response = client.post(confirm_url(customer), data, HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert response.context["form"].non_field_errors().as_data()[0].code == "duplicate"
    assert Confirmation.objects.count() == 1
