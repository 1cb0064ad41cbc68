"""The Django admin: confirmations are read-only for everyone (R5); templates; customers via services."""

import datetime
import uuid

import pytest
from django.contrib.admin.sites import site
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from agreements.models import CLOUD_AGREEMENT_TEMPLATE_ID, AgreementTemplate, AgreementType, Confirmation
from agreements.selectors import template_latest_mca
from customers.models import Customer
from portal.pagination import PER_PAGE
from tests.factories import AgreementTemplateFactory, ConfirmationFactory, CustomerFactory, confirmed_customer

pytestmark = pytest.mark.django_db


def test_r5_admin_offers_no_add_change_or_delete_of_confirmations_even_to_superusers(rf, staff_user, partner):
    customer = confirmed_customer(partner=partner)
    confirmation = customer.current_confirmation
    model_admin = site._registry[Confirmation]
    request = rf.get("/admin/")
    request.user = staff_user
    assert staff_user.is_superuser
    assert not model_admin.has_add_permission(request)
    assert not model_admin.has_change_permission(request, confirmation)
    assert not model_admin.has_delete_permission(request, confirmation)
    assert model_admin.has_view_permission(request, confirmation)
    assert "delete_selected" not in model_admin.get_actions(request)


def test_r5_admin_confirmation_pages_are_read_only(client, staff_user, partner):
    confirmation = confirmed_customer(partner=partner).current_confirmation
    client.force_login(staff_user)
    change = reverse("admin:agreements_confirmation_change", args=[confirmation.pk])
    assert client.get(reverse("admin:agreements_confirmation_changelist")).status_code == 200
    assert client.get(change).status_code == 200
    assert client.post(change, {"first_name": "Eve"}).status_code == 403
    assert (
        client.post(
            reverse("admin:agreements_confirmation_delete", args=[confirmation.pk]), {"post": "yes"}
        ).status_code
        == 403
    )
    assert client.get(reverse("admin:agreements_confirmation_add")).status_code == 403
    assert Confirmation.objects.get().first_name == confirmation.first_name


def test_r7_staff_add_a_new_mca_version_which_the_ui_then_confirms(client, staff_user):
    client.force_login(staff_user)
    new_id = uuid.uuid4()
    response = client.post(
        reverse("admin:agreements_agreementtemplate_add"),
        {
            "template_id": str(new_id),
            "agreement_type": AgreementType.MICROSOFT_CUSTOMER_AGREEMENT,
            "agreement_link": "https://aka.ms/customeragreement",
            "version_rank": "1",
            "published_on": "2025-01-01",
        },
    )
    assert response.status_code == 302
    assert template_latest_mca().template_id == new_id
    template = AgreementTemplate.objects.get(template_id=new_id)
    change = reverse("admin:agreements_agreementtemplate_change", args=[template.pk])
    assert client.post(change, {"version_rank": "9"}).status_code == 403


def _template_post(**changes):
    return {
        "template_id": str(uuid.uuid4()),
        "agreement_type": AgreementType.MICROSOFT_CUSTOMER_AGREEMENT,
        "agreement_link": "https://aka.ms/customeragreement",
        "version_rank": "1",
        "published_on": "2025-01-01",
        **changes,
    }


def test_r7_admin_neither_offers_nor_adds_a_template_of_the_retired_cloud_agreement(client, staff_user):
    client.force_login(staff_user)
    url = reverse("admin:agreements_agreementtemplate_add")
    offered = client.get(url).context["adminform"].form.fields["agreement_type"].choices
    assert [value for value, _label in offered if value] == [AgreementType.MICROSOFT_CUSTOMER_AGREEMENT]

    response = client.post(url, _template_post(agreement_type=AgreementType.MICROSOFT_CLOUD_AGREEMENT))

    assert response.status_code == 200
    assert "agreement_type" in response.context["adminform"].form.errors
    assert (
        AgreementTemplate.objects.filter(agreement_type=AgreementType.MICROSOFT_CLOUD_AGREEMENT).count() == 1
    )


def test_r7_a_new_template_of_the_retired_cloud_agreement_is_refused_whoever_adds_it():
    # The rule is the template's (AgreementTemplate.clean), not only the admin form's.
    retired = AgreementTemplateFactory.build(agreement_type=AgreementType.MICROSOFT_CLOUD_AGREEMENT)
    with pytest.raises(ValidationError) as refused:
        retired.full_clean()
    (error,) = refused.value.error_dict["agreement_type"]
    assert error.code == "retired_type"
    assert error.messages == [
        "The Microsoft Cloud Agreement is retired: "
        "a new template must be of the Microsoft Customer Agreement."
    ]
    # The seeded one stays valid, and so do the confirmations that refer to it (R5).
    AgreementTemplate.objects.get(template_id=CLOUD_AGREEMENT_TEMPLATE_ID).full_clean()


