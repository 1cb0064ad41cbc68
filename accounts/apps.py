from django.apps import AppConfig
from django.contrib.auth.signals import user_logged_out
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = _("Accounts")

    def ready(self):
        user_logged_out.connect(forget_unshown_messages, dispatch_uid="accounts.forget_unshown_messages")


def forget_unshown_messages(sender, request, **kwargs):
    """Sign-out discards messages not shown yet: they travel in a cookie the session flush misses."""
    storage = getattr(request, "_messages", None)
    if storage is not None:
        for _message in storage:
            pass  # iterating marks them used; the middleware then deletes the cookie
