"""Customer screens: the list, the F1 wizard, Account info (F4) and the edit form."""

import datetime
import re
import uuid

import pytest
import time_machine
from django.urls import reverse

from agreements.models import Confirmation, ConfirmationChannel
from customers.models import Channel, Customer
from customers.pagination import CustomerPaginator
from customers.selectors import customer_from_submission, customer_list
from customers.services import customer_update
from portal.pagination import PER_PAGE
from tests.factories import ConfirmationFactory, CustomerFactory, UserFactory, confirmed_customer

pytestmark = pytest.mark.django_db

STEP1 = {
    "company_name": "Wingtip Toys",
    "domain": "wingtiptoys",
    "email": "billing@wingtip.example",
    "address_line1": "1 Wing Street",
    "address_line2": "",
    "city": "Seattle",
    "state": "WA",
    "postal_code": "98052",
    "country": "US",
    "contact_first_name": "Wanda",
    "contact_last_name": "O'Tip",
    "contact_email": "wanda@wingtip.example",
    "contact_phone": "(425) 555-0100",
    "accepted": "on",
    "date_agreed": "2024-11-20",
}


# F1's *Update*: someone other than the primary contact accepted.
SOMEONE_ELSE = {
    "acceptor_update": "on",
    "acceptor_first_name": "Ann",
    "acceptor_last_name": "Other",
    "acceptor_email": "ann@wingtip.example",
}


def signed_in(client, user):
    client.force_login(user)
    return client


def post_new(client, data, action="next"):
    return client.post(reverse("customers:new"), {**data, "action": action})


# Customer list ------------------------------------------------------------------


def test_f4_customer_list_links_each_row_to_account_info_with_a_status_badge(client, admin_agent, partner):
    customer = confirmed_customer(partner=partner, company_name="Adatum")
    content = signed_in(client, admin_agent).get(reverse("customers:list")).content.decode()
    assert f'href="{customer.get_absolute_url()}"' in content
    assert "status-confirmed" in content
    assert reverse("customers:new") in content


def test_f1_customer_list_has_no_new_customer_button_without_the_permission(client, billing_admin):
    content = signed_in(client, billing_admin).get(reverse("customers:list")).content.decode()
    assert reverse("customers:new") not in content


def test_f4_customer_list_search_status_filter_and_pages_keep_the_query(client, admin_agent, partner):
    CustomerFactory.create_batch(30, partner=partner, company_name=factory_name())
    confirmed_customer(partner=partner, company_name="Zeta Confirmed")
    signed_in(client, admin_agent)
    response = client.get(reverse("customers:list"), {"q": "Findme", "status": "required"})
    assert len(response.context["customers"]) == 25
    assert response.context["paginator"].count == 30
    assert "q=Findme&amp;status=required&amp;page=2" in response.content.decode()
    page2 = client.get(reverse("customers:list"), {"q": "Findme", "status": "required", "page": 2})
    assert len(page2.context["customers"]) == 5
    confirmed = client.get(reverse("customers:list"), {"status": "confirmed"})
    assert [c.company_name for c in confirmed.context["customers"]] == ["Zeta Confirmed"]


def factory_name():
    import factory

    return factory.Sequence(lambda n: f"Findme {n:03d}")


@pytest.mark.parametrize(
    "query",
    [
        {"page": "999"},
        {"page": "abc"},
        {"page": "a\x00"},
        {"status": "nonsense", "q": "%' OR 1=1"},
        {"status": "\x00"},
    ],
)
def test_r14_odd_list_queries_never_answer_500(client, admin_agent, query):
    response = signed_in(client, admin_agent).get(reverse("customers:list"), query)
    assert response.status_code in (200, 404)


def test_r14_a_search_with_a_nul_byte_says_why_keeps_the_text_and_finds_nothing(client, admin_agent, partner):
    """PostgreSQL refused the search with a 500 before."""
    CustomerFactory(partner=partner, company_name="Tailspin Toys")
    response = signed_in(client, admin_agent).get(reverse("customers:list"), {"q": "Tail\x00spin"})
    assert response.status_code == 200
    content = response.content.decode()
    assert 'aria-invalid="true"' in content
    assert "The search text cannot contain null characters (NUL)." in content
    assert 'value="Tail\x00spin"' in content
    assert list(response.context["customers"]) == [] and response.context["paginator"].count == 0
    plain = client.get(reverse("customers:list"), {"q": "Tailspin"}).content.decode()
    assert "aria-invalid" not in plain and "Tailspin Toys" in plain


@pytest.mark.parametrize("query", [{"q": "nothing like it"}, {"status": "confirmed"}])
def test_customer_list_searched_or_filtered_links_back_to_every_customer(client, admin_agent, partner, query):
    # A search that found nothing left only "No customers match." and the text to delete by hand.
    CustomerFactory(partner=partner, company_name="Tailspin Toys")
    searched = signed_in(client, admin_agent).get(reverse("customers:list"), query).content.decode()
    everyone = client.get(reverse("customers:list")).content.decode()

    link = f'<a class="btn btn-link" href="{reverse("customers:list")}">Show all customers</a>'
    assert link in searched
    assert "Show all customers" not in everyone


def test_f4_customer_list_query_budget_is_the_same_for_1_and_50_customers(
    client, admin_agent, partner, django_assert_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    signed_in(client, admin_agent)
    confirmed_customer(partner=partner)
    with CaptureQueriesContext(connection) as one:
        client.get(reverse("customers:list"))
    for _ in range(49):
        confirmed_customer(partner=partner)
    with CaptureQueriesContext(connection) as fifty:
        response = client.get(reverse("customers:list"))
    assert len(response.context["customers"]) == 25
    assert len(one) == len(fifty)
    with django_assert_num_queries(len(one)):
        client.get(reverse("customers:list"), {"status": "confirmed"})


def test_f4_a_first_search_runs_as_many_queries_for_10_customers_as_for_200(
    client, admin_agent, partner, django_assert_max_num_queries
):
    """Issue 6: a search not made before counts and keeps itself in a fixed number of statements."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def add(numbers):
        for number in numbers:
            CustomerFactory(
                partner=partner, company_name=f"Name {number:03d}{' Zulu' if number % 10 == 0 else ''}"
            )

    signed_in(client, admin_agent)
    add(range(10))
    with CaptureQueriesContext(connection) as page1:
        client.get(reverse("customers:list"))
    with CaptureQueriesContext(connection) as ten:
        client.get(reverse("customers:list"), {"q": "zulu"})
    add(range(10, 200))  # a new version of the list: the same search is not remembered in it
    # PostgreSQL: the remembered read, the planner's estimate, the matches' read; the keep (7).
    with django_assert_max_num_queries(len(page1) + 10) as two_hundred:
        response = client.get(reverse("customers:list"), {"q": "zulu"})
    assert response.context["paginator"].count == 20
    assert len(ten) == len(two_hundred)


def test_f4_customer_list_without_a_search_counts_no_rows(client, admin_agent, partner):
    """Issue 6: the total of an unsearched list is the partner's kept count, not a COUNT(*)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    CustomerFactory.create_batch(3, partner=partner)
    confirmed_customer(partner=partner)
    signed_in(client, admin_agent)
    for status, total in (("", 4), ("confirmed", 1), ("required", 3)):
        with CaptureQueriesContext(connection) as queries:
            response = client.get(reverse("customers:list"), {"status": status})
        assert response.context["paginator"].count == total
        assert not [q["sql"] for q in queries if "COUNT(" in q["sql"].upper()]


def test_f4_customer_list_search_count_is_a_plain_count_without_joins(client, admin_agent, partner):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    CustomerFactory(partner=partner, company_name="Findme Ltd")
    signed_in(client, admin_agent)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("customers:list"), {"q": "findme", "status": "required"})
    assert response.context["paginator"].count == 1
    counts = [q["sql"] for q in queries if "COUNT(" in q["sql"].upper()]
    # No table joined: not the confirmations a row of the list shows. (PostgreSQL reads a search
    # matching few with its first page, joining the count to that page: no table either.)
    assert counts and not [sql for sql in counts if re.search(r'JOIN\s+"', sql, flags=re.IGNORECASE)]


