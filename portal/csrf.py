"""The CSRF failure page in the portal's look and the user's language."""

from django.shortcuts import render


def csrf_failure(request, reason=""):
    """Say in plain words that the form expired; Django's default page is bare English."""
    return render(request, "403_csrf.html", status=403)
