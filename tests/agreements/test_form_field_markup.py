"""F2, F3 (R14): the confirmation fields' markup is crispy-forms' own, rendered faster (issue 6).

`{% form_field %}` must give a person, a screen reader and the browser tests exactly
what `|as_crispy_field` gave: the same label, input, classes, ids, ARIA attributes,
error messages and help text, with and without errors.
"""

import re

import pytest
from django.template import Context, Template

from agreements.forms import ConfirmationForm

pytestmark = pytest.mark.django_db

FIELDS = ("first_name", "last_name", "email", "phone_number", "date_agreed")


def _squeeze(html: str) -> str:
    """The markup without the whitespace between tags and text, which crispy's templates leave."""
    html = re.sub(r"\s+", " ", html)
    return re.sub(r"\s*<\s*", "<", re.sub(r"\s*>\s*", ">", html)).strip()


def _both(form, name):
    ours = Template("{% load portal_forms %}{% form_field field %}").render(Context({"field": form[name]}))
    crispy = Template("{% load crispy_forms_filters %}{{ field|as_crispy_field }}").render(
        Context({"field": form[name]})
    )
    return _squeeze(ours), _squeeze(crispy)


@pytest.mark.parametrize("name", FIELDS)
def test_f2_unbound_field_markup_equals_crispy_forms(name, customer):
    form = ConfirmationForm(initial=ConfirmationForm.initial_for(customer))
    ours, crispy = _both(form, name)
    assert ours == crispy


@pytest.mark.parametrize("name", FIELDS)
def test_r14_field_markup_with_errors_equals_crispy_forms(name):
    form = ConfirmationForm(
        data={
            "first_name": "",
            "last_name": "x" * 60,
            "email": "bad",
            "phone_number": "<b>",
            "date_agreed": "soon",
        }
    )
    assert not form.is_valid()
    form.add_error("phone_number", "A second message for <the> same field.")
    ours, crispy = _both(form, name)
    assert ours == crispy
    assert "is-invalid" in ours and 'aria-invalid="true"' in ours


def test_f2_help_text_markup_equals_crispy_forms():
    form = ConfirmationForm()
    # Help text is the developer's markup, not escaped, as in Django's and crispy's templates.
    form.fields["email"].help_text = "We write to <em>this</em> address."
    ours, crispy = _both(form, "email")
    assert ours == crispy
    assert "<em>this</em>" in ours
