"""The customer forms' country select: Django's markup, written faster (issue 6), keeping the choice (R14)."""

import re

import pytest
from django.forms import Select
from django.urls import reverse
from django.utils import translation
from django.utils.safestring import mark_safe
from django_countries.widgets import LazySelect

from customers.forms import CountrySelect, CustomerDetailsForm
from tests.factories import CustomerFactory

pytestmark = pytest.mark.django_db


def _tags(html) -> str:
    """The markup without the whitespace Django's templates put between the options."""
    return re.sub(r">\s+<", "><", str(html)).strip()


def _select(page: str) -> str:
    (select,) = re.findall(r'<select name="country".*?</select>', page, flags=re.S)
    return _tags(select)


@pytest.mark.parametrize("language", ["en", "zh-hans"])
@pytest.mark.parametrize("value", [None, "", "DE", ["CN"], "XX", '"><script>'])
@pytest.mark.parametrize(
    "attrs",
    [
        {},
        {"id": "id_country", "class": "is-invalid", "required": True, "data-x": '"<&', "y": False},
    ],
)
def test_r16_country_select_writes_the_markup_of_djangos_select(language, value, attrs):
    choices = CustomerDetailsForm.base_fields["country"].choices
    with translation.override(language):
        django_markup = LazySelect(choices=choices).render("country", value, attrs)
        ours = CountrySelect(choices=choices).render("country", value, attrs)
    assert _tags(ours) == _tags(django_markup)


def test_r14_f1_form_with_errors_keeps_the_chosen_country(client, sales_agent):
    client.force_login(sales_agent)
    response = client.post(reverse("customers:new"), {"company_name": "Fourth Coffee", "country": "DE"})
    assert response.status_code == 200
    select = _select(response.text)
    assert select.count(" selected") == 1
    assert '<option value="DE" selected>Germany</option>' in select


def test_f1_new_customer_form_offers_every_country_translated(client, sales_agent):
    client.force_login(sales_agent)
    select = _select(client.get(reverse("customers:new"), HTTP_ACCEPT_LANGUAGE="zh-hans").text)
    assert '<option value="" selected>---------</option>' in select
    assert '<option value="DE">德国</option>' in select
    assert select.count("<option ") == len(list(CustomerDetailsForm.base_fields["country"].choices))


@pytest.mark.parametrize(
    "language, nauru, bahamas", [("en", "Nauru", "Bahamas"), ("zh-hans", "瑙鲁", "巴哈马")]
)
def test_r16_f1_countries_are_named_as_people_call_them(client, sales_agent, language, nauru, bahamas):
    # django-countries' English data names them Naoero and Bahamas (The).
    client.force_login(sales_agent)
    select = _select(client.get(reverse("customers:new"), HTTP_ACCEPT_LANGUAGE=language).text)
    assert f'<option value="NR">{nauru}</option>' in select
    assert f'<option value="BS">{bahamas}</option>' in select


def test_f4_edit_form_and_admin_show_the_customers_country_selected(client, admin_agent, staff_user, partner):
    customer = CustomerFactory(partner=partner, country="JP")
    client.force_login(admin_agent)
    edit = _select(client.get(reverse("customers:edit", kwargs={"tenant_id": customer.tenant_id})).text)
    client.force_login(staff_user)
    admin = _select(client.get(reverse("admin:customers_customer_change", args=[customer.pk])).text)
    for select in (edit, admin):
        assert select.count(" selected") == 1
        assert '<option value="JP" selected>Japan</option>' in select


@pytest.mark.parametrize("value", [None, "", "a", "None", "b"])
def test_r16_country_select_walks_any_choices_as_djangos_select_does(value):
    """Groups, an unnamed group, None and a label marked safe, though the country list has none."""
    choices = [
        ("", "---"),
        (None, "none"),
        ("Group", [("a", "A"), (None, "n")]),
        ("", [("b", "B & b")]),
        ("c", mark_safe("<b>C</b>")),
        ("a", "A again"),
    ]
    assert _tags(CountrySelect(choices=choices).render("x", value)) == _tags(
        Select(choices=choices).render("x", value)
    )