# F1 -----------------------------------------------------------------------------


def test_f1_step1_shows_the_account_info_form_with_the_mca_section(client, sales_agent):
    content = signed_in(client, sales_agent).get(reverse("customers:new")).content.decode()
    for label in (
        "New customer",
        "Account info",
        "Microsoft Customer Agreement",
        "Customer has accepted the latest Microsoft Customer Agreement",
        "Agreement acceptance date",
        "Update",
        "First name",
        "Last name",
        "Email address",
        "Phone number (optional)",
        "Next",
    ):
        assert label in content, label


def test_f1_next_with_errors_rerenders_everything_typed_with_a_message_per_field(client, sales_agent):
    data = {**STEP1, "company_name": "  ", "contact_email": "not-an-email", "accepted": ""}
    response = post_new(signed_in(client, sales_agent), data)
    assert response.status_code == 200
    form = response.context["form"]
    assert {"company_name", "contact_email", "accepted"} <= set(form.errors)
    content = response.content.decode()
    assert 'value="not-an-email"' in content
    assert 'value="wingtiptoys"' in content
    assert "O&#x27;Tip" in content
    assert not Customer.objects.exists()


@time_machine.travel(datetime.datetime(2024, 11, 24, 23, 0, tzinfo=datetime.UTC), tick=False)
def test_f1_r2_future_date_is_reported_on_step1_at_next(client, partner):
    user = UserFactory(partner=partner, role="Sales agent", time_zone="America/Los_Angeles")
    response = post_new(signed_in(client, user), {**STEP1, "date_agreed": "2024-11-25"})
    assert response.status_code == 200
    assert "date_agreed" in response.context["form"].errors
    assert "America/Los_Angeles" in response.content.decode()
    assert 'value="2024-11-25"' in response.content.decode()


@time_machine.travel(datetime.datetime(2024, 11, 24, 23, 0, tzinfo=datetime.UTC), tick=False)
def test_f1_r2_shanghai_agent_may_enter_local_today(client, partner):
    user = UserFactory(partner=partner, role="Sales agent", time_zone="Asia/Shanghai")
    response = post_new(signed_in(client, user), {**STEP1, "date_agreed": "2024-11-25"}, action="create")
    assert response.status_code == 302
    assert Customer.objects.get().current_confirmation.date_agreed == datetime.date(2024, 11, 25)


def test_f1_next_shows_the_review_and_back_keeps_every_value(client, sales_agent):
    signed_in(client, sales_agent)
    review = post_new(client, STEP1)
    content = review.content.decode()
    assert review.status_code == 200
    assert "Create customer" in content
    assert "wingtiptoys.onmicrosoft.com" in content
    assert "Wanda" in content
    assert not Customer.objects.exists()
    back = post_new(client, STEP1, action="edit")
    form = back.context["form"]
    assert form.data["company_name"] == "Wingtip Toys"
    assert 'value="Wingtip Toys"' in back.content.decode()
    assert 'value="2024-11-20"' in back.content.decode()


def test_f1_review_labels_the_whole_domain_domain_not_domain_prefix(client, sales_agent):
    """Step 1 asks for the prefix; the review shows prefix.onmicrosoft.com, so it is the Domain."""
    signed_in(client, sales_agent)
    review = post_new(client, STEP1).content.decode()
    company = review.split('id="review-company"')[1].split("</section>")[0]
    assert "<dt>Domain</dt><dd>wingtiptoys.onmicrosoft.com</dd>" in company
    assert "Domain prefix" not in company
    step1 = post_new(client, STEP1, action="edit").content.decode()
    assert "Domain prefix" in step1


def test_f1_review_shows_phone_numbers_as_they_will_be_stored_and_shown(client, sales_agent):
    """What the agent checks is what Account info will show (F4), not the digits as typed."""
    data = {**STEP1, **SOMEONE_ELSE, "acceptor_phone": "425.555.0199"}
    content = post_new(signed_in(client, sales_agent), data).content.decode()
    contact = content.split('id="review-contact"')[1].split("</section>")[0]
    agreement = content.split('id="review-agreement"')[1].split("</section>")[0]
    assert "+1 425-555-0100" in contact and "(425) 555-0100" not in contact
    assert "+1 425-555-0199" in agreement and "425.555.0199" not in agreement
    # What goes back to step 1 is still what was typed.
    assert 'value="(425) 555-0100"' in content and 'value="425.555.0199"' in content


def test_f1_create_makes_customer_and_confirmation_from_the_primary_contact(client, sales_agent):
    response = post_new(signed_in(client, sales_agent), STEP1, action="create")
    customer = Customer.objects.get()
    assert response.status_code == 302
    assert response["Location"] == customer.get_absolute_url()
    confirmation = customer.current_confirmation
    assert (confirmation.first_name, confirmation.last_name, confirmation.email) == (
        "Wanda",
        "O'Tip",
        "wanda@wingtip.example",
    )
    assert str(confirmation.phone_number) == "+14255550100"
    assert confirmation.channel == ConfirmationChannel.NEW_CUSTOMER
    assert confirmation.client_ip == "127.0.0.1"


