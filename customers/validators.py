"""Input rules shared by customers and confirmations."""

import unicodedata

import phonenumbers
from django.core.exceptions import ValidationError
from django.core.validators import ProhibitNullCharactersValidator
from django.utils.translation import gettext_lazy as _
from django_countries import countries
from phonenumber_field.phonenumber import PhoneNumber
from phonenumbers import NumberParseException

from customers.models import DOMAIN_SUFFIX

# Characters that take no room, which a paste can carry at either end of a name.
_ZERO_WIDTH = "\u200b\u200c\u200d\u2060\ufeff"


def text_trim(value: str | None) -> str:
    """R1: the text without whitespace or zero-width characters at either end; blank when it
    shows nothing (blank when missing too).

    str.strip() keeps the zero-width space, joiners, word joiner and byte-order mark, so a
    name of only those passed as given and showed as nothing. Inside the text they stay (an
    emoji's joiners), as do direction marks around text that shows (Arabic, Hebrew).
    """
    text, previous = value or "", None
    while text != previous:
        previous, text = text, text.strip().strip(_ZERO_WIDTH)
    if all(character.isspace() or unicodedata.category(character) == "Cf" for character in text):
        return ""
    return text


def _country_name(country, region: str | None) -> str:
    """The country's name in the user's language, whether given as a Country or as its code."""
    return str(getattr(country, "name", "") or (countries.name(region) if region else "") or region or "")


def phone_normalize(*, raw: str | None, country, field: str) -> str:
    """Return the number in E.164, valid for the customer's country (R1); blank stays blank."""
    raw = (str(raw) if raw is not None else "").strip()
    if not raw:
        return ""
    region = getattr(country, "code", country) or None
    try:
        number = PhoneNumber.from_string(raw, region=region)
    except (NumberParseException, ValueError):
        number = None
    if number is None or not number.is_valid():
        raise ValidationError(
            {
                field: ValidationError(
                    _("Enter a valid phone number for %(country)s, for example %(example)s."),
                    code="invalid_phone",
                    params={"country": _country_name(country, region), "example": _example(region)},
                )
            }
        )
    if region and number.country_code != phonenumbers.country_code_for_region(region):
        raise ValidationError(
            {
                field: ValidationError(
                    _(
                        "This number belongs to another country. Enter a phone number for %(country)s, "
                        "for example %(example)s."
                    ),
                    code="phone_country",
                    params={"country": _country_name(country, region), "example": _example(region)},
                )
            }
        )
    return number.as_e164


def phone_display(*, raw: str | None, country) -> str:
    """The number as Account info will show it (+1 425-555-0100), or as typed if it is not valid."""
    try:
        stored = phone_normalize(raw=raw, country=country, field="phone")
    except ValidationError:
        return (raw or "").strip()
    return PhoneNumber.from_string(stored).as_international if stored else ""


def _example(region: str | None) -> str:
    if not region:
        return "+1 425 555 0100"
    example = phonenumbers.example_number(region)
    if example is None:
        return "+1 425 555 0100"
    return phonenumbers.format_number(example, phonenumbers.PhoneNumberFormat.INTERNATIONAL)


def refuse_nul(values: dict, errors: dict) -> None:
    """R14: PostgreSQL cannot store NUL in text; report it next to the field instead of failing on save."""
    for name, value in values.items():
        if isinstance(value, str):
            try:
                ProhibitNullCharactersValidator()(value)
            except ValidationError as exc:
                errors.setdefault(name, []).extend(exc.error_list)


def domain_normalize(raw: str | None) -> str:
    """Accept `prefix` or `prefix.onmicrosoft.com`, any case; return the full lower-case domain."""
    value = (raw or "").strip().lower()
    if value and "." not in value:
        value += DOMAIN_SUFFIX
    return value
