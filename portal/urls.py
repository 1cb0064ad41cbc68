"""Root URL configuration. Paths are stable (PRODUCT §5)."""

from django.contrib import admin
from django.contrib.auth.decorators import login_not_required
from django.urls import include, path
from django.utils.translation import gettext_lazy as _
from django.views.i18n import set_language

from portal import views

# The admin is Accord's, in the user's language (R16), not "Django administration".
admin.site.site_header = _("Accord administration")
admin.site.site_title = _("Accord administration")
admin.site.index_title = _("Portal records")

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("favicon.ico", views.favicon, name="favicon"),
    # R16: the language switch works before signing in too.
    path("i18n/setlang/", login_not_required(set_language), name="set_language"),
    path("accounts/", include("accounts.urls")),
    path("customers/", include("customers.urls")),
    path("customers/", include("agreements.urls")),
    path("customers/", include("orders.urls")),
    # The admin's "View on site" shortcut told any staff member, whatever their permissions, the
    # address of any object: a customer's tenant id. Its pages are the partners' (a 404 for
    # staff), so it is not offered.
    path("admin/r/<path:rest>", views.not_offered, name="admin-view-on-site"),
    path("admin/", admin.site.urls),
    path("", include("portal.api_urls")),
]

handler403 = "portal.views.permission_denied"
handler404 = "portal.views.page_not_found"
handler500 = "portal.views.server_error"
