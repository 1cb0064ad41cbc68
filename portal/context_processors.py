"""Template context shared by every page."""

from django.conf import settings

from agreements.services import agreements_available


def portal(request):
    """Expose the cloud and environment (R10, R11) to templates."""
    return {
        "portal_cloud": settings.PORTAL_CLOUD,
        "portal_environment": settings.PORTAL_ENVIRONMENT,
        "is_sandbox": settings.PORTAL_ENVIRONMENT == "sandbox",
        "agreements_available": agreements_available(),
    }