def test_f1_update_records_someone_else_as_acceptor(client, sales_agent):
    data = {
        **STEP1,
        "acceptor_update": "on",
        "acceptor_first_name": "伟",
        "acceptor_last_name": "张",
        "acceptor_email": "zhang.wei@wingtip.example",
        "acceptor_phone": "",
    }
    post_new(signed_in(client, sales_agent), data, action="create")
    confirmation = Confirmation.objects.get()
    assert (confirmation.first_name, confirmation.last_name) == ("伟", "张")
    assert confirmation.phone_number == ""


def test_f1_update_without_the_acceptors_names_is_refused_with_messages(client, sales_agent):
    response = post_new(signed_in(client, sales_agent), {**STEP1, "acceptor_update": "on"})
    assert {"acceptor_first_name", "acceptor_last_name", "acceptor_email"} <= set(
        response.context["form"].errors
    )


def test_f1_acceptor_phone_invalid_for_the_country_is_shown_next_to_the_field(client, sales_agent):
    data = {**STEP1, **SOMEONE_ELSE, "acceptor_phone": "12"}
    response = post_new(signed_in(client, sales_agent), data)
    assert list(response.context["form"].errors) == ["acceptor_phone"]


def test_r15_f1_create_posted_twice_makes_one_customer_and_one_confirmation(client, sales_agent):
    signed_in(client, sales_agent)
    key = str(uuid.uuid4())
    first = post_new(client, {**STEP1, "idempotency_key": key}, action="create")
    again = post_new(client, {**STEP1, "idempotency_key": key}, action="create")
    next_again = post_new(client, {**STEP1, "idempotency_key": key})
    assert Customer.objects.count() == 1
    assert Confirmation.objects.count() == 1
    assert first["Location"] == again["Location"] == next_again["Location"]


def test_r15_f1_changed_after_back_and_created_again_says_so_and_creates_it_next_time(client, sales_agent):
    """Back from the customer to step 1 restores its key; another customer typed there used to
    land silently on the first one."""
    signed_in(client, sales_agent)
    key = str(uuid.uuid4())
    first = post_new(client, {**STEP1, "idempotency_key": key}, action="create")
    changed = {**STEP1, "company_name": "Tailspin Toys", "domain": "tailspin", "idempotency_key": key}

    for action in ("next", "create"):
        refused = post_new(client, changed, action=action)
        assert refused.status_code == 200, action
        assert refused.context["form"].non_field_errors() == [
            "This form or request was first submitted with other details, which were recorded then. "
            "Nothing new was recorded; to record these details, submit them again."
        ]
        assert 'value="Tailspin Toys"' in refused.content.decode()
    fresh = refused.context["form"]["idempotency_key"].value()
    assert fresh != key and Customer.objects.count() == 1

    created = post_new(client, {**changed, "idempotency_key": fresh}, action="create")
    assert created.status_code == 302 and created["Location"] != first["Location"]
    assert sorted(Customer.objects.values_list("company_name", flat=True)) == [
        "Tailspin Toys",
        "Wingtip Toys",
    ]


@pytest.mark.parametrize(
    "change",
    [
        {"city": "Redmond"},
        {**SOMEONE_ELSE},
        {"date_agreed": "2024-11-21"},
        {"contact_phone": "(425) 555-0199"},
    ],
    ids=["city", "acceptor", "date", "phone"],
)
def test_r15_f1_any_detail_changed_under_a_used_key_is_not_dropped_silently(client, sales_agent, change):
    signed_in(client, sales_agent)
    key = str(uuid.uuid4())
    post_new(client, {**STEP1, "idempotency_key": key}, action="create")
    refused = post_new(client, {**STEP1, **change, "idempotency_key": key}, action="create")
    assert refused.status_code == 200
    assert (
        refused.context["form"].non_field_errors()[0].startswith("This form or request was first submitted")
    )
    # Written another way, the same: the customer it made.
    same = {
        **STEP1,
        "company_name": " Wingtip Toys ",
        "contact_phone": "425-555-0100",
        "idempotency_key": key,
    }
    assert post_new(client, same, action="create").status_code == 302


def test_r15_a_second_tab_with_the_same_domain_creates_nothing_more(client, sales_agent):
    signed_in(client, sales_agent)
    post_new(client, {**STEP1, "idempotency_key": str(uuid.uuid4())}, action="create")
    second = post_new(client, {**STEP1, "idempotency_key": str(uuid.uuid4())}, action="create")
    assert second.status_code == 200
    assert "domain" in second.context["form"].errors
    assert Customer.objects.count() == 1


def test_r15_f1_create_overtaken_by_its_double_click_shows_the_customer_it_made(
    client, sales_agent, monkeypatch
):
    """The twin of a double-click commits after this post looked for it: this post must show the
    customer, not step 1 with "Customer with this domain already exists"."""
    from customers import views

    signed_in(client, sales_agent)
    key = str(uuid.uuid4())
    first = post_new(client, {**STEP1, "idempotency_key": key}, action="create")
    looks = []

    def looked_too_early(**kwargs):
        looks.append(kwargs)
        return None if len(looks) == 1 else customer_from_submission(**kwargs)

    monkeypatch.setattr(views, "customer_from_submission", looked_too_early)
    again = post_new(client, {**STEP1, "idempotency_key": key}, action="create")
    assert again.status_code == 302 and again["Location"] == first["Location"]
    assert Customer.objects.count() == 1


def test_r10_f1_outside_the_public_cloud_creates_the_customer_without_the_mca_section(
    client, sales_agent, settings
):
    settings.PORTAL_CLOUD = "china"
    signed_in(client, sales_agent)
    content = client.get(reverse("customers:new")).content.decode()
    assert "Agreements are not available in this cloud." in content
    assert "Customer has accepted" not in content
    response = post_new(
        client, {k: v for k, v in STEP1.items() if k not in ("accepted", "date_agreed")}, "create"
    )
    assert response.status_code == 302
    assert Customer.objects.get().current_confirmation is None
    assert not Confirmation.objects.exists()


# F4 Account info ------------------------------------------------------------------


def test_f4_account_info_shows_the_current_confirmation_and_history_newest_first(
    client, admin_agent, partner
):
    customer = CustomerFactory(partner=partner, company_name="Tailspin")
    older = ConfirmationFactory(customer=customer, first_name="Sara", last_name="Ólafsdóttir")
    newer = ConfirmationFactory(
        customer=customer, first_name="Tom", last_name="O'Brien", recorded_by=admin_agent
    )
    Customer.objects.filter(pk=customer.pk).update(current_confirmation=newer)
    response = signed_in(client, admin_agent).get(customer.get_absolute_url())
    content = response.content.decode()
    assert response.context["current"] == newer
    assert response.context["history"] == [newer, older]
    assert "A confirmation of the customer's acceptance was provided." in content
    assert "Recorded by" in content and "Template version" in content and "Channel" in content
    assert content.index("O&#x27;Brien") < content.index("Ólafsdóttir")
    assert reverse("agreements:confirm", kwargs={"tenant_id": customer.tenant_id}) in content
    for tab in ("Account info", "Orders", "Subscriptions", "New order"):
        assert tab in content


