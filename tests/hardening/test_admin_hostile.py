"""R14 in the Django admin: a lookup in a list's address that it cannot run is a bad lookup, never a 500."""

import html
import re
from urllib.parse import parse_qsl

import pytest
from django.contrib import admin
from django.urls import reverse

from tests.factories import confirmed_customer

pytestmark = pytest.mark.django_db

# Parameters every changelist reads beside its filters: search, ordering, page, show all.
COMMON_PARAMETERS = {"q", "o", "p", "all"}


def _changelists():
    return sorted(
        reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
        for model in admin.site._registry
    )


def test_r14_every_admin_filter_with_a_nul_byte_shows_the_unfiltered_list(client, staff_user, partner):
    """The admin's choice filters passed the value to PostgreSQL, which refused it: a 500."""
    confirmed_customer(partner=partner)
    client.force_login(staff_user)
    client.raise_request_exception = False
    failures, tried = [], 0
    for url in _changelists():
        page = client.get(url)
        everyone = page.context["cl"].result_count
        parameters = set(COMMON_PARAMETERS)
        for href in re.findall(r'href="\?([^"]*)"', page.content.decode()):
            parameters.update(name for name, _value in parse_qsl(html.unescape(href)))
        for name in sorted(parameters):
            tried += 1
            response = client.get(url, {name: "a\x00b"}, follow=True)
            if (
                response.status_code != 200
                or response.redirect_chain != [(f"{url}?e=1", 302)]
                or response.context["cl"].result_count != everyone
            ):
                failures.append((url, name, response.status_code))
    assert not failures
    assert tried > 60  # the filters' own parameters, not only the common ones


def _typed_lookups(model):
    """Lookups a person can type into an admin list's address that Django builds but cannot run."""
    for field in model._meta.concrete_fields:
        kind = field.get_internal_type()
        if kind in ("DateField", "DateTimeField"):
            yield {f"{field.name}__year": "0"}
            yield {f"{field.name}__iso_year": "-1"}
        elif kind in ("AutoField", "BigAutoField", "IntegerField", "PositiveIntegerField", "ForeignKey"):
            yield {f"{field.attname}__in": "1,999999999999999999999999999999"}
            yield {f"{field.attname}__range": "1"}
        elif kind in ("CharField", "TextField"):
            yield {f"{field.name}__range": "a,b"}
            yield {f"{field.name}__regex": "(a"}


def test_r14_every_admin_list_answers_a_typed_lookup_it_cannot_run_with_the_unfiltered_list(
    client, staff_user, partner, caplog
):
    # year 0, a range of one value, an integer past 64 bits: a 500; an invalid regex: a 503
    # on SQLite, a DataError (500) on PostgreSQL.
    confirmed_customer(partner=partner)
    client.force_login(staff_user)
    client.raise_request_exception = False
    failures, tried = [], 0
    for model in admin.site._registry:
        url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
        for lookup in _typed_lookups(model):
            tried += 1
            response = client.get(url, lookup)
            if response.status_code != 200 and response.get("Location") != f"{url}?e=1":
                failures.append((url, lookup, response.status_code))
    assert not failures
    assert tried > 100
    # Logged, with the error: a fault in a filter's own code would end the same way.
    logged = [record for record in caplog.records if record.name == "portal.admin"]
    assert logged and all(record.exc_info for record in logged)


def test_r14_only_admin_lists_are_redirected_and_a_percent_00_typed_is_no_nul_byte(
    client, staff_user, partner
):
    customer = confirmed_customer(partner=partner)
    client.force_login(staff_user)
    url = reverse("admin:customers_customer_changelist")
    assert client.get(url, {"q": "a%00b"}).status_code == 200  # "%00" typed, not a NUL byte
    assert client.get(url, {"o": "1"}).status_code == 200
    # A change page keeps the list's filters only to link back to it: no lookup, no redirect.
    change = reverse("admin:customers_customer_change", args=[customer.pk])
    assert client.get(change, {"_changelist_filters": "channel__exact=a\x00b"}).status_code == 200


def _history_admins():
    return sorted(
        (model._meta.app_label, model._meta.model_name)
        for model, model_admin in admin.site._registry.items()
        if hasattr(model_admin, "history_form_view")
    )


@pytest.mark.parametrize("bad_id", ["abc", "1.0", "%00", ".."])
def test_r14_admin_history_pages_with_an_id_that_is_no_id_are_404(client, staff_user, partner, bad_id):
    customer = confirmed_customer(partner=partner)
    version = customer.history.latest().history_id
    client.force_login(staff_user)
    client.raise_request_exception = False
    assert len(_history_admins()) >= 3  # customers, orders, subscriptions
    for app_label, model_name in _history_admins():
        base = f"/admin/{app_label}/{model_name}"
        for url in (f"{base}/{bad_id}/history/", f"{base}/{customer.pk}/history/{bad_id}/"):
            assert client.get(url).status_code == 404, url
    # The pages themselves still work for real ids.
    assert client.get(f"/admin/customers/customer/{customer.pk}/history/").status_code == 200
    assert client.get(f"/admin/customers/customer/{customer.pk}/history/{version}/").status_code == 200


@pytest.mark.parametrize("selected", ["x", "a\x00b", str(2**63), "1.5", ""])
def test_r14_every_admin_action_on_rows_that_are_no_rows_changes_nothing_and_says_so(
    client, staff_user, partner, selected
):
    """An action's selected rows went to the admin's filter as they came: "x" was a 500 on every
    list whose keys are numbers. Where the text could be a key (an offer id), it selects nothing."""
    customer = confirmed_customer(partner=partner)
    client.force_login(staff_user)
    client.raise_request_exception = False
    failures = []
    for url in _changelists():
        response = client.post(
            url, {"action": "delete_selected", "_selected_action": [selected], "index": "0"}, follow=True
        )
        if response.status_code != 200:
            failures.append((url, response.status_code))
    assert not failures
    customers = reverse("admin:customers_customer_changelist")
    data = {"action": "delete_selected", "_selected_action": [selected]}
    response = client.post(customers, data, follow=True)
    assert response.redirect_chain == [(customers, 302)]
    assert [str(message) for message in response.context["messages"]] == [
        "Items must be selected in order to perform actions on them. No items have been changed."
    ]
    assert type(customer).objects.filter(pk=customer.pk).exists()


def test_r14_an_admin_action_on_real_rows_still_runs(client, staff_user):
    from axes.models import AccessAttempt

    attempt = AccessAttempt.objects.create(username="someone", failures_since_start=1, ip_address="192.0.2.1")
    client.force_login(staff_user)
    url = reverse("admin:axes_accessattempt_changelist")
    data = {"action": "delete_selected", "_selected_action": [attempt.pk], "post": "yes"}

    response = client.post(url, data)

    assert response.status_code == 302
    assert not AccessAttempt.objects.exists()
