from django.apps import AppConfig
from django.contrib import messages
from django.contrib.auth.signals import user_logged_out
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = _("Accounts")

    def ready(self):
        from accounts import auth_names  # it imports auth's models, not loaded when this module is

        auth_names.install(self.get_model("User"))
        user_logged_out.connect(forget_unshown_messages, dispatch_uid="accounts.forget_unshown_messages")
        user_logged_out.connect(say_signed_out, dispatch_uid="accounts.say_signed_out")


def forget_unshown_messages(sender, request, **kwargs):
    """Sign-out discards messages not shown yet: they travel in a cookie the session flush misses."""
    storage = getattr(request, "_messages", None)
    if storage is not None:
        for _message in storage:
            pass  # iterating marks them used; the middleware then deletes the cookie


def say_signed_out(sender, request, **kwargs):
    """The sign-in page after signing out says so; a shared computer's next user sees it was done."""
    if hasattr(request, "_messages"):
        messages.info(request, _("You have signed out."))