def test_f4_required_customer_says_no_confirmation(client, admin_agent, partner):
    customer = CustomerFactory(partner=partner)
    content = signed_in(client, admin_agent).get(customer.get_absolute_url()).content.decode()
    assert "No confirmation of the customer's acceptance has been provided." in content
    assert "status-required" in content


@pytest.mark.parametrize("role_user", ["helpdesk_agent", "billing_admin"])
def test_r3_helpdesk_and_billing_see_the_status_and_a_note_that_they_cannot_confirm(
    request, client, partner, role_user
):
    customer = confirmed_customer(partner=partner)
    response = signed_in(client, request.getfixturevalue(role_user)).get(customer.get_absolute_url())
    content = response.content.decode()
    assert "status-confirmed" in content
    assert "Only admin agents and sales agents can confirm" in content
    assert reverse("agreements:confirm", kwargs={"tenant_id": customer.tenant_id}) not in content
    assert "New order" not in content


def test_r4_reseller_sees_ask_your_indirect_provider(client, reseller_agent, reseller_partner):
    customer = CustomerFactory(partner=reseller_partner)
    content = signed_in(client, reseller_agent).get(customer.get_absolute_url()).content.decode()
    assert "Ask your indirect provider" in content


def test_r10_account_info_says_agreements_are_not_available_in_this_cloud(
    client, admin_agent, partner, settings
):
    settings.PORTAL_CLOUD = "usgov"
    customer = confirmed_customer(partner=partner)
    content = signed_in(client, admin_agent).get(customer.get_absolute_url()).content.decode()
    assert "Agreements are not available in this cloud." in content
    assert reverse("agreements:confirm", kwargs={"tenant_id": customer.tenant_id}) not in content


def test_r12_f4_account_info_history_holds_only_this_customers_confirmations(
    client, admin_agent, partner, other_partner
):
    own = confirmed_customer(partner=partner)
    confirmed_customer(partner=partner)
    confirmed_customer(partner=other_partner)

    response = signed_in(client, admin_agent).get(own.get_absolute_url())

    assert response.context["history"] == [own.current_confirmation]


def test_f4_account_info_query_count_is_the_same_for_1_and_50_history_rows(client, admin_agent, partner):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    customer = CustomerFactory(partner=partner)
    ConfirmationFactory(customer=customer, recorded_by=admin_agent)
    signed_in(client, admin_agent)
    client.get(customer.get_absolute_url())  # warm the session
    with CaptureQueriesContext(connection) as one:
        client.get(customer.get_absolute_url())
    for _ in range(49):
        last = ConfirmationFactory(customer=customer, recorded_by=UserFactory(partner=partner))
    Customer.objects.filter(pk=customer.pk).update(current_confirmation=last)
    with CaptureQueriesContext(connection) as fifty:
        response = client.get(customer.get_absolute_url())
    assert response.context["page_obj"].paginator.count == 50
    assert len(response.context["history"]) == PER_PAGE
    assert len(one) == len(fifty)


def _history_rows(content):
    table = content.split('data-testid="confirmation-history"')[1].split("</table>")[0]
    return re.findall(r"<td[^>]*>([^<]+)<br><small>", table)


def test_f4_account_info_pages_the_history_newest_first_and_keeps_the_current_one_shown(
    client, admin_agent, partner
):
    customer = CustomerFactory(partner=partner)
    confirmations = [
        ConfirmationFactory(customer=customer, first_name=f"Acceptor{n:02d}", last_name="Lee")
        for n in range(PER_PAGE + 3)
    ]
    newest = confirmations[-1]
    Customer.objects.filter(pk=customer.pk).update(current_confirmation=newest)
    signed_in(client, admin_agent)
    first = client.get(customer.get_absolute_url()).content.decode()
    assert _history_rows(first) == [f"Acceptor{n:02d} Lee" for n in reversed(range(3, PER_PAGE + 3))]
    assert "Page 1 of 2" in first
    assert 'href="?page=2#history"' in first and 'id="history"' in first

    response = client.get(customer.get_absolute_url(), {"page": 2})
    second = response.content.decode()
    assert _history_rows(second) == ["Acceptor02 Lee", "Acceptor01 Lee", "Acceptor00 Lee"]
    assert "Page 2 of 2" in second and 'href="?page=1#history"' in second
    # The current confirmation is still the one described above the history.
    assert response.context["current"] == newest
    current = second.split('data-testid="current-confirmation"')[1].split("</dl>")[0]
    assert newest.first_name in current


def test_f4_account_info_with_one_page_of_history_shows_no_page_links(client, admin_agent, partner):
    customer = confirmed_customer(partner=partner)
    content = signed_in(client, admin_agent).get(customer.get_absolute_url()).content.decode()
    assert "Page 1 of 1" not in content and "?page=" not in content


@pytest.mark.parametrize("page", ["0", "-1", "abc", "999", "2" * 40, "1.5", ""])
def test_r14_account_info_history_page_out_of_range_or_garbled_still_answers(
    client, admin_agent, partner, page
):
    customer = CustomerFactory(partner=partner)
    for _ in range(PER_PAGE + 1):
        ConfirmationFactory(customer=customer)
    response = signed_in(client, admin_agent).get(customer.get_absolute_url(), {"page": page})
    assert response.status_code == 200
    assert len(response.context["history"]) in (1, PER_PAGE)


# Edit ---------------------------------------------------------------------------


def test_f4_helpdesk_agent_edits_the_customers_details(client, helpdesk_agent, partner):
    customer = CustomerFactory(partner=partner, country="GB")
    url = reverse("customers:edit", kwargs={"tenant_id": customer.tenant_id})
    signed_in(client, helpdesk_agent)
    assert 'value="' + customer.company_name + '"' in client.get(url).content.decode()
    data = {**{k: v for k, v in STEP1.items() if k not in ("domain", "accepted", "date_agreed")}}
    data.update(country="GB", contact_phone="020 7946 0958", company_name="Tailspin Toys")
    response = client.post(url, data)
    assert response.status_code == 302
    customer.refresh_from_db()
    assert customer.company_name == "Tailspin Toys"
    assert str(customer.contact_phone) == "+442079460958"


def _as_a_browser_posts(customer, **typed):
    """What the edit form drawn for `customer` posts: its fields, changed as typed, and the values shown."""
    from customers.forms import CustomerEditForm

    shown = CustomerEditForm.initial_from(customer)
    return {**shown, **typed, **{f"initial-{name}": value for name, value in shown.items()}}