def test_r5_r7_stored_templates_cannot_be_changed_or_deleted_in_the_admin(client, staff_user, partner):
    confirmation = confirmed_customer(partner=partner).current_confirmation
    template = confirmation.template
    client.force_login(staff_user)
    change = reverse("admin:agreements_agreementtemplate_change", args=[template.pk])
    assert client.get(change).status_code == 200  # shown
    assert client.post(change, _template_post(version_rank="7")).status_code == 403
    delete = reverse("admin:agreements_agreementtemplate_delete", args=[template.pk])
    assert client.post(delete, {"post": "yes"}).status_code == 403
    changelist = client.get(reverse("admin:agreements_agreementtemplate_changelist"))
    assert "delete_selected" not in changelist.text
    stored = AgreementTemplate.objects.get(pk=template.pk)
    assert (stored.template_id, stored.version_rank) == (template.template_id, template.version_rank)


def test_f4_customer_admin_changelist_query_budget_is_the_same_for_1_and_30_customers(
    client, staff_user, partner
):
    client.force_login(staff_user)
    url = reverse("admin:customers_customer_changelist")
    confirmed_customer(partner=partner)
    client.get(url)
    with CaptureQueriesContext(connection) as one:
        assert client.get(url).status_code == 200
    for _ in range(29):
        confirmed_customer(partner=partner)
    with CaptureQueriesContext(connection) as thirty:
        client.get(url)
    assert len(one) == len(thirty)


def test_f4_customer_admin_searches_by_tenant_id_and_filters_by_status(client, staff_user, partner):
    required = CustomerFactory(partner=partner, company_name="Required One")
    confirmed = confirmed_customer(partner=partner, company_name="Confirmed One")
    client.force_login(staff_user)
    url = reverse("admin:customers_customer_changelist")
    found = client.get(url, {"q": str(required.tenant_id)}).context["cl"].result_list
    assert list(found) == [required]
    # Its beginning too, as the partners' list finds it.
    found = client.get(url, {"q": str(required.tenant_id)[:13]}).context["cl"].result_list
    assert list(found) == [required]
    assert list(client.get(url, {"q": "Confirmed"}).context["cl"].result_list) == [confirmed]
    assert list(client.get(url, {"agreement_status": "confirmed"}).context["cl"].result_list) == [confirmed]
    assert client.get(reverse("admin:customers_customer_add")).status_code == 403


def _admin_form(customer, **changes):
    data = {
        "company_name": customer.company_name,
        "email": customer.email,
        "culture": customer.culture,
        "language": customer.language,
        "address_line1": customer.address_line1,
        "address_line2": "",
        "city": customer.city,
        "state": "",
        "postal_code": "",
        "country": customer.country.code,
        "contact_first_name": customer.contact_first_name,
        "contact_last_name": customer.contact_last_name,
        "contact_email": customer.contact_email,
        "contact_phone": "",
        "confirmations-TOTAL_FORMS": "0",
        "confirmations-INITIAL_FORMS": "0",
    }
    data.update(changes)
    return data


def test_r13_customer_admin_edit_goes_through_customer_update_and_keeps_history(client, staff_user, partner):
    customer = CustomerFactory(partner=partner, country="US")
    client.force_login(staff_user)
    url = reverse("admin:customers_customer_change", args=[customer.pk])
    response = client.post(url, _admin_form(customer, city="Redmond", contact_phone="(425) 555-0100"))
    assert response.status_code == 302, response.context["adminform"].form.errors
    customer.refresh_from_db()
    assert customer.city == "Redmond"
    assert str(customer.contact_phone) == "+14255550100"
    assert customer.history.first().history_user == staff_user


