"""Strings of third-party apps translated in Accord's own catalogue (R16).

django-axes (sign-in lockouts, in the admin) has no zh_Hans catalogue, Django's Chinese
says 帐号 in a few places where the portal says 账户 or 账号 (账, the standard form, is
Accord's word), and newer strings of Django and django-simple-history are not in their
Chinese catalogues yet. Django looks a message up in the project's catalogue first
(LOCALE_PATHS before any app's), whatever app asks, but `makemessages` keeps only what the
project's source marks: so they are marked here, exactly as the apps write them. Nothing
imports this module.
"""

from django.utils.translation import gettext_noop

AXES = [
    gettext_noop("access attempt"),
    gettext_noop("access attempts"),
    gettext_noop("access failure"),
    gettext_noop("access failures"),
    gettext_noop("access log"),
    gettext_noop("access logs"),
    gettext_noop("access attempt expiration"),
    gettext_noop("access attempt expirations"),
    gettext_noop("Access Attempt"),
    gettext_noop("Access lock out"),
    gettext_noop("Attempt Remaining"),
    gettext_noop("Attempt Time"),
    gettext_noop("Clean up expired attempts"),
    gettext_noop("Expires At"),
    gettext_noop("Failed Logins"),
    gettext_noop("Form Data"),
    gettext_noop("GET Data"),
    gettext_noop("HTTP Accept"),
    gettext_noop("IP Address"),
    gettext_noop("Locked Out"),
    gettext_noop("Logout Time"),
    gettext_noop("Meta Data"),
    gettext_noop("Not set"),
    gettext_noop("POST Data"),
    gettext_noop("Path"),
    gettext_noop("Session key hash (sha256)"),
    gettext_noop("The time when access attempt expires and is no longer valid."),
    gettext_noop("User Agent"),
]

# Django's admin and auth, worded with the portal's 账户 (and full-width punctuation): Django's
# Chinese says 帐号 in some of them.
DJANGO_ADMIN = [
    gettext_noop(
        "Please enter the correct %(username)s and password for a staff account. Note "
        "that both fields may be case-sensitive."
    ),
    gettext_noop(
        "Deleting the selected %(objects_name)s would result in deleting related "
        "objects, but your account doesn't have permission to delete the following "
        "types of objects:"
    ),
    gettext_noop(
        "You are authenticated as %(username)s, but are not authorized to access this "
        "page. Would you like to login to a different account?"
    ),
    gettext_noop(
        "Deleting the %(object_name)s '%(escaped_object)s' would result in deleting related "
        "objects, but your account doesn't have permission to delete the following types of "
        "objects:"
    ),
    gettext_noop("This account is inactive."),
    gettext_noop(
        "Designates whether this user should be treated as active. Unselect this instead of "
        "deleting accounts."
    ),
    # New in Django 5.1; its catalogue has no Chinese for them yet. The index's table heads
    # are hidden from sight but read out by screen readers.
    gettext_noop("Model name"),
    gettext_noop("Add link"),
    gettext_noop("Change or view list link"),
    gettext_noop("After you’ve created a user, you’ll be able to edit more user options."),
]

# django-simple-history's history list; its Chinese catalogue lacks the newer column.
SIMPLE_HISTORY = [
    gettext_noop("Changes"),
]