def test_f4_a_form_that_showed_the_phone_in_another_format_saves_without_a_conflict(
    client, admin_agent, partner
):
    # A form drawn before a deploy (or by an app server still on the old code) showed +14255550100.
    customer = CustomerFactory(partner=partner, country="US", contact_phone="+14255550100")
    opened = _as_a_browser_posts(customer, contact_phone="(425) 555-0199")
    opened["initial-contact_phone"] = "+14255550100"
    url = reverse("customers:edit", kwargs={"tenant_id": customer.tenant_id})

    response = signed_in(client, admin_agent).post(url, opened)

    assert response.status_code == 302
    customer.refresh_from_db()
    assert str(customer.contact_phone) == "+14255550199"


def test_f4_edit_form_posts_back_the_values_it_showed(client, admin_agent, partner):
    from customers.forms import CustomerEditForm

    customer = CustomerFactory(partner=partner, country="US", city="Seattle", contact_phone="+14255550100")
    page = signed_in(client, admin_agent).get(
        reverse("customers:edit", kwargs={"tenant_id": customer.tenant_id})
    )
    content = page.content.decode()
    for name, value in (("city", "Seattle"), ("country", "US"), ("contact_phone", "+1 425-555-0100")):
        assert f'type="hidden" name="initial-{name}" value="{value}"' in content, name
    for name in CustomerEditForm.base_fields:
        assert content.count(f'name="initial-{name}"') == 1, name
    # The phone reads as Account info shows it, not as stored (+14255550100).
    assert 'name="contact_phone" value="+1 425-555-0100"' in content


def test_f4_edit_keeps_a_colleagues_change_meanwhile_to_a_field_the_agent_left_alone(
    client, admin_agent, partner, actor, sales_agent
):
    customer = CustomerFactory(partner=partner, country="US", city="Seattle", contact_phone="")
    opened = _as_a_browser_posts(customer, contact_phone="(425) 555-0100")
    customer_update(actor=actor(sales_agent), customer=customer, channel=Channel.WEB, city="Redmond")

    url = reverse("customers:edit", kwargs={"tenant_id": customer.tenant_id})
    response = signed_in(client, admin_agent).post(url, opened)

    assert response.status_code == 302
    customer.refresh_from_db()
    assert (customer.city, str(customer.contact_phone)) == ("Redmond", "+14255550100")


def test_f4_edit_of_a_field_changed_meanwhile_shows_theirs_keeps_the_agents_and_saves_when_repeated(
    client, admin_agent, partner, actor, sales_agent
):
    customer = CustomerFactory(partner=partner, country="US", city="Seattle", address_line2="")
    opened = _as_a_browser_posts(customer, city="Bellevue")
    customer_update(
        actor=actor(sales_agent),
        customer=customer,
        channel=Channel.WEB,
        city="Redmond",
        address_line2="Suite 5",
    )
    url = reverse("customers:edit", kwargs={"tenant_id": customer.tenant_id})

    refused = signed_in(client, admin_agent).post(url, opened)

    assert refused.status_code == 200
    assert refused.context["form"].errors["city"] == [
        "Someone changed this to “Redmond” after you opened the page. "
        "Save again to replace it with what you entered."
    ]
    content = refused.content.decode()
    assert 'name="city" value="Bellevue"' in content  # what the agent typed (R14)
    assert 'name="initial-city" value="Redmond"' in content  # now seen
    assert 'name="address_line2" value="Suite 5"' in content  # the colleague's other change, shown
    customer.refresh_from_db()
    assert customer.city == "Redmond"

    again = client.post(url, {**refused.context["form"].data.dict()})
    assert again.status_code == 302
    customer.refresh_from_db()
    assert (customer.city, customer.address_line2) == ("Bellevue", "Suite 5")


def test_f4_a_colleagues_change_meanwhile_to_what_the_agent_typed_is_no_conflict(
    client, admin_agent, partner, actor, sales_agent
):
    customer = CustomerFactory(partner=partner, country="US", city="Seattle")
    opened = _as_a_browser_posts(customer, city="Redmond")
    customer_update(actor=actor(sales_agent), customer=customer, channel=Channel.WEB, city="Redmond")
    url = reverse("customers:edit", kwargs={"tenant_id": customer.tenant_id})

    response = signed_in(client, admin_agent).post(url, opened)

    assert response.status_code == 302
    customer.refresh_from_db()
    assert customer.city == "Redmond"


def test_f4_a_refusal_that_follows_from_a_colleagues_change_shows_that_change(
    client, admin_agent, partner, actor, sales_agent
):
    """The agent types a US phone while a colleague moves the customer to the UK: the refusal names
    the UK, so the form must show the UK too, or no save could ever succeed."""
    customer = CustomerFactory(partner=partner, country="US", contact_phone="")
    opened = _as_a_browser_posts(customer, contact_phone="(425) 555-0100")
    customer_update(actor=actor(sales_agent), customer=customer, channel=Channel.WEB, country="GB")
    url = reverse("customers:edit", kwargs={"tenant_id": customer.tenant_id})

    refused = signed_in(client, admin_agent).post(url, opened)

    assert refused.status_code == 200
    assert "United Kingdom" in refused.context["form"].errors["contact_phone"][0]
    form = refused.context["form"]
    assert (form["country"].value(), form["contact_phone"].value()) == ("GB", "(425) 555-0100")
    again = client.post(url, {**form.data.dict(), "contact_phone": "020 7946 0958"})
    assert again.status_code == 302
    customer.refresh_from_db()
    assert (customer.country.code, str(customer.contact_phone)) == ("GB", "+442079460958")


def test_f4_a_conflict_names_the_stored_value_as_account_info_shows_it(
    client, admin_agent, partner, actor, sales_agent
):
    customer = CustomerFactory(partner=partner, country="US", contact_phone="")
    opened = _as_a_browser_posts(customer, contact_phone="(425) 555-0100")
    customer_update(
        actor=actor(sales_agent), customer=customer, channel=Channel.WEB, contact_phone="4255550199"
    )
    url = reverse("customers:edit", kwargs={"tenant_id": customer.tenant_id})

    refused = signed_in(client, admin_agent).post(url, opened)

    assert (
        refused.context["form"]
        .errors["contact_phone"][0]
        .startswith("Someone changed this to “+1 425-555-0199”")
    )


def test_r13_saving_the_edit_form_unchanged_writes_nothing(client, admin_agent, partner):
    customer = CustomerFactory(partner=partner, country="US", contact_phone="+14255550100")
    history = customer.history.count()
    url = reverse("customers:edit", kwargs={"tenant_id": customer.tenant_id})
    response = signed_in(client, admin_agent).post(url, _as_a_browser_posts(customer), follow=True)
    assert [str(message) for message in response.context["messages"]] == ["Nothing was changed."]
    # The same number typed another way is no change either, and the page says so.
    retyped = client.post(url, _as_a_browser_posts(customer, contact_phone="(425) 555-0100"), follow=True)
    assert [str(message) for message in retyped.context["messages"]] == ["Nothing was changed."]
    assert customer.history.count() == history


