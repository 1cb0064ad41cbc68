"""Other projects' apps as Accord configures them; django-axes' rows under names staff can read.

Two under names staff can read, in their language (R16): the admin heads their models with
the app's verbose name, which would be "Axes" and "Knox", untranslated. The admin itself on
Accord's site. Here, not in an app's apps.py: a second AppConfig there would stop Django from
choosing that app's own config automatically.
"""

from axes.apps import AppConfig as AxesAppConfig
from django.apps import AppConfig
from django.contrib.admin.apps import AdminConfig as DjangoAdminConfig
from django.utils import timezone
from django.utils.formats import localize
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _


class AxesConfig(AxesAppConfig):
    verbose_name = _("Sign-in lockouts")

    def ready(self):
        super().ready()
        # django-axes names its rows in English ("Attempted Access: 2026-11-25 10:00:00+00:00")
        # and the admin shows that name in titles, breadcrumbs, delete confirmations and messages.
        self.get_model("AccessAttempt").__str__ = _access_attempt_str
        self.get_model("AccessLog").__str__ = _access_log_str
        self.get_model("AccessFailureLog").__str__ = _access_failure_str


def _local_time(value) -> str:
    return localize(timezone.localtime(value)) if value is not None else "-"


def _access_attempt_str(attempt) -> str:
    return gettext("Access attempt by %(username)s at %(time)s") % {
        "username": attempt.username or "-",
        "time": _local_time(attempt.attempt_time),
    }


def _access_log_str(log) -> str:
    return gettext("Access log of %(username)s at %(time)s") % {
        "username": log.username or "-",
        "time": _local_time(log.attempt_time),
    }


def _access_failure_str(failure) -> str:
    if failure.locked_out:
        text = gettext("Failed access by %(username)s at %(time)s from %(ip)s, locked out")
    else:
        text = gettext("Failed access by %(username)s at %(time)s from %(ip)s")
    return text % {
        "username": failure.username or "-",
        "time": _local_time(failure.attempt_time),
        "ip": failure.ip_address or "-",
    }


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
