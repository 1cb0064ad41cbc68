"""F3 (new order with the agreement prompt) and F5 (license counts) through the views; list query budgets."""

import datetime
import re
import uuid

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from agreements.models import Confirmation, ConfirmationChannel
from customers.models import Channel
from orders.models import Order, Subscription
from orders.services import LineItem, order_place
from portal.pagination import PER_PAGE
from tests.factories import (
    CustomerFactory,
    OrderFactory,
    OrderLineFactory,
    SubscriptionFactory,
    confirmed_customer,
)

pytestmark = pytest.mark.django_db


def _new_url(customer):
    return reverse("orders:new", kwargs={"tenant_id": customer.tenant_id})


def _quantity_url(subscription):
    return reverse(
        "orders:subscription_quantity",
        kwargs={"tenant_id": subscription.customer.tenant_id, "subscription_id": subscription.pk},
    )


def _confirmation_data(**overrides):
    data = {
        "agreement-first_name": "Ada",
        "agreement-last_name": "Lovelace",
        "agreement-email": "ada@example.com",
        "agreement-phone_number": "",
        "agreement-date_agreed": timezone.localdate().isoformat(),
    }
    data.update(overrides)
    return data


@pytest.fixture
def signed_in(client, admin_agent):
    client.force_login(admin_agent)
    return client


# F3 ------------------------------------------------------------------------------------------


def test_f3_required_customer_is_prompted_for_the_confirmation_before_the_order(
    signed_in, required_customer, license_offer
):
    page = signed_in.get(_new_url(required_customer)).content.decode()
    assert "Microsoft Customer Agreement" in page
    assert 'name="agreement-first_name"' in page
    assert "Save and continue" in page
    assert 'value="place"' not in page