def test_r14_edit_errors_rerender_with_the_typed_values(client, admin_agent, partner):
    customer = CustomerFactory(partner=partner, country="CN")
    url = reverse("customers:edit", kwargs={"tenant_id": customer.tenant_id})
    data = {k: v for k, v in STEP1.items() if k not in ("domain", "accepted", "date_agreed")}
    data.update(country="CN", contact_phone="12345", company_name="Fourth Coffee 第四咖啡")
    response = signed_in(client, admin_agent).post(url, data)
    assert response.status_code == 200
    assert list(response.context["form"].errors) == ["contact_phone"]
    assert "Fourth Coffee 第四咖啡" in response.content.decode()
    assert 'value="12345"' in response.content.decode()


def test_r14_edit_a_phone_for_another_country_is_shown_beside_a_missing_name(client, admin_agent, partner):
    customer = CustomerFactory(partner=partner, country="FR")
    url = reverse("customers:edit", kwargs={"tenant_id": customer.tenant_id})
    data = {k: v for k, v in STEP1.items() if k not in ("domain", "accepted", "date_agreed")}
    data.update(country="FR", contact_phone="(425) 555-0100", company_name="", contact_email="bad")
    response = signed_in(client, admin_agent).post(url, data)
    errors = response.context["form"].errors
    assert set(errors) == {"company_name", "contact_email", "contact_phone"}
    assert "France" in errors["contact_phone"][0]
    customer.refresh_from_db()
    assert customer.company_name != ""  # nothing saved


# R12 ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "name, method",
    [
        ("customers:detail", "get"),
        ("customers:edit", "get"),
        ("customers:edit", "post"),
        ("agreements:confirm", "get"),
        ("agreements:confirm", "post"),
    ],
)
def test_r12_another_partners_customer_is_404_in_every_view(client, other_agent, partner, name, method):
    customer = confirmed_customer(partner=partner)
    url = reverse(name, kwargs={"tenant_id": customer.tenant_id})
    response = getattr(signed_in(client, other_agent), method)(url, {})
    assert response.status_code == 404
    missing = reverse(name, kwargs={"tenant_id": uuid.uuid4()})
    assert getattr(client, method)(missing, {}).status_code == 404


def test_r4_reseller_creates_the_customer_without_the_mca_section_and_is_told_to_ask_the_provider(
    client, reseller_agent
):
    signed_in(client, reseller_agent)
    content = client.get(reverse("customers:new")).content.decode()
    assert "Ask your indirect provider" in content
    assert "Customer has accepted" not in content
    response = post_new(client, STEP1, action="create")
    assert response.status_code == 302
    assert Customer.objects.get().partner == reseller_agent.partner
    assert not Confirmation.objects.exists()


@pytest.mark.parametrize(
    "changes",
    [
        {"idempotency_key": "not-a-uuid"},
        {"date_agreed": "2024-13-45"},
        {"country": "XX"},
        {"company_name": "x" * 5000},
        {"acceptor_update": "on", "acceptor_email": "@@"},
    ],
)
def test_r14_tampered_or_odd_f1_input_rerenders_without_a_500(client, sales_agent, changes):
    response = post_new(signed_in(client, sales_agent), {**STEP1, **changes}, action="create")
    assert response.status_code == 200
    assert response.context["form"].errors
    assert not Customer.objects.exists()


def test_f1_acceptor_fields_are_marked_required_but_the_browser_does_not_insist_while_hidden(
    client, sales_agent
):
    content = signed_in(client, sales_agent).get(reverse("customers:new")).content.decode()
    for name in ("acceptor_first_name", "acceptor_last_name", "acceptor_email", "date_agreed"):
        label = re.search(rf'<label\s+for="id_{name}"[^>]*>(.*?)</label>', content, re.S)
        assert label and 'class="asteriskField"' in label.group(1), name
    for name in ("acceptor_first_name", "acceptor_last_name", "acceptor_email"):
        field = re.search(rf'<input [^>]*name="{name}"[^>]*>', content).group(0)
        assert " required" not in field, name
    # Unticked, they are not needed: the primary contact is the acceptor.
    response = post_new(client, STEP1)
    assert response.status_code == 200
    assert not response.context["form"].errors


# Performance rules (issue 6): what the list and the admin read ---------------------


def test_f4_customer_list_deep_page_shows_the_same_rows_in_name_order(client, admin_agent, partner):
    for number in range(60):
        CustomerFactory(partner=partner, company_name=f"Page {number:03d}")
    confirmed_customer(partner=partner, company_name="Page 055b")
    signed_in(client, admin_agent)
    response = client.get(reverse("customers:list"), {"page": 3})
    names = [c.company_name for c in response.context["customers"]]
    expected = list(
        Customer.objects.filter(partner=partner)
        .order_by("company_name", "id")
        .values_list("company_name", flat=True)
    )[50:75]
    assert names == expected and len(names) == 11
    assert response.context["paginator"].count == 61
    content = response.content.decode()
    assert "status-confirmed" in content and "status-required" in content


@pytest.mark.parametrize("query", [{}, {"status": "required"}, {"q": "page 0"}, {"q": "page 05"}])
def test_f4_customer_list_every_page_shows_its_rows_of_the_name_order(client, admin_agent, partner, query):
    """Pages in the second half are read from the end of the index: the same rows, in the same order."""
    for number in range(60):
        CustomerFactory(partner=partner, company_name=f"Page {number % 57:03d}")  # three names twice
    confirmed_customer(partner=partner, company_name="Page 055b")
    signed_in(client, admin_agent)
    first = client.get(reverse("customers:list"), query)
    paginator = first.context["paginator"]
    everyone = [c.pk for number in paginator.page_range for c in paginator.page(number).object_list]
    expected = Customer.objects.filter(partner=partner).order_by("company_name", "id")
    if "q" in query:
        expected = expected.filter(company_name__icontains=query["q"])
    if "status" in query:
        expected = expected.with_status(query["status"])
    assert everyone == list(expected.values_list("pk", flat=True)) and paginator.count == len(everyone)
    for number in paginator.page_range:
        page = client.get(reverse("customers:list"), {**query, "page": number}).context["customers"]
        assert [c.pk for c in page] == everyone[(number - 1) * 25 : number * 25]
    # Small pages, so that a search matching few (sorted by the trigram path on PostgreSQL) has several.
    small = CustomerPaginator(
        customer_list(user=admin_agent, **query), 3, unsearched_count=paginator.count * 10
    )
    pages = [[c.pk for c in small.page(number).object_list] for number in small.page_range]
    assert pages == [everyone[i : i + 3] for i in range(0, len(everyone), 3)]


