"""Who is acting and from where (R13): built once per request, passed to services."""

from dataclasses import dataclass

from django.conf import settings


@dataclass(frozen=True)
class Actor:
    user: "settings.AUTH_USER_MODEL"
    client_ip: str | None = None
    user_agent: str = ""


def actor_from_request(request) -> Actor:
    """Describe the request's user, address and browser for the audit fields."""
    return Actor(
        user=request.user,
        client_ip=request.META.get("REMOTE_ADDR") or None,
        user_agent=(request.META.get("HTTP_USER_AGENT") or "")[:512],
    )
