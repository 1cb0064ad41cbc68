"""Other projects' apps as Accord configures them.

Two under names staff can read, in their language (R16): the admin heads their models with
the app's verbose name, which would be "Axes" and "Knox", untranslated. The admin itself on
Accord's site. Here, not in an app's apps.py: a second AppConfig there would stop Django from
choosing that app's own config automatically.
"""

from axes.apps import AppConfig as AxesAppConfig
from django.apps import AppConfig
from django.contrib.admin.apps import AdminConfig as DjangoAdminConfig
from django.utils.translation import gettext_lazy as _


class AxesConfig(AxesAppConfig):
    verbose_name = _("Sign-in lockouts")


class KnoxConfig(AppConfig):
    name = "knox"
    verbose_name = _("API tokens")

    def ready(self):
        # knox names its model "auth token", in English only, which the user and group forms'
        # permission lists show ("Can view auth token").
        token = self.get_model("AuthToken")
        token._meta.verbose_name = _("API token")
        token._meta.verbose_name_plural = _("API tokens")

class AdminConfig(DjangoAdminConfig):
    default_site = "portal.admin.AccordAdminSite"