def test_f4_customer_list_links_the_first_and_last_pages_keeping_the_query(client, admin_agent, partner):
    CustomerFactory.create_batch(60, partner=partner, company_name=factory_name())
    signed_in(client, admin_agent)
    page1 = client.get(reverse("customers:list"), {"q": "Findme"}).content.decode()
    assert 'href="?q=Findme&amp;page=3">Last page</a>' in page1 and "First page" not in page1
    page2 = client.get(reverse("customers:list"), {"q": "Findme", "page": 2}).content.decode()
    assert 'href="?q=Findme&amp;page=1">First page</a>' in page2
    assert 'href="?q=Findme&amp;page=3">Last page</a>' in page2
    page3 = client.get(reverse("customers:list"), {"q": "Findme", "page": 3}).content.decode()
    assert "First page" in page3 and "Last page" not in page3


def test_f4_customer_list_rows_need_no_join_to_show_the_status(client, admin_agent, partner):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    confirmed_customer(partner=partner)
    signed_in(client, admin_agent)
    with CaptureQueriesContext(connection) as queries:
        client.get(reverse("customers:list"), {"page": 1})
    customer_queries = [q["sql"] for q in queries if 'FROM "customers_customer"' in q["sql"]]
    assert len(customer_queries) == 1  # the page's rows by its ids (a subquery); the total is kept
    assert all("JOIN" not in sql.upper() for sql in customer_queries)


def test_f4_admin_changelist_query_budget_is_the_same_for_1_and_50_customers(client, staff_user, partner):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(staff_user)
    url = reverse("admin:customers_customer_changelist")
    confirmed_customer(partner=partner, country="DE")
    with CaptureQueriesContext(connection) as one:
        assert client.get(url).status_code == 200
    for _ in range(49):
        confirmed_customer(partner=partner)
    with CaptureQueriesContext(connection) as fifty:
        response = client.get(url)
    assert len(one) == len(fifty)
    assert response.context["cl"].list_per_page == 25
    assert "Germany" in response.content.decode()
    # Unfiltered, the total is the partners' kept counts added up: no COUNT of the customer table.
    assert response.context["cl"].result_count == 50
    assert not [q for q in fifty if "COUNT(" in q["sql"].upper() and "customers_customer" in q["sql"]]


def test_f4_admin_changelist_filtered_counts_and_links_each_row_to_its_change_page(
    client, staff_user, partner, other_partner
):
    CustomerFactory.create_batch(3, partner=partner)
    theirs = CustomerFactory(partner=other_partner, company_name="Northwind Customer")
    client.force_login(staff_user)
    url = reverse("admin:customers_customer_changelist")
    response = client.get(url, {"partner__id__exact": other_partner.pk})
    assert response.context["cl"].result_count == 1
    change_url = reverse("admin:customers_customer_change", args=[theirs.pk])
    # Filtered, the admin appends the filters to keep (?_changelist_filters=…).
    assert f'href="{change_url}?_changelist_filters=' in response.content.decode()
    everyone = client.get(url)
    assert everyone.context["cl"].result_count == 4
    for customer in Customer.objects.all():
        assert (
            f'href="{reverse("admin:customers_customer_change", args=[customer.pk])}"'
            in everyone.content.decode()
        )


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_f4_admin_country_filter_lists_every_partners_countries_in_use_once(
    client, staff_user, partner, other_partner, language
):
    from django.utils import translation
    from django_countries import countries

    for country in ["FR", "DE", "FR", "CN"]:
        CustomerFactory(partner=partner, country=country)
    CustomerFactory(partner=other_partner, country="CH")
    client.force_login(staff_user)
    response = client.get(
        reverse("admin:customers_customer_changelist"), {"country": "DE"}, HTTP_ACCEPT_LANGUAGE=language
    )
    cl = response.context["cl"]
    [country_filter] = [spec for spec in cl.filter_specs if getattr(spec, "field_path", "") == "country"]
    with translation.override(language):
        choices = [(str(choice["display"]), choice["selected"]) for choice in country_filter.choices(cl)]
        # django-countries' own order and names in the page's language; the filter does not narrow it.
        expected = [str(name) for code, name in countries if code in {"FR", "DE", "CN", "CH"}]
        germany = str(countries.name("DE"))
    assert [display for display, _selected in choices[1:]] == expected
    assert [display for display, selected in choices if selected] == [germany]
    # And so they are on the page, in that order.
    content = response.content.decode()
    positions = [content.index(f">{name}</a>") for name in expected]
    assert positions == sorted(positions)
    assert cl.result_count == 1


@pytest.mark.parametrize("country", ["\x00", "XX", "de", "D" * 300])
def test_r14_admin_country_filter_with_no_country_code_shows_the_unfiltered_list(
    client, staff_user, partner, country
):
    """The admin's own answer to a bad filter; a NUL byte was a 500 on PostgreSQL."""
    CustomerFactory(partner=partner, country="DE")
    client.force_login(staff_user)
    url = reverse("admin:customers_customer_changelist")
    response = client.get(url, {"country": country}, follow=True)
    assert response.status_code == 200
    assert response.redirect_chain == [(f"{url}?e=1", 302)]
    assert response.context["cl"].result_count == 1


# R14: every bad field in one round ----------------------------------------------


def test_r14_f1_a_bad_email_and_a_bad_phone_get_their_messages_in_one_submit(client, sales_agent):
    data = {**STEP1, "contact_email": "not-an-email", "country": "CN", "contact_phone": "12345"}
    response = post_new(signed_in(client, sales_agent), data)
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert set(errors) == {"contact_email", "contact_phone"}
    assert 'value="12345"' in response.content.decode()


def test_r14_f1_a_taken_domain_is_shown_beside_a_bad_email(client, sales_agent, partner):
    CustomerFactory(partner=partner, domain="wingtiptoys.onmicrosoft.com")
    data = {**STEP1, "contact_email": "not-an-email"}
    response = post_new(signed_in(client, sales_agent), data)
    assert set(response.context["form"].errors) == {"contact_email", "domain"}


@pytest.mark.parametrize(
    "language, message",
    [
        ("en", "This domain is already in use. Choose another prefix."),
        ("zh-hans", "此域已被使用。请选择其他前缀。"),
    ],
)
def test_r14_r16_f1_a_taken_domain_says_so_in_words_and_how_to_go_on(
    client, sales_agent, partner, other_partner, language, message
):
    # Django's own "Customer with this Domain already exists." read 具有 域 的 客户 已存在。 in Chinese.
    CustomerFactory(partner=other_partner, domain="wingtiptoys.onmicrosoft.com")
    signed_in(client, sales_agent)
    client.cookies["django_language"] = language

    response = post_new(client, STEP1)

    assert response.context["form"].errors["domain"] == [message]