def test_r13_reverting_a_customer_to_an_older_version_restores_its_details_through_customer_update(
    client, staff_user, partner
):
    # Revert said "changed successfully" and changed nothing: the revert form starts from the
    # old version, so nothing in it had changed.
    customer = confirmed_customer(partner=partner, country="US", city="Seattle", company_name="Adatum")
    client.force_login(staff_user)
    change = reverse("admin:customers_customer_change", args=[customer.pk])
    client.post(change, _admin_form(customer, city="Redmond", company_name="Adatum Corporation"))
    older = customer.history.order_by("history_date", "history_id").first()
    # A newer confirmation since that version: the revert must not bring back the older one (R5).
    stored = Customer.objects.get(pk=customer.pk)
    stored.current_confirmation = ConfirmationFactory(customer=stored)
    stored.save(update_fields=["current_confirmation"])
    url = reverse("admin:customers_customer_simple_history", args=[customer.pk, older.history_id])
    form = client.get(url).context["adminform"].form
    assert form.initial["city"] == "Seattle"

    response = client.post(url, _admin_form(customer, city="Seattle"))

    assert response.status_code == 302, response.context["adminform"].form.errors
    reverted = Customer.objects.get(pk=customer.pk)
    assert (reverted.city, reverted.company_name) == ("Seattle", "Adatum")
    assert reverted.current_confirmation_id == stored.current_confirmation_id  # R5: the newest, kept
    newest = reverted.history.order_by("-history_date", "-history_id").first()
    assert (newest.history_user, newest.updated_channel) == (staff_user, "admin")


def test_r1_r5_customer_admin_refuses_a_phone_of_another_country_and_cannot_set_the_confirmation(
    client, staff_user, partner
):
    customer = CustomerFactory(partner=partner, country="US")
    other = confirmed_customer(partner=partner).current_confirmation
    client.force_login(staff_user)
    url = reverse("admin:customers_customer_change", args=[customer.pk])
    response = client.post(
        url, _admin_form(customer, contact_phone="+49 30 901820", current_confirmation=str(other.pk))
    )
    assert response.status_code == 200
    customer.refresh_from_db()
    assert customer.contact_phone == ""
    client.post(url, _admin_form(customer, current_confirmation=str(other.pk)))
    assert Customer.objects.get(pk=customer.pk).current_confirmation_id is None
    assert "current_confirmation" not in response.context["adminform"].form.fields


def test_r13_customer_update_records_who_and_channel(client, admin_agent, staff_user, partner):
    """An edit in the browser and one in the Django admin each record who and through which channel."""
    from customers.forms import CustomerDetailsForm

    customer = CustomerFactory(partner=partner, country="US")
    client.force_login(admin_agent)
    data = {**CustomerDetailsForm.initial_from(customer), "city": "Redmond"}
    data = {name: "" if value is None else value for name, value in data.items()}
    response = client.post(reverse("customers:edit", kwargs={"tenant_id": customer.tenant_id}), data)
    assert response.status_code == 302
    customer.refresh_from_db()
    assert (customer.updated_by, customer.updated_channel) == (admin_agent, "web")
    web = customer.history.order_by("-history_date", "-history_id").first()
    assert (web.history_user, web.updated_channel, web.city) == (admin_agent, "web", "Redmond")

    client.force_login(staff_user)
    url = reverse("admin:customers_customer_change", args=[customer.pk])
    assert client.post(url, _admin_form(customer, city="Bellevue")).status_code == 302
    customer.refresh_from_db()
    assert (customer.updated_by, customer.updated_channel) == (staff_user, "admin")
    admin_entry = customer.history.order_by("-history_date", "-history_id").first()
    assert (admin_entry.history_user, admin_entry.updated_channel) == (staff_user, "admin")
    assert customer.history.filter(updated_channel="web").exists()


def test_r7_admin_refuses_a_template_published_after_today(client, staff_user):
    client.force_login(staff_user)
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    response = client.post(
        reverse("admin:agreements_agreementtemplate_add"),
        {
            "template_id": str(uuid.uuid4()),
            "agreement_type": AgreementType.MICROSOFT_CUSTOMER_AGREEMENT,
            "agreement_link": "https://aka.ms/customeragreement",
            "version_rank": "1",
            "published_on": tomorrow.isoformat(),
        },
    )
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert "The publication date cannot be later than today" in errors["published_on"][0]
    assert AgreementTemplate.objects.count() == 2  # the seeded MCA and Cloud Agreement only


def test_r7_r2_a_template_published_after_today_is_not_the_one_the_ui_confirms(staff_user):
    current = template_latest_mca()
    AgreementTemplateFactory(
        version_rank=current.version_rank + 1,
        published_on=timezone.localdate() + datetime.timedelta(days=30),
    )
    assert template_latest_mca() == current


def _inline_post(customer, formset, **changes):
    """The change form as the browser posts it, with the rows the read-only inline showed."""
    data = _admin_form(customer, **changes)
    data["confirmations-TOTAL_FORMS"] = data["confirmations-INITIAL_FORMS"] = str(len(formset.forms))
    for index, form in enumerate(formset.forms):
        data[f"confirmations-{index}-id"] = str(form.instance.pk)
        data[f"confirmations-{index}-customer"] = str(customer.pk)
    return data