def test_f3_save_and_continue_records_the_confirmation_and_returns_to_the_same_order(
    signed_in, admin_agent, required_customer, license_offer, e3_offer, usage_offer
):
    choices = {
        f"quantity__{license_offer.id}": "12",
        f"quantity__{e3_offer.id}": "",
        f"quantity__{usage_offer.id}": "on",
    }
    response = signed_in.post(
        _new_url(required_customer), {**choices, **_confirmation_data(), "action": "confirm"}
    )
    assert response.status_code == 302
    assert response["Location"] == _new_url(required_customer)
    confirmation = Confirmation.objects.get(customer=required_customer)
    assert confirmation.channel == ConfirmationChannel.ORDER_PROMPT
    assert confirmation.recorded_by == admin_agent
    assert not Order.objects.exists()

    page = signed_in.get(_new_url(required_customer))
    form = page.context["form"]
    assert form[f"quantity__{license_offer.id}"].value() == "12"
    assert form[f"quantity__{usage_offer.id}"].value() is True
    assert form[f"quantity__{e3_offer.id}"].value() in (None, "")
    assert page.context["confirmation_form"] is None
    assert 'value="place"' in page.content.decode()

    response = signed_in.post(
        _new_url(required_customer),
        {**choices, "idempotency_key": form["idempotency_key"].value(), "action": "place"},
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("orders:list", kwargs={"tenant_id": required_customer.tenant_id})
    order = Order.objects.get(customer=required_customer)
    assert sorted((line.offer_id, line.quantity) for line in order.lines.all()) == [
        (usage_offer.id, 1),
        (license_offer.id, 12),
    ]
    # The draft is gone once the order is placed.
    assert signed_in.get(_new_url(required_customer)).context["form"].is_bound is False


def test_r16_f3_a_language_switch_shows_the_prompts_errors_again_and_records_nothing(
    signed_in, required_customer, license_offer
):
    """After a language switch portal.js posts the refused order again, marked `revalidate`."""
    tomorrow = (timezone.localdate() + datetime.timedelta(days=2)).isoformat()
    data = {f"quantity__{license_offer.id}": "7", "action": "confirm", "revalidate": "1"}
    refused = signed_in.post(
        _new_url(required_customer),
        {**data, **_confirmation_data(**{"agreement-date_agreed": tomorrow})},
        HTTP_ACCEPT_LANGUAGE="zh-hans",
    )
    assert refused.status_code == 200
    assert list(refused.context["confirmation_form"].errors) == ["date_agreed"]
    assert "协议接受日期不能晚于今天" in refused.content.decode()
    assert 'value="7"' in refused.content.decode()

    valid = signed_in.post(_new_url(required_customer), {**data, **_confirmation_data()})
    assert valid.status_code == 200
    assert not valid.context["confirmation_form"].errors
    assert not Confirmation.objects.exists()


def test_r16_f3_a_language_switch_places_no_order(signed_in, partner, license_offer):
    customer = confirmed_customer(partner=partner)
    data = {f"quantity__{license_offer.id}": "7", "action": "place", "revalidate": "1"}
    response = signed_in.post(_new_url(customer), data)
    assert response.status_code == 200
    assert not response.context["form"].errors
    refused = signed_in.post(_new_url(customer), {**data, f"quantity__{license_offer.id}": "301"})
    assert list(refused.context["form"].errors) == [f"quantity__{license_offer.id}"]
    assert not Order.objects.exists()


def test_f3_confirmation_errors_keep_the_agents_choices_and_input(
    signed_in, required_customer, license_offer
):
    tomorrow = (timezone.localdate() + datetime.timedelta(days=2)).isoformat()
    response = signed_in.post(
        _new_url(required_customer),
        {
            f"quantity__{license_offer.id}": "7",
            **_confirmation_data(**{"agreement-date_agreed": tomorrow, "agreement-first_name": "Zoë"}),
            "action": "confirm",
        },
    )
    assert response.status_code == 200
    assert response.context["confirmation_form"].errors["date_agreed"]
    page = response.content.decode()
    assert 'value="7"' in page
    assert 'value="Zoë"' in page
    assert not Confirmation.objects.exists()
    # Also after leaving the page: the choice is kept server-side.
    assert (
        signed_in.get(_new_url(required_customer)).context["form"][f"quantity__{license_offer.id}"].value()
        == "7"
    )


def test_f3_confirmed_customer_goes_straight_to_place_order(signed_in, customer, license_offer):
    page = signed_in.get(_new_url(customer))
    assert page.context["confirmation_form"] is None
    response = signed_in.post(
        _new_url(customer), {f"quantity__{license_offer.id}": "3", "action": "place"}, follow=True
    )
    assert response.redirect_chain[-1][0] == reverse("orders:list", kwargs={"tenant_id": customer.tenant_id})
    order = Order.objects.get(customer=customer)
    assert f"Order {order.api_id} was placed." in response.content.decode()
    assert order.channel == Channel.WEB


def test_f3_quantity_outside_the_bounds_and_bad_input_are_shown_next_to_the_line(
    signed_in, customer, license_offer, e3_offer
):
    response = signed_in.post(
        _new_url(customer),
        {f"quantity__{license_offer.id}": "301", f"quantity__{e3_offer.id}": "2", "action": "place"},
    )
    assert response.status_code == 200
    form = response.context["form"]
    assert form.errors[f"quantity__{license_offer.id}"] == [
        "The quantity of Microsoft 365 Business Basic must be between 1 and 300."
    ]
    assert form.errors[f"quantity__{e3_offer.id}"] == [
        "The quantity of Microsoft 365 E3 must be between 5 and 10000."
    ]
    assert 'value="301"' in response.content.decode()

    response = signed_in.post(_new_url(customer), {f"quantity__{license_offer.id}": "ten", "action": "place"})
    assert response.status_code == 200
    assert response.context["form"].errors[f"quantity__{license_offer.id}"] == ["Enter a whole number."]
    assert not Order.objects.exists()


def test_r14_f3_f5_quantities_are_text_with_the_number_pad_so_what_was_typed_arrives(
    signed_in, customer, license_offer
):
    # A number input sends nothing for "1-2" (the product left out of the order): see the e2e test.
    subscription = SubscriptionFactory(order__customer=customer, customer=customer, offer=license_offer)
    pages = [
        signed_in.get(_new_url(customer)).content.decode(),
        signed_in.get(_quantity_url(subscription)).content.decode(),
    ]
    for page in pages:
        inputs = re.findall(r"<input[^>]*name=\"quantity[^\"]*\"[^>]*>", page)
        assert inputs
        for tag in inputs:
            assert 'type="text"' in tag and 'inputmode="numeric"' in tag, tag


def test_f3_an_empty_order_is_refused_with_a_message(signed_in, customer, license_offer):
    response = signed_in.post(_new_url(customer), {"action": "place"})
    assert response.status_code == 200
    assert "Add at least one product to the order." in response.content.decode()


def test_r15_place_order_posted_twice_places_one_order(signed_in, customer, license_offer):
    key = signed_in.get(_new_url(customer)).context["form"]["idempotency_key"].value()
    data = {f"quantity__{license_offer.id}": "3", "idempotency_key": str(key), "action": "place"}
    assert signed_in.post(_new_url(customer), data).status_code == 302
    assert signed_in.post(_new_url(customer), data).status_code == 302
    assert Order.objects.filter(customer=customer).count() == 1


def test_r15_an_order_changed_after_back_and_placed_again_is_refused_then_placed_with_a_new_key(
    signed_in, customer, license_offer
):
    key = str(signed_in.get(_new_url(customer)).context["form"]["idempotency_key"].value())
    field = f"quantity__{license_offer.id}"
    assert (
        signed_in.post(
            _new_url(customer), {field: "3", "idempotency_key": key, "action": "place"}
        ).status_code
        == 302
    )

    refused = signed_in.post(_new_url(customer), {field: "7", "idempotency_key": key, "action": "place"})

    assert refused.status_code == 200
    assert refused.context["form"].non_field_errors() == [
        "This form or request was first submitted with other details, which were recorded then. "
        "Nothing new was recorded; to record these details, submit them again."
    ]
    fresh = str(refused.context["form"]["idempotency_key"].value())
    assert fresh != key and f'value="{fresh}"' in refused.content.decode()
    assert [order.lines.get().quantity for order in Order.objects.filter(customer=customer)] == [3]
    again = signed_in.post(_new_url(customer), {field: "7", "idempotency_key": fresh, "action": "place"})
    assert again.status_code == 302
    assert sorted(
        line.quantity for order in Order.objects.filter(customer=customer) for line in order.lines.all()
    ) == [3, 7]


def test_r15_f3_prompt_saved_again_with_another_acceptor_after_back_says_it_was_not_recorded(
    signed_in, required_customer, license_offer
):
    key = str(uuid.uuid4())
    data = {f"quantity__{license_offer.id}": "3", "action": "confirm", "agreement-idempotency_key": key}
    assert signed_in.post(_new_url(required_customer), {**data, **_confirmation_data()}).status_code == 302

    # Back to the prompt (its key restored), another acceptor, Save and continue.
    again = signed_in.post(
        _new_url(required_customer),
        {**data, **_confirmation_data(**{"agreement-first_name": "Bob"})},
        follow=True,
    )

    assert [str(m) for m in again.context["messages"]][-1] == (
        "This form was first submitted with another acceptor, who was recorded then; what you entered now "
        "was not. To record another acceptor, use Update on Account info."
    )
    assert list(
        Confirmation.objects.filter(customer=required_customer).values_list("first_name", flat=True)
    ) == ["Ada"]
    # The same acceptor again (a double-click) is no news.
    twice = signed_in.post(_new_url(required_customer), {**data, **_confirmation_data()}, follow=True)
    assert not [m for m in twice.context["messages"] if "not recorded" in str(m) or "was not" in str(m)]


def test_r4_reseller_agent_sees_why_and_cannot_place_the_order(client, reseller_agent, license_offer):
    customer = CustomerFactory(partner=reseller_agent.partner)
    client.force_login(reseller_agent)
    page = client.get(_new_url(customer))
    assert page.context["confirmation_form"] is None
    assert "Ask your indirect provider" in page.content.decode()
    # Nothing to type into while the order cannot be placed.
    assert 'disabled data-testid="order-lines-disabled"' in page.content.decode()
    # Posting anyway: order_place refuses (R8) and says why.
    response = client.post(_new_url(customer), {f"quantity__{license_offer.id}": "3", "action": "place"})
    assert response.status_code == 200
    assert "before you can complete this purchase" in response.content.decode()
    response = client.post(
        _new_url(customer),
        {f"quantity__{license_offer.id}": "3", **_confirmation_data(), "action": "confirm"},
    )
    assert response.status_code == 200
    assert not Order.objects.exists()
    assert not Confirmation.objects.exists()


def test_r4_a_resellers_order_for_a_confirmed_customer_takes_quantities(client, reseller_agent):
    confirmed = confirmed_customer(partner=reseller_agent.partner)
    client.force_login(reseller_agent)
    assert "order-lines-disabled" not in client.get(_new_url(confirmed)).content.decode()


def test_r14_f3_an_offer_withdrawn_while_the_form_was_open_is_named_and_nothing_is_ordered(
    signed_in, customer, license_offer, e3_offer
):
    key = signed_in.get(_new_url(customer)).context["form"]["idempotency_key"].value()
    e3_offer.is_active = False
    e3_offer.save()
    data = {
        f"quantity__{license_offer.id}": "3",
        f"quantity__{e3_offer.id}": "6",
        "idempotency_key": str(key),
        "action": "place",
    }
    response = signed_in.post(_new_url(customer), data)
    assert response.status_code == 200
    assert not Order.objects.exists()
    page = response.content.decode()
    assert "Microsoft 365 E3 can no longer be ordered, so it was taken out of this order." in page
    assert 'value="3"' in page
    # Placed again as shown (the withdrawn offer's field is gone): the rest of the order goes through.
    data.pop(f"quantity__{e3_offer.id}")
    assert signed_in.post(_new_url(customer), data).status_code == 302
    assert [(line.offer_id, line.quantity) for line in Order.objects.get().lines.all()] == [
        (license_offer.id, 3)
    ]


def test_r14_f3_an_offer_withdrawn_during_the_confirmation_prompt_is_named_on_return(
    signed_in, required_customer, license_offer, e3_offer
):
    choices = {f"quantity__{license_offer.id}": "12", f"quantity__{e3_offer.id}": "6"}
    response = signed_in.post(
        _new_url(required_customer), {**choices, **_confirmation_data(), "action": "confirm"}
    )
    assert response.status_code == 302
    e3_offer.is_active = False
    e3_offer.save()
    page = signed_in.get(_new_url(required_customer))
    assert "Microsoft 365 E3 can no longer be ordered" in page.content.decode()
    assert page.context["form"][f"quantity__{license_offer.id}"].value() == "12"
    assert not Order.objects.exists()


def test_r14_f3_an_offer_withdrawn_before_the_confirmation_prompt_is_named_on_return(
    signed_in, required_customer, license_offer, e3_offer
):
    signed_in.get(_new_url(required_customer))
    e3_offer.is_active = False
    e3_offer.save()
    choices = {f"quantity__{license_offer.id}": "12", f"quantity__{e3_offer.id}": "6"}
    response = signed_in.post(
        _new_url(required_customer), {**choices, **_confirmation_data(), "action": "confirm"}
    )
    assert response.status_code == 302  # the confirmation is recorded; the order is not placed yet
    page = signed_in.get(_new_url(required_customer))
    assert "Microsoft 365 E3 can no longer be ordered" in page.content.decode()
    assert page.context["form"][f"quantity__{license_offer.id}"].value() == "12"
    assert not Order.objects.exists()


def test_f3_discard_clears_the_draft(signed_in, required_customer, license_offer):
    signed_in.post(_new_url(required_customer), {f"quantity__{license_offer.id}": "4", "action": "confirm"})
    signed_in.post(_new_url(required_customer), {"action": "discard"})
    assert signed_in.get(_new_url(required_customer)).context["form"].is_bound is False


# F5 ------------------------------------------------------------------------------------------


def test_f5_license_count_change_is_refused_with_a_link_to_f2_while_required(
    signed_in, required_customer, license_offer
):
    subscription = SubscriptionFactory(
        order__customer=required_customer, customer=required_customer, offer=license_offer, quantity=5
    )
    # The link comes back here once confirmed (F2's next).
    f2 = reverse("agreements:confirm", kwargs={"tenant_id": required_customer.tenant_id})
    f2 = f"{f2}?next={_quantity_url(subscription)}"
    page = signed_in.get(_quantity_url(subscription)).content.decode()
    assert "The license count cannot change until" in page
    assert f'href="{f2}"' in page
    response = signed_in.post(_quantity_url(subscription), {"quantity": "9"})
    assert response.status_code == 200
    assert f'href="{f2}"' in response.content.decode()
    subscription.refresh_from_db()
    assert subscription.quantity == 5


def test_r4_f5_a_reseller_is_told_to_ask_its_provider_not_sent_to_f2(
    client, reseller_agent, reseller_partner, license_offer
):
    required = CustomerFactory(partner=reseller_partner)
    subscription = SubscriptionFactory(order__customer=required, customer=required, offer=license_offer)
    client.force_login(reseller_agent)
    f2 = reverse("agreements:confirm", kwargs={"tenant_id": required.tenant_id})
    for url in (
        reverse("orders:subscriptions", kwargs={"tenant_id": required.tenant_id}),
        _quantity_url(subscription),
    ):
        page = client.get(url).content.decode()
        assert "The license count cannot change until" in page
        assert "Ask your indirect provider" in page
        assert f'href="{f2}' not in page


def test_f5_no_license_count_notice_without_subscriptions(signed_in, required_customer):
    page = signed_in.get(reverse("orders:subscriptions", kwargs={"tenant_id": required_customer.tenant_id}))
    assert 'data-testid="license-count-blocked"' not in page.content.decode()
    assert "This customer has no subscriptions yet." in page.content.decode()


def test_f5_license_count_changes_for_a_confirmed_customer(signed_in, customer, license_offer):
    subscription = SubscriptionFactory(order__customer=customer, customer=customer, offer=license_offer)
    form = signed_in.get(_quantity_url(subscription)).content.decode()
    assert f'data-testid="subscription-id">{subscription.api_id}</dd>' in form
    response = signed_in.post(_quantity_url(subscription), {"quantity": "9"}, follow=True)
    assert response.redirect_chain[-1][0] == reverse(
        "orders:subscriptions", kwargs={"tenant_id": customer.tenant_id}
    )
    subscription.refresh_from_db()
    assert subscription.quantity == 9


@pytest.mark.parametrize(
    "value, message",
    [
        ("0", "must be between 1 and 300"),
        ("301", "must be between 1 and 300"),
        ("lots", "Enter a whole number."),
        ("", "This field is required."),
    ],
)
def test_f5_bad_license_counts_get_a_message_next_to_the_field(
    signed_in, customer, license_offer, value, message
):
    subscription = SubscriptionFactory(order__customer=customer, customer=customer, offer=license_offer)
    response = signed_in.post(_quantity_url(subscription), {"quantity": value})
    assert response.status_code == 200
    assert message in " ".join(response.context["form"].errors["quantity"])
    subscription.refresh_from_db()
    assert subscription.quantity == 5


def test_f5_a_refused_license_count_has_the_error_summary(signed_in, customer, license_offer):
    """WCAG 3.3.1, as on every other form: the summary portal.js focuses, linking to the field."""
    subscription = SubscriptionFactory(order__customer=customer, customer=customer, offer=license_offer)
    page = signed_in.post(_quantity_url(subscription), {"quantity": "301"}).content.decode()
    assert "data-error-summary" in page
    assert 'href="#id_quantity"' in page


def test_r16_f5_a_language_switch_shows_the_license_count_errors_again_and_changes_nothing(
    signed_in, customer, license_offer
):
    """After a language switch portal.js posts the refused count again, marked `revalidate`."""
    subscription = SubscriptionFactory(
        order__customer=customer, customer=customer, offer=license_offer, quantity=5
    )
    form = signed_in.get(_quantity_url(subscription)).content.decode()
    assert "data-revalidate" in form
    data = {"quantity": "301", "seen_quantity": "5", "revalidate": "1"}
    refused = signed_in.post(_quantity_url(subscription), data, HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert refused.status_code == 200
    assert "数量必须介于 1 和 300 之间" in " ".join(refused.context["form"].errors["quantity"])
    assert 'value="301"' in refused.content.decode()

    valid = signed_in.post(_quantity_url(subscription), {**data, "quantity": "9"})
    assert valid.status_code == 200
    assert not valid.context["form"].errors
    subscription.refresh_from_db()
    assert subscription.quantity == 5
    assert subscription.history.count() == 1


def test_f5_usage_based_subscriptions_have_no_change_action(signed_in, customer, usage_offer):
    subscription = SubscriptionFactory(
        order__customer=customer, customer=customer, offer=usage_offer, quantity=None
    )
    listing = signed_in.get(reverse("orders:subscriptions", kwargs={"tenant_id": customer.tenant_id}))
    assert "Change license count" not in listing.content.decode()
    response = signed_in.post(_quantity_url(subscription), {"quantity": "2"}, follow=True)
    assert "Usage-based subscriptions have no license count to change." in response.content.decode()
    subscription.refresh_from_db()
    assert subscription.quantity is None


def test_f5_subscription_list_shows_offer_billing_type_count_status(
    signed_in, customer, license_offer, usage_offer
):
    SubscriptionFactory(order__customer=customer, customer=customer, offer=license_offer, quantity=17)
    SubscriptionFactory(order__customer=customer, customer=customer, offer=usage_offer, quantity=None)
    page = signed_in.get(reverse("orders:subscriptions", kwargs={"tenant_id": customer.tenant_id}))
    text = page.content.decode()
    for expected in ("Microsoft 365 Business Basic", "License-based", "17", "Azure plan", "Usage-based", "—"):
        assert expected in text
    assert text.count("Change license count") == 1


# Lists: every role reads them, in a fixed number of queries --------------------------------------


@pytest.mark.parametrize("role_user", ["admin_agent", "sales_agent", "helpdesk_agent", "billing_admin"])
def test_f5_every_role_reads_orders_and_subscriptions(request, client, customer, license_offer, role_user):
    client.force_login(request.getfixturevalue(role_user))
    SubscriptionFactory(order__customer=customer, customer=customer, offer=license_offer)
    for name in ("orders:list", "orders:subscriptions"):
        assert client.get(reverse(name, kwargs={"tenant_id": customer.tenant_id})).status_code == 200


def _queries(client, url):
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def _orders(customer, user, offers, count):
    for _ in range(count):
        order = Order.objects.create(customer=customer, placed_by=user, channel=Channel.WEB)
        for number, offer in enumerate(offers):
            OrderLineFactory(order=order, offer=offer, line_item_number=number)
            SubscriptionFactory(order=order, customer=customer, offer=offer)


def test_f3_order_list_query_budget_is_the_same_for_1_and_20_orders(
    signed_in, admin_agent, partner, license_offer, usage_offer, django_assert_max_num_queries
):
    one, twenty = CustomerFactory(partner=partner), CustomerFactory(partner=partner)
    _orders(one, admin_agent, [license_offer, usage_offer], 1)
    _orders(twenty, admin_agent, [license_offer, usage_offer], 20)
    url = lambda c: reverse("orders:list", kwargs={"tenant_id": c.tenant_id})  # noqa: E731
    signed_in.get(url(one))  # warm the session and permission caches alike
    baseline = _queries(signed_in, url(one))
    with django_assert_max_num_queries(baseline):
        page = signed_in.get(url(twenty))
    assert page.content.decode().count('data-testid="order-row"') == 20
    assert baseline <= 10


def test_f5_subscription_list_query_budget_is_the_same_for_1_and_20_subscriptions(
    signed_in, admin_agent, partner, license_offer, django_assert_max_num_queries
):
    one, twenty = CustomerFactory(partner=partner), CustomerFactory(partner=partner)
    _orders(one, admin_agent, [license_offer], 1)
    _orders(twenty, admin_agent, [license_offer], 20)
    url = lambda c: reverse("orders:subscriptions", kwargs={"tenant_id": c.tenant_id})  # noqa: E731
    signed_in.get(url(one))
    baseline = _queries(signed_in, url(one))
    with django_assert_max_num_queries(baseline):
        page = signed_in.get(url(twenty))
    assert page.content.decode().count('data-testid="subscription-row"') == 20
    assert baseline <= 10


def test_f3_f5_lists_use_real_orders_placed_through_order_place(
    signed_in, admin_agent, customer, license_offer, actor
):
    order_place(
        actor=actor(admin_agent), customer=customer, lines=[LineItem(license_offer.id, 6)], channel="web"
    )
    page = signed_in.get(reverse("orders:list", kwargs={"tenant_id": customer.tenant_id})).content.decode()
    assert "Microsoft 365 Business Basic × 6" in page
    assert Subscription.objects.get(customer=customer).quantity == 6


def test_f2_f3_the_confirmation_fields_are_laid_out_the_same_in_both(signed_in, required_customer):
    def layout(url, prefix=""):
        content = signed_in.get(url).content.decode()
        fields = content.split('data-testid="confirmation-fields"')[1].split("</fieldset>")[0]
        names = re.findall(r'<div class="col-md-6">\s*<div id="div_id_' + prefix + r'(\w+)"', fields)
        return names

    kwargs = {"tenant_id": required_customer.tenant_id}
    f2 = layout(reverse("agreements:confirm", kwargs=kwargs))
    f3 = layout(_new_url(required_customer), prefix="agreement-")
    assert f2 == f3 == ["first_name", "last_name", "email", "phone_number", "date_agreed"]


def test_f5_subscription_rows_show_their_api_id_order_and_created_date(signed_in, customer, license_offer):
    # The id is the GUID the API answers with (PRODUCT §6): a script's log and this page agree.
    order = OrderFactory(customer=customer)
    created = datetime.datetime(2025, 3, 4, 12, tzinfo=datetime.UTC)
    subscriptions = [
        SubscriptionFactory(order=order, offer=license_offer, created_at=created) for _ in range(3)
    ]
    page = signed_in.get(reverse("orders:subscriptions", kwargs={"tenant_id": customer.tenant_id}))
    rows = page.content.decode().split('data-testid="subscription-row"')[1:]
    assert len(rows) == 3
    for subscription, row in zip(subscriptions, rows, strict=True):
        assert f'data-testid="subscription-id">{subscription.api_id}</small></th>' in row
        assert f">{order.api_id}</td>" in row
        assert "2025-03-04" in row
    assert len(set(rows)) == 3


def test_f3_order_rows_show_the_id_the_api_answers_with(signed_in, customer):
    # A script's log and this page agree, and neither counts other partners' orders (R12).
    orders = [OrderFactory(customer=customer) for _ in range(2)]
    page = signed_in.get(reverse("orders:list", kwargs={"tenant_id": customer.tenant_id})).content.decode()
    for order in orders:
        assert f'id="order-{order.api_id}"' in page
        assert f'data-testid="order-id">{order.api_id}</th>' in page
        assert f'id="order-{order.pk}"' not in page


def test_f3_orders_list_out_of_range_page_shows_the_last_page(signed_in, customer, admin_agent):
    for _ in range(26):
        OrderFactory(customer=customer, placed_by=admin_agent)
    url = reverse("orders:list", kwargs={"tenant_id": customer.tenant_id})
    response = signed_in.get(url, {"page": "99999"})
    assert response.status_code == 200
    assert response.context["page_obj"].number == 2


@pytest.mark.parametrize(
    ("url_name", "row"),
    [("orders:list", "order-row"), ("orders:subscriptions", "subscription-row")],
)
def test_f3_f5_order_and_subscription_lists_page_by_25(
    signed_in, admin_agent, partner, license_offer, url_name, row
):
    customer = CustomerFactory(partner=partner)
    _orders(customer, admin_agent, [license_offer], PER_PAGE + 1)
    url = reverse(url_name, kwargs={"tenant_id": customer.tenant_id})
    first = signed_in.get(url).content.decode()
    assert first.count(f'data-testid="{row}"') == PER_PAGE
    assert "Page 1 of 2" in first and 'href="?page=2"' in first
    second = signed_in.get(url, {"page": 2}).content.decode()
    assert second.count(f'data-testid="{row}"') == 1
    assert "Page 2 of 2" in second and 'href="?page=1"' in second


def test_r14_f3_every_bad_line_is_shown_after_one_submit(signed_in, customer, license_offer, e3_offer):
    # "1.5" is no whole number; it hid E3's out-of-range 20000 until the next submit.
    response = signed_in.post(
        _new_url(customer),
        {f"quantity__{license_offer.id}": "1.5", f"quantity__{e3_offer.id}": "20000", "action": "place"},
    )

    form = response.context["form"]
    assert form.errors[f"quantity__{license_offer.id}"] == ["Enter a whole number."]
    assert form.errors[f"quantity__{e3_offer.id}"] == [
        "The quantity of Microsoft 365 E3 must be between 5 and 10000."
    ]
    summary = response.content.decode().split('data-testid="order-errors"')[1].split("</div>")[0]
    assert "Quantity of Microsoft 365 E3: The quantity of Microsoft 365 E3 must be between" in summary
    assert not Order.objects.exists()


def test_r14_f3_save_and_continue_returns_to_an_order_whose_bad_lines_are_shown(
    signed_in, required_customer, e3_offer
):
    response = signed_in.post(
        _new_url(required_customer),
        {f"quantity__{e3_offer.id}": "20000", **_confirmation_data(), "action": "confirm"},
    )
    assert response.status_code == 302
    assert Confirmation.objects.filter(customer=required_customer).exists()

    page = signed_in.get(_new_url(required_customer))

    assert page.context["form"].errors[f"quantity__{e3_offer.id}"] == [
        "The quantity of Microsoft 365 E3 must be between 5 and 10000."
    ]


def test_f3_a_new_order_page_shows_no_errors_before_anything_is_typed(signed_in, customer, license_offer):
    page = signed_in.get(_new_url(customer))

    assert not page.context["form"].errors
    assert 'data-testid="order-errors"' not in page.content.decode()


def test_f3_the_new_order_page_names_itself_in_the_breadcrumb_and_does_not_link_to_itself(
    signed_in, customer, license_offer
):
    new = _new_url(customer)
    content = signed_in.get(new).content.decode()
    breadcrumb = content.split('aria-label="Breadcrumb"')[1].split("</nav>")[0]
    assert '<li class="breadcrumb-item active" aria-current="page">New order</li>' in breadcrumb
    assert f'href="{new}"' not in content
    # Every other page of the customer offers it.
    assert (
        f'href="{new}"'
        in signed_in.get(reverse("orders:list", kwargs={"tenant_id": customer.tenant_id})).content.decode()
    )


def test_f5_a_count_changed_meanwhile_is_shown_with_the_agents_entry_and_a_second_save_applies_it(
    signed_in, customer, license_offer
):
    subscription = SubscriptionFactory(
        order__customer=customer, customer=customer, offer=license_offer, quantity=10
    )
    page = signed_in.get(_quantity_url(subscription)).content.decode()
    assert 'name="seen_quantity" value="10"' in page
    Subscription.objects.filter(pk=subscription.pk).update(quantity=20)  # a colleague, meanwhile

    refused = signed_in.post(_quantity_url(subscription), {"quantity": "15", "seen_quantity": "10"})

    assert refused.status_code == 200
    assert refused.context["form"].errors["quantity"] == [
        "Someone changed this license count to 20 after you opened the page. Check it and save again."
    ]
    content = refused.content.decode()
    assert 'data-testid="current-license-count">20<' in content
    assert 'name="quantity" value="15"' in content  # what the agent typed (R14)
    assert 'name="seen_quantity" value="20"' in content
    subscription.refresh_from_db()
    assert subscription.quantity == 20

    again = signed_in.post(_quantity_url(subscription), {"quantity": "15", "seen_quantity": "20"})
    assert again.status_code == 302
    subscription.refresh_from_db()
    assert subscription.quantity == 15


@pytest.mark.parametrize("seen", ["abc", "1.5", "1e3", "\x00", ""])
def test_r14_f5_an_unreadable_shown_count_does_not_stop_the_save(signed_in, customer, license_offer, seen):
    subscription = SubscriptionFactory(
        order__customer=customer, customer=customer, offer=license_offer, quantity=10
    )
    response = signed_in.post(_quantity_url(subscription), {"quantity": "7", "seen_quantity": seen})
    assert response.status_code == 302
    subscription.refresh_from_db()
    assert subscription.quantity == 7


def test_f5_saving_the_same_license_count_says_nothing_changed(signed_in, customer, license_offer):
    subscription = SubscriptionFactory(
        order__customer=customer, customer=customer, offer=license_offer, quantity=15
    )

    response = signed_in.post(_quantity_url(subscription), {"quantity": "15"}, follow=True)

    shown = [str(message) for message in response.context["messages"]]
    assert shown == ["The license count of Microsoft 365 Business Basic is already 15."]


@pytest.mark.parametrize("page", ["0", "-3"])
def test_r14_orders_list_page_below_1_shows_the_first_page(signed_in, customer, admin_agent, page):
    for _ in range(26):
        OrderFactory(customer=customer, placed_by=admin_agent)

    response = signed_in.get(reverse("orders:list", kwargs={"tenant_id": customer.tenant_id}), {"page": page})

    assert response.context["page_obj"].number == 1


def test_f5_f2_confirming_from_the_refusal_returns_to_the_license_count(
    signed_in, required_customer, license_offer
):
    subscription = SubscriptionFactory(
        order__customer=required_customer, customer=required_customer, offer=license_offer, quantity=5
    )
    back = _quantity_url(subscription)
    f2 = reverse("agreements:confirm", kwargs={"tenant_id": required_customer.tenant_id})
    form = signed_in.get(f2, {"next": back}).content.decode()
    assert f'name="next" value="{back}"' in form
    assert f'href="{back}" class="btn btn-outline-secondary"' in form  # Cancel goes back too

    response = signed_in.post(f2, {**_f2_data(), "next": back})

    assert response.status_code == 302
    assert response["Location"] == back
    page = signed_in.get(back).content.decode()
    assert 'data-testid="license-count-blocked"' not in page


@pytest.mark.parametrize("next_url", ["https://evil.example/", "//evil.example/", "javascript:alert(1)"])
def test_f2_a_next_that_is_no_portal_page_returns_to_account_info(signed_in, required_customer, next_url):
    f2 = reverse("agreements:confirm", kwargs={"tenant_id": required_customer.tenant_id})

    response = signed_in.post(f2, {**_f2_data(), "next": next_url})

    assert response.status_code == 302
    assert response["Location"] == required_customer.get_absolute_url()


def _f2_data():
    """F2's own form: the confirmation fields without F3's prefix."""
    return {name.removeprefix("agreement-"): value for name, value in _confirmation_data().items()}


def test_f3_a_refused_quantity_is_marked_invalid_like_every_other_field(signed_in, customer, license_offer):
    # WCAG 3.3.1: red and aria-invalid, as F1, F2 and F5 mark a refused field.
    response = signed_in.post(_new_url(customer), {f"quantity__{license_offer.id}": "301", "action": "place"})

    name = re.escape(f"quantity__{license_offer.id}")
    tag = re.search(rf'<input[^>]*name="{name}"[^>]*>', response.content.decode()).group()
    assert "is-invalid" in tag.split('class="')[1].split('"')[0].split()
    assert 'aria-invalid="true"' in tag


@pytest.mark.parametrize(
    ("url_name", "context_name"), [("orders:list", "orders"), ("orders:subscriptions", "subscriptions")]
)
def test_r12_f3_f5_a_customers_orders_and_subscriptions_are_its_own_only(
    signed_in, partner, other_partner, customer, license_offer, url_name, context_name
):
    # A mutation review found these lists' customer filter guarded only by query-count tests.
    own = SubscriptionFactory(order__customer=customer, customer=customer, offer=license_offer)
    for stranger in (CustomerFactory(partner=partner), CustomerFactory(partner=other_partner)):
        SubscriptionFactory(order__customer=stranger, customer=stranger, offer=license_offer)

    page = signed_in.get(reverse(url_name, kwargs={"tenant_id": customer.tenant_id}))

    shown = list(page.context[context_name])
    assert shown == ([own.order] if context_name == "orders" else [own])
