"""Customer and agreement screens (F1, F2, F4)."""

from tests.security.matrix import Row, signed_in

ROWS = [
    Row("customers:list", "GET", signed_in(200)),
]