def test_r14_f1_a_phone_is_not_judged_when_its_country_did_not_clean(client, sales_agent):
    data = {**STEP1, "country": "XX", "contact_phone": "12345"}
    response = post_new(signed_in(client, sales_agent), data)
    assert set(response.context["form"].errors) == {"country"}


def test_r2_r14_f1_a_future_date_is_shown_beside_a_bad_email(client, sales_agent):
    data = {**STEP1, "contact_email": "not-an-email", "date_agreed": "2999-01-01"}
    response = post_new(signed_in(client, sales_agent), data)
    errors = response.context["form"].errors
    assert set(errors) == {"contact_email", "date_agreed"}
    assert "later than today" in errors["date_agreed"][0]


def test_r1_r14_f1_the_acceptors_bad_phone_is_shown_beside_a_bad_email_naming_the_country(
    client, sales_agent
):
    data = {
        **STEP1,
        "contact_email": "not-an-email",
        "country": "FR",
        "contact_phone": "01 23 45 67 89",
        **SOMEONE_ELSE,
        "acceptor_phone": "12",
    }
    response = post_new(signed_in(client, sales_agent), data)
    errors = response.context["form"].errors
    assert set(errors) == {"contact_email", "acceptor_phone"}
    # The country's name, as in the contact's phone message, not its code.
    assert "for France" in errors["acceptor_phone"][0]


def test_r14_f1_the_acceptors_fields_are_not_judged_when_they_did_not_clean(client, sales_agent):
    data = {**STEP1, "contact_email": "not-an-email", "date_agreed": "someday", "country": "XX"}
    data.update(
        acceptor_update="on", acceptor_first_name="Ann", acceptor_last_name="Other", acceptor_phone="12"
    )
    response = post_new(signed_in(client, sales_agent), data)
    # The form's own messages only: no "required" for the bad email, no phone without a country.
    assert set(response.context["form"].errors) == {
        "contact_email",
        "date_agreed",
        "country",
        "acceptor_email",
    }
    assert response.context["form"].errors["acceptor_email"] == ["This field is required."]


def test_f4_customer_list_page_order_is_the_databases_name_order_in_any_script(client, admin_agent, partner):
    """The page's rows come back unordered and are put in order: the same order the database gives."""
    for name in ("Zeta", "Ölafur ehf", "apple", "Äpfel GmbH", "张三科技", "Apple", "Zeta"):
        CustomerFactory(partner=partner, company_name=name)
    response = signed_in(client, admin_agent).get(reverse("customers:list"))
    expected = list(
        Customer.objects.filter(partner=partner).order_by("company_name", "id").values_list("pk", flat=True)
    )
    assert [c.pk for c in response.context["customers"]] == expected


def test_f4_history_says_its_order_and_shows_when_each_was_recorded_to_the_second(
    client, admin_agent, partner
):
    # R5: the newest recorded is current, whatever its acceptance date; to the minute, two rows
    # recorded in one minute looked unsorted.
    customer = CustomerFactory(partner=partner)
    recorded = datetime.datetime(2026, 11, 24, 17, 46, 5, tzinfo=datetime.UTC)
    customer.current_confirmation = ConfirmationFactory(customer=customer, recorded_at=recorded)
    customer.save(update_fields=["current_confirmation"])
    signed_in(client, admin_agent)

    content = client.get(customer.get_absolute_url()).content.decode()

    table = content.split('data-testid="confirmation-history"')[1].split("</table>")[0]
    assert "Newest recorded first; the newest is the current confirmation." in table
    assert "17:46:05" in table


# R16: after a language switch, portal.js posts the refused form again marked `revalidate`.


def test_r16_f1_a_language_switch_shows_step_1_errors_again_in_the_new_language(client, sales_agent):
    signed_in(client, sales_agent)
    data = {**STEP1, "company_name": "", "contact_email": "not-an-email", "revalidate": "1"}
    response = client.post(reverse("customers:new"), data, HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert response.status_code == 200
    assert set(response.context["form"].errors) == {"company_name", "contact_email"}
    assert '<html lang="zh-hans">' in response.content.decode()
    assert 'value="not-an-email"' in response.content.decode()


@pytest.mark.parametrize("action", ["next", "create"])
def test_r16_f1_a_language_switch_never_creates_a_customer(client, sales_agent, action):
    signed_in(client, sales_agent)
    response = client.post(reverse("customers:new"), {**STEP1, "action": action, "revalidate": "1"})
    assert response.status_code == 200
    assert response.templates[0].name == "customers/customer_new.html"
    assert not response.context["form"].errors
    assert not Customer.objects.exists()


def test_r16_f1_a_language_switch_shows_a_domain_already_in_use(client, sales_agent, partner):
    CustomerFactory(partner=partner, domain="wingtiptoys.onmicrosoft.com")
    signed_in(client, sales_agent)
    response = client.post(reverse("customers:new"), {**STEP1, "revalidate": "1"})
    assert list(response.context["form"].errors) == ["domain"]
    assert Customer.objects.count() == 1


def test_r16_edit_form_a_language_switch_shows_the_errors_and_saves_nothing(client, sales_agent, customer):
    signed_in(client, sales_agent)
    url = reverse("customers:edit", kwargs={"tenant_id": customer.tenant_id})
    form = client.get(url).context["form"]
    data = {name: form[name].value() or "" for name in form.fields}
    refused = client.post(url, {**data, "city": "", "revalidate": "1"}, HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert list(refused.context["form"].errors) == ["city"]
    valid = client.post(url, {**data, "company_name": "Renamed", "revalidate": "1"})
    assert valid.status_code == 200 and not valid.context["form"].errors
    customer.refresh_from_db()
    assert customer.company_name != "Renamed"


def test_r16_edit_form_a_language_switch_shows_the_phone_refused_for_a_new_country(
    client, sales_agent, partner
):
    # The phone was kept and the country changed: saving refuses the phone, so must the page
    # shown again after a switch, though the phone itself was not changed.
    customer = CustomerFactory(partner=partner, country="US", contact_phone="+14255550100")
    signed_in(client, sales_agent)
    url = reverse("customers:edit", kwargs={"tenant_id": customer.tenant_id})
    form = client.get(url).context["form"]
    # As the page posts it: each field beside the value it was drawn with (CustomerEditForm).
    shown = {name: form[name].value() or "" for name in form.fields}
    data = {**shown, **{form[name].html_initial_name: value for name, value in shown.items()}}
    data["country"] = "CN"

    saved = client.post(url, data).context["form"].errors
    switched = client.post(url, {**data, "revalidate": "1"}).context["form"].errors

    assert list(saved) == ["contact_phone"]
    assert switched == saved
    customer.refresh_from_db()
    assert customer.country == "US"
