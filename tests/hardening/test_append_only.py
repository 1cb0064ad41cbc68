"""R5 append-only and R13 audit: no route edits or deletes a confirmation; every write says who, when, how."""

import datetime

import pytest
import time_machine
from django.db.models import ProtectedError
from django.urls import reverse

from agreements.models import Confirmation, ConfirmationImmutable
from agreements.services import confirmation_record
from customers.models import Customer
from customers.services import customer_create, customer_update
from orders.models import Order, Subscription
from orders.services import LineItem, order_place, subscription_set_quantity
from tests.api.helpers import ApiClient

pytestmark = pytest.mark.django_db

NOW = datetime.datetime(2024, 11, 24, 12, tzinfo=datetime.UTC)


@pytest.fixture
def confirmation(confirmed):
    return confirmed.current_confirmation


def snapshot(confirmation):
    return Confirmation.objects.filter(pk=confirmation.pk).values().get()


# The model and the queryset ---------------------------------------------------------


def test_r5_a_stored_confirmation_refuses_save_and_delete(confirmation):
    before = snapshot(confirmation)
    confirmation.first_name = "Mallory"
    with pytest.raises(ConfirmationImmutable):
        confirmation.save()
    with pytest.raises(ConfirmationImmutable):
        confirmation.delete()
    assert snapshot(confirmation) == before


def test_r5_bulk_update_and_delete_are_refused(confirmation):
    before = snapshot(confirmation)
    with pytest.raises(ConfirmationImmutable):
        Confirmation.objects.filter(pk=confirmation.pk).update(first_name="Mallory")
    with pytest.raises(ConfirmationImmutable):
        Confirmation.objects.all().delete()
    with pytest.raises(ConfirmationImmutable):
        Confirmation.objects.filter(pk=confirmation.pk).update_or_create(
            pk=confirmation.pk, defaults={"first_name": "Mallory"}
        )
    assert snapshot(confirmation) == before


def test_r5_no_model_path_overwrites_or_deletes_a_stored_confirmation(confirmation):
    """Found by a review: each of these overwrote or deleted a stored confirmation."""
    from django.db import IntegrityError, transaction

    before = snapshot(confirmation)
    # A new instance given a stored one's id: an INSERT that collides, never an UPDATE.
    impostor = Confirmation(**{**before, "first_name": "Mallory"})
    with pytest.raises(IntegrityError), transaction.atomic():
        impostor.save()
    # An upsert.
    upsert = Confirmation(**{**before, "first_name": "Mallory"})
    with pytest.raises(ConfirmationImmutable):
        Confirmation.objects.bulk_create(
            [upsert], update_conflicts=True, unique_fields=["id"], update_fields=["first_name"]
        )
    with pytest.raises(ConfirmationImmutable):  # the flag given by position
        Confirmation.objects.bulk_create([upsert], None, False, True, ["first_name"], ["id"])
    # Django's own manager for internal reads and cascades.
    with pytest.raises(ConfirmationImmutable):
        Confirmation._base_manager.filter(pk=confirmation.pk).update(first_name="Mallory")
    with pytest.raises(ConfirmationImmutable):
        Confirmation._base_manager.filter(pk=confirmation.pk).delete()
    assert snapshot(confirmation) == before


