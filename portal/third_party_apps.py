"""Two third-party apps under names staff can read, in their language (R16).

The admin heads their models with the app's verbose name, which would be "Axes" and
"Knox", untranslated. Here, not in an app's apps.py: a second AppConfig there would stop
Django from choosing that app's own config automatically.
"""

from axes.apps import AppConfig as AxesAppConfig
from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AxesConfig(AxesAppConfig):
    verbose_name = _("Sign-in lockouts")


class KnoxConfig(AppConfig):
    name = "knox"
    verbose_name = _("API tokens")
