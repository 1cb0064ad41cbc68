"""Glue between forms and services: the service decides, the form shows where."""

import uuid

from crispy_forms.helper import FormHelper
from django import forms
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.utils.translation import gettext_lazy as _

from portal.once import SUBMISSION_REUSED

EXPIRED_FORM_MESSAGE = _("This form has expired or was changed; reload the page and submit again.")


def add_service_errors(
    form: forms.Form,
    exc: ValidationError,
    field_map: dict[str, str] | None = None,
    *,
    only: set[str] | None = None,
) -> None:
    """Put a service's ValidationError next to the fields it names (R14).

    field_map renames service fields to form fields; errors on fields the form
    does not have go to the top of the form. A message the field already shows
    is not repeated (two services may find the same fault in one field).
    With `only` (service field names), just the errors about those fields: a form
    with errors of its own has the rules judge the fields that did clean.
    """
    field_map = field_map or {}
    if not hasattr(exc, "error_dict"):
        if only is None:
            form.add_error(None, exc)
        return
    for field, errors in exc.error_dict.items():
        if only is not None and field not in only:
            continue
        name = field_map.get(field, field)
        name = name if name in form.fields else None
        shown = set(form.errors.get(name or NON_FIELD_ERRORS, []))
        new = [error for error in errors if not shown.intersection(error.messages)]
        if new:
            form.add_error(name, new)


# R16: a form shown with errors, then the language switched: portal.js posts what was typed again
# with this name, for the errors in the new language. The view judges and records nothing.
REVALIDATE = "revalidate"


def is_revalidation(request) -> bool:
    """Whether this POST asks only for its errors again (a language switch), never to record."""
    return request.method == "POST" and REVALIDATE in request.POST


def fields_refused_with(exc: ValidationError, code: str) -> set[str]:
    """The fields a service's ValidationError refuses with this code (NON_FIELD_ERRORS for the form)."""
    if hasattr(exc, "error_dict"):
        return {field for field, errors in exc.error_dict.items() if any(e.code == code for e in errors)}
    return {NON_FIELD_ERRORS} if any(error.code == code for error in exc.error_list) else set()


def replace_posted(form: forms.Form, values: dict[str, object]) -> None:
    """Show the bound form again with these posted values instead (keys as posted, prefix included);
    its errors stay as judged."""
    form.data = form.data.copy()
    for name, value in values.items():
        form.data[name] = value


def renew_submission_key(form: forms.Form, exc: ValidationError) -> None:
    """After SubmissionReused (R15): the form, shown again as typed, gets a key of its own, so
    that submitting it again records what it holds now."""
    if fields_refused_with(exc, SUBMISSION_REUSED):
        replace_posted(form, {form.add_prefix("idempotency_key"): str(uuid.uuid4())})


class IdempotencyKeyField(forms.UUIDField):
    """A hidden per-rendering key: the same submission posted twice is stored once (R15)."""

    widget = forms.HiddenInput
    default_error_messages = {"invalid": EXPIRED_FORM_MESSAGE}

    def __init__(self, **kwargs):
        kwargs.setdefault("initial", uuid.uuid4)
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)


class PortalForm(forms.Form):
    """Base of the portal's forms: a crispy helper that renders fields only (the template owns
    the <form> tag and the CSRF token), and errors of hidden fields shown at the top (R14)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True

    def clean(self):
        cleaned = super().clean()
        # A hidden field has nowhere to show its error: the user would see only "correct the
        # errors below" with nothing below. Say it at the top instead.
        for name, field in self.fields.items():
            if field.widget.is_hidden and name in self._errors:
                errors = self._errors.pop(name)
                self.add_error(None, list(errors.as_data()))
        return cleaned