@pytest.mark.postgresql
@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE agreements_confirmation SET first_name = 'Mallory' WHERE id = %s",
        "DELETE FROM agreements_confirmation WHERE id = %s",
    ],
    ids=["update", "delete"],
)
def test_r5_postgresql_itself_refuses_to_change_or_delete_a_confirmation(confirmation, statement):
    """What bypasses Django (raw SQL, a console) meets the database's own refusal."""
    from django.db import DatabaseError, connection, transaction

    before = snapshot(confirmation)
    with (
        pytest.raises(DatabaseError, match="append-only"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(statement, [confirmation.pk])
    assert snapshot(confirmation) == before


def test_r5_deleting_the_customer_cannot_take_its_confirmations_along(confirmed):
    with pytest.raises((ProtectedError, ConfirmationImmutable)):
        Customer.objects.filter(pk=confirmed.pk).delete()
    assert Confirmation.objects.filter(customer=confirmed).exists()


def test_r5_a_newer_confirmation_leaves_the_older_one_as_it_was(admin_agent, actor, confirmed, acceptor):
    older = snapshot(confirmed.current_confirmation)
    with time_machine.travel(NOW, tick=False):
        newer = confirmation_record(
            actor=actor(admin_agent), customer=confirmed, acceptor=acceptor(first_name="Grace"), channel="api"
        )
    assert snapshot(Confirmation.objects.get(pk=older["id"])) == older
    assert Customer.objects.get(pk=confirmed.pk).current_confirmation_id == newer.pk


# Browser and API routes ----------------------------------------------------------------


def test_r5_no_browser_or_api_route_changes_or_deletes_a_confirmation(
    client, admin_agent, confirmed, confirmation
):
    before = snapshot(confirmation)
    client.force_login(admin_agent)
    tenant = confirmed.tenant_id
    for method in ("put", "patch", "delete"):
        response = getattr(client, method)(reverse("agreements:confirm", kwargs={"tenant_id": tenant}))
        assert response.status_code in (403, 405), (method, response.status_code)
    api = ApiClient(admin_agent)
    for path in (
        f"/v1/customers/{tenant}/agreements",
        f"/v1/customers/{tenant}/agreements/{confirmation.pk}",
    ):
        for method in ("put", "patch", "delete"):
            response = api._call(method, path, body={"primaryContact": {"firstName": "Mallory"}})
            assert response.status_code in (404, 405), (method, path, response.status_code)
    assert snapshot(confirmation) == before


# The Django admin ------------------------------------------------------------------------


@pytest.fixture
def staff(client, staff_user):
    client.force_login(staff_user)
    return client


def test_r5_staff_see_a_confirmation_but_cannot_change_add_or_delete_it(staff, confirmation):
    before = snapshot(confirmation)
    change = reverse("admin:agreements_confirmation_change", args=[confirmation.pk])
    assert staff.get(change).status_code == 200  # view-only
    response = staff.post(change, {"first_name": "Mallory", "last_name": "X", "email": "m@example.com"})
    assert response.status_code == 403
    delete = reverse("admin:agreements_confirmation_delete", args=[confirmation.pk])
    assert staff.get(delete).status_code == 403
    assert staff.post(delete, {"post": "yes"}).status_code == 403
    assert staff.get(reverse("admin:agreements_confirmation_add")).status_code == 403
    assert snapshot(confirmation) == before


def test_r5_the_bulk_delete_action_is_not_offered_and_a_forged_one_deletes_nothing(staff, confirmation):
    changelist = reverse("admin:agreements_confirmation_changelist")
    response = staff.get(changelist)
    assert response.status_code == 200
    assert "delete_selected" not in response.content.decode()
    response = staff.post(
        changelist, {"action": "delete_selected", "_selected_action": [confirmation.pk], "post": "yes"}
    )
    assert response.status_code in (200, 302, 403)
    assert Confirmation.objects.filter(pk=confirmation.pk).exists()


def test_r5_customer_admin_cannot_delete_customers_nor_touch_their_confirmations(
    staff, confirmed, confirmation
):
    before = snapshot(confirmation)
    assert (
        staff.post(
            reverse("admin:customers_customer_delete", args=[confirmed.pk]), {"post": "yes"}
        ).status_code
        == 403
    )
    staff.post(
        reverse("admin:customers_customer_changelist"),
        {"action": "delete_selected", "_selected_action": [confirmed.pk], "post": "yes"},
    )
    assert Customer.objects.filter(pk=confirmed.pk).exists()
    # A forged inline formset that edits and deletes the confirmation.
    change = reverse("admin:customers_customer_change", args=[confirmed.pk])
    form = staff.get(change).context["adminform"].form
    data = {name: form.initial.get(name) or "" for name in form.fields}
    data["country"] = confirmed.country.code
    data.update(
        {
            "confirmations-TOTAL_FORMS": "1",
            "confirmations-INITIAL_FORMS": "1",
            "confirmations-0-id": str(confirmation.pk),
            "confirmations-0-customer": str(confirmed.pk),
            "confirmations-0-first_name": "Mallory",
            "confirmations-0-DELETE": "on",
        }
    )
    response = staff.post(change, data)
    assert response.status_code in (200, 302)
    assert snapshot(confirmation) == before
    assert Customer.objects.get(pk=confirmed.pk).current_confirmation_id == confirmation.pk


def test_r5_reverting_a_customer_to_an_older_version_keeps_its_current_confirmation(
    staff, admin_agent, actor, customer, acceptor
):
    """SimpleHistoryAdmin offers "revert": it must not bring back the status before a confirmation."""
    with time_machine.travel(NOW, tick=False):
        confirmation = confirmation_record(
            actor=actor(admin_agent), customer=customer, acceptor=acceptor(), channel="api"
        )
    before = customer.history.order_by("history_date", "history_id").first()
    url = reverse("admin:customers_customer_simple_history", args=[customer.pk, before.history_id])
    page = staff.get(url)
    assert page.status_code == 200
    form = page.context["adminform"].form
    data = {name: form.initial.get(name) or "" for name in form.fields}
    data["country"] = customer.country.code
    assert staff.post(url, data).status_code in (200, 302, 403)
    assert Customer.objects.get(pk=customer.pk).current_confirmation_id == confirmation.pk


# R13: who, when, through which channel ---------------------------------------------------


def test_r13_a_customer_and_its_confirmation_record_who_when_and_channel(client, admin_agent, partner):
    client.force_login(admin_agent)
    data = {
        "company_name": "Audit Ltd",
        "domain": "auditltd",
        "address_line1": "1 Main Street",
        "city": "Seattle",
        "country": "US",
        "contact_first_name": "Pat",
        "contact_last_name": "Primary",
        "contact_email": "pat@audit.example",
        "accepted": "on",
        "date_agreed": "2024-11-20",
        "action": "create",
    }
    with time_machine.travel(NOW, tick=False):
        response = client.post(
            reverse("customers:new"), data, HTTP_USER_AGENT="Audit/1.0", REMOTE_ADDR="198.51.100.9"
        )
    assert response.status_code == 302
    customer = Customer.objects.get(domain="auditltd.onmicrosoft.com")
    assert (customer.created_by, customer.created_at, customer.created_channel) == (admin_agent, NOW, "web")
    history = customer.history.first()
    assert history.history_user == admin_agent and history.history_date == NOW
    confirmation = customer.current_confirmation
    assert (confirmation.recorded_by, confirmation.recorded_at, confirmation.channel) == (
        admin_agent,
        NOW,
        "new-customer",
    )
    assert (confirmation.client_ip, confirmation.user_agent) == ("198.51.100.9", "Audit/1.0")


def test_r13_api_writes_name_the_token_user_and_the_api_channel(
    admin_agent, customer, confirmed, license_offer
):
    api = ApiClient(admin_agent)
    with time_machine.travel(NOW, tick=False):
        response = api.post(
            f"/v1/customers/{customer.tenant_id}/agreements",
            {
                "primaryContact": {"firstName": "Ada", "lastName": "Acceptor", "email": "ada@example.com"},
                "templateId": "117a77b0-9360-443b-8795-c6dedc750cf9",
                "dateAgreed": "2024-11-20",
            },
        )
        assert response.status_code == 201
        response = api.post(
            f"/v1/customers/{confirmed.tenant_id}/orders",
            {"lineItems": [{"lineItemNumber": 0, "offerId": license_offer.id, "quantity": 3}]},
        )
        assert response.status_code == 201
    confirmation = Confirmation.objects.get(customer=customer)
    assert (confirmation.recorded_by, confirmation.channel, confirmation.recorded_at) == (
        admin_agent,
        "api",
        NOW,
    )
    order = Order.objects.get(customer=confirmed)
    assert (order.placed_by, order.channel, order.placed_at) == (admin_agent, "api", NOW)
    subscription = Subscription.objects.get(order=order)
    assert (subscription.updated_by, subscription.updated_channel) == (admin_agent, "api")
    assert order.history.first().history_user == admin_agent
    assert subscription.history.first().history_user == admin_agent


def test_r13_every_license_count_change_keeps_a_history_entry(admin_agent, sales_agent, actor, subscription):
    with time_machine.travel(NOW, tick=False):
        subscription_set_quantity(
            actor=actor(admin_agent), subscription=subscription, quantity=7, channel="web"
        )
    with time_machine.travel(NOW + datetime.timedelta(hours=1), tick=False):
        subscription_set_quantity(
            actor=actor(sales_agent), subscription=subscription, quantity=9, channel="api"
        )
    rows = list(
        subscription.history.order_by("history_id").values_list("quantity", "history_user", "updated_channel")
    )
    assert rows[-2:] == [(7, admin_agent.pk, "web"), (9, sales_agent.pk, "api")]
    latest = subscription.history.order_by("history_id").last()
    assert latest.history_date == NOW + datetime.timedelta(hours=1)


def test_r13_orders_placed_by_a_script_outside_a_request_still_name_the_user(
    admin_agent, actor, confirmed, license_offer
):
    order = order_place(
        actor=actor(admin_agent), customer=confirmed, lines=[LineItem(license_offer.id, 2)], channel="import"
    )
    assert order.history.first().history_user == admin_agent
    assert Subscription.objects.get(order=order).history.first().history_user == admin_agent


def test_r13_customer_writes_outside_a_request_name_the_user_and_channel(admin_agent, actor, details):
    """A script (import, API helper) calls the services directly: the history must still say who and how."""
    customer = customer_create(actor=actor(admin_agent), channel="import", **details())
    created = customer.history.first()
    assert created.history_user == admin_agent
    assert customer.created_channel == "import"
    customer_update(actor=actor(admin_agent), customer=customer, channel="import", city="Redmond")
    updated = customer.history.order_by("-history_date", "-history_id").first()
    assert updated.city == "Redmond"
    assert updated.history_user == admin_agent
    assert (getattr(updated, "updated_channel", None) or updated.history_change_reason) == "import"


def test_r13_customer_updates_record_their_channel(client, staff_user, admin_agent, confirmed):
    """An edit in the browser and one in the Django admin must be told apart in the history."""
    client.force_login(admin_agent)
    url = reverse("customers:edit", kwargs={"tenant_id": confirmed.tenant_id})
    from customers.forms import CustomerDetailsForm

    data = {**CustomerDetailsForm.initial_from(confirmed), "city": "Redmond"}
    data = {k: v if v is not None else "" for k, v in data.items()}
    assert client.post(url, data).status_code == 302
    entry = confirmed.history.order_by("-history_date", "-history_id").first()
    assert entry.history_user == admin_agent
    channel = getattr(entry, "updated_channel", None) or entry.history_change_reason
    assert channel == "web", "R13: the customer's history does not record the channel"
