"""How people's names are written (R1: names in any script)."""

import unicodedata

from django import template

register = template.Library()

# Scripts whose names put the family name first, written without a space: 张伟, 山田太郎, 김민준.
_FAMILY_NAME_FIRST = (
    "CJK UNIFIED IDEOGRAPH",
    "CJK COMPATIBILITY IDEOGRAPH",
    "IDEOGRAPHIC ITERATION MARK",  # 々, as in 佐々木
    "HIRAGANA",
    "KATAKANA",
    "HANGUL",
)


@register.simple_tag
def full_name(first_name: str, last_name: str) -> str:
    """The whole name in its script's order: "张伟" for 伟 and 张, "Ann Other" for Ann and Other."""
    first, last = (first_name or "").strip(), (last_name or "").strip()
    if first and last and all(_family_name_first(character) for character in first + last):
        return f"{last}{first}"
    return " ".join(part for part in (first, last) if part)


def _family_name_first(character: str) -> bool:
    return unicodedata.name(character, "").startswith(_FAMILY_NAME_FIRST)


@register.simple_tag
def user_name(user) -> str:
    """Who recorded or placed something, as the portal shows people: the full name, else the username."""
    if user is None:
        return "—"
    return full_name(user.first_name, user.last_name) or user.get_username()