def test_f4_r5_customer_admin_lists_the_newest_25_confirmations_and_links_to_all(client, staff_user, partner):
    """Issue 6: a customer confirmed again and again by a script does not make its admin page grow."""
    customer = confirmed_customer(partner=partner, country="US")
    confirmations = [customer.current_confirmation]
    confirmations += [ConfirmationFactory(customer=customer) for _ in range(PER_PAGE + 4)]
    ConfirmationFactory(customer=confirmed_customer(partner=partner))  # another customer's
    client.force_login(staff_user)

    response = client.get(reverse("admin:customers_customer_change", args=[customer.pk]))

    (inline,) = response.context["inline_admin_formsets"]
    shown = [form.instance for form in inline.formset.forms]
    newest_first = sorted(confirmations, key=lambda c: (c.recorded_at, c.pk), reverse=True)
    assert shown == newest_first[:PER_PAGE]
    assert f"{PER_PAGE + 5} confirmations; the newest {PER_PAGE} are listed below." in response.text
    link = reverse("admin:agreements_confirmation_changelist") + f"?customer__id__exact={customer.pk}"
    assert f'href="{link}"' in response.text
    changelist = client.get(link).context["cl"]
    assert set(changelist.queryset) == set(confirmations)


def test_f4_customer_admin_confirmation_summary_for_few_and_none(client, staff_user, partner):
    client.force_login(staff_user)
    confirmed = confirmed_customer(partner=partner)
    response = client.get(reverse("admin:customers_customer_change", args=[confirmed.pk]))
    assert "1 confirmation, listed below." in response.text
    assert len(response.context["inline_admin_formsets"][0].formset.forms) == 1
    required = CustomerFactory(partner=partner)
    response = client.get(reverse("admin:customers_customer_change", args=[required.pk]))
    assert "listed below" not in response.text
    assert response.context["inline_admin_formsets"][0].formset.forms == []


def test_r5_r13_customer_admin_saves_details_when_a_confirmation_arrived_after_the_page_was_shown(
    client, staff_user, partner
):
    """The rows posted back are no longer the newest page; the edit still saves and no row changes."""
    customer = confirmed_customer(partner=partner, country="US")
    for _ in range(PER_PAGE + 4):
        ConfirmationFactory(customer=customer)
    client.force_login(staff_user)
    url = reverse("admin:customers_customer_change", args=[customer.pk])
    formset = client.get(url).context["inline_admin_formsets"][0].formset
    ConfirmationFactory(customer=customer, first_name="Newer")
    stored = Confirmation.objects.filter(customer=customer).order_by("pk").values_list("pk", "email")
    before = list(stored)

    response = client.post(url, _inline_post(customer, formset, city="Redmond"))

    assert response.status_code == 302
    assert Customer.objects.get(pk=customer.pk).city == "Redmond"
    assert list(stored.all()) == before


@pytest.mark.parametrize("model", list(site._registry), ids=lambda model: model._meta.label)
def test_r16_every_admin_form_label_starts_with_a_capital_as_djangos_own_do(rf, staff_user, model):
    """A label given by hand is not capitalised by Django; one ("phone number") was not."""
    model_admin = site._registry[model]
    request = rf.get("/admin/")
    request.user = staff_user
    form = model_admin.get_form(request, obj=None)
    labels = [str(field.label) for field in form.base_fields.values() if field.label]
    assert [label for label in labels if label[0].islower()] == []


@pytest.mark.parametrize(
    "language, shown", [("en", "Jan. 2, 2026, 11:04 a.m. CST"), ("zh-hans", "2026年1月2日 11:04 CST")]
)
def test_r13_the_admin_names_the_zone_of_every_time_it_shows(client, staff_user, partner, language, shown):
    # It showed "Jan. 2, 2026, 11:04 a.m.": in the staff member's zone, but not saying which.
    staff_user.time_zone = "Asia/Shanghai"
    staff_user.save(update_fields=["time_zone"])
    confirmation = ConfirmationFactory(
        customer__partner=partner, recorded_at=datetime.datetime(2026, 1, 2, 3, 4, tzinfo=datetime.UTC)
    )
    client.force_login(staff_user)
    client.cookies["django_language"] = language

    page = client.get(reverse("admin:agreements_confirmation_change", args=[confirmation.pk]))

    assert shown in page.content.decode()
