"""What real users and attackers type (R14): the corpus every form, service and API body gets.

Each value is something a person could paste; the product must answer with a
clear field error or store exactly what was typed (after trimming) and render it
escaped.
"""

import os

from hypothesis import HealthCheck, settings

HOSTILE = {
    "very_long": "x" * 5000,
    "long_cjk": "张" * 300,
    "nul": "Ada\x00Lovelace",
    "control_characters": "a\x01\x07\x08\x1b[31mred\x7fb",
    "header_injection": "Ada\r\nSet-Cookie: sessionid=stolen",
    "right_to_left_override": "\u202egnp.exe",
    "arabic": "مرحبا بالعالم",
    "combining_zalgo": "Z\u0351\u0363\u036aa\u0334\u0321l\u0338go",
    "zero_width": "A\u200bd\u200da\ufeff",
    "emoji": "👩‍💻 Ada 🏳️‍🌈🇨🇳",
    "sql_injection": "'; DROP TABLE customers_customer; --",
    "sql_boolean": '" OR 1=1 --',
    "html_script": "<script>alert(1)</script>",
    "html_attribute": '"><img src=x onerror=alert(1)>',
    "javascript_url": "javascript:alert(document.cookie)",
    "template_syntax": "{{ 7|add:7 }}{% csrf_token %}",
    "template_secret": "{{ request.user.password }}{{ settings.SECRET_KEY }}",
    "format_string": "%(name)s %s {0} %n",
    "padded_whitespace": "  \t Ólafsdóttir \u3000 ",
    "apostrophe": "O'Brien",
}

# Every hostile value except NUL, which PostgreSQL cannot store (tested on its own).
# The free text an agent types for a customer, with its limit: any script is accepted within it (R1).
CUSTOMER_TEXT_LIMITS = {
    "company_name": 200,
    "address_line1": 200,
    "address_line2": 200,
    "city": 100,
    "state": 100,
    "postal_code": 20,
    "contact_first_name": 50,
    "contact_last_name": 50,
}

HOSTILE_STORABLE = {name: value for name, value in HOSTILE.items() if name != "nul"}

HOSTILE_QUANTITIES = ["-1", "0", "1.5", "1e3", "99999999999999999999999", "NaN", "", " ", "٣", "3 ", "0x10"]

# Fast enough for every run (the whole folder well under a minute);
# HARDENING_EXAMPLES=500 explores further before a release.
PROPERTY = settings(
    max_examples=int(os.environ.get("HARDENING_EXAMPLES", "25")),
    deadline=None,
    derandomize=not os.environ.get("HARDENING_RANDOM"),
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
settings.register_profile("hardening", PROPERTY)


def escaped(value: str) -> str:
    """How Django's autoescape writes a value into HTML."""
    from django.utils.html import escape

    return str(escape(value))
