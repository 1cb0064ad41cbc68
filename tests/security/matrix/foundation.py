"""Foundation URLs: home, health check, sign-in, language, admin, API docs."""

from tests.security.matrix import Row, everyone, signed_in

ROWS = [
    Row("home", "GET", signed_in(200)),
    # A page is read with GET (or HEAD) only: TRACE is no way to read it (R14).
    Row("home", "TRACE", signed_in(405)),
    Row("healthz", "GET", everyone(200)),
    Row("healthz", "HEAD", everyone(200)),
    Row("healthz", "POST", everyone(405)),
    # Browsers ask for /favicon.ico before anyone signs in: a permanent redirect to the icon.
    Row("favicon", "GET", everyone(301)),
    Row("favicon", "POST", everyone(405)),
    # Signed-in users are sent on from the sign-in page.
    Row("login", "GET", everyone(302, anonymous=200)),
    Row("logout", "POST", everyone(302)),
    Row("logout", "GET", everyone(200, anonymous=302)),
    Row("password_change", "GET", signed_in(200)),
    Row("password_change_done", "GET", signed_in(200)),
    Row("set_language", "POST", everyone(302), data=lambda w: {"language": "zh-hans", "next": "/"}),
    Row("admin:index", "GET", everyone(302, staff=200)),
    # The admin's "View on site" shortcut is not offered: a 404 even for staff (R12).
    Row("admin-view-on-site", "GET", signed_in(404), kwargs=lambda w: {"rest": f"9/{w.customer.pk}/"}),
    Row("api-schema", "GET", everyone(200)),
    Row("api-schema", "OPTIONS", everyone(200)),
    Row("api-docs", "GET", everyone(200)),
    Row("api-docs", "OPTIONS", everyone(405)),
]
