"""Glue between forms and services: the service decides, the form shows where."""
import uuid

from django import forms
from django.core.exceptions import ValidationError


def add_service_errors(form: forms.Form, exc: ValidationError, field_map: dict[str, str] | None = None) -> None:
    """Put a service's ValidationError next to the fields it names (R14).

    field_map renames service fields to form fields; errors on fields the form
    does not have go to the top of the form.
    """
    field_map = field_map or {}
    if not hasattr(exc, "error_dict"):
        form.add_error(None, exc)
        return
    for field, errors in exc.error_dict.items():
        name = field_map.get(field, field)
        form.add_error(name if name in form.fields else None, errors)


class IdempotencyKeyField(forms.UUIDField):
    """A hidden per-rendering key: the same submission posted twice is stored once (R15)."""

    widget = forms.HiddenInput

    def __init__(self, **kwargs):
        kwargs.setdefault("initial", uuid.uuid4)
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)
