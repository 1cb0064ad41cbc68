"""Who is acting and from where (R13): built once per request, passed to services."""

import ipaddress
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
        client_ip=client_ip(request),
        user_agent=(request.META.get("HTTP_USER_AGENT") or "")[:512],
    )


def client_ip(request) -> str | None:
    """The client's address: REMOTE_ADDR, or behind PROXY_COUNT proxies the address the first one saw.

    Each proxy appends the address it received from to X-Forwarded-For, so with n proxies the
    client is the n-th entry from the right (what werkzeug's ProxyFix reads); entries further
    left are the client's own claims and never believed. Sign-in lockouts use it too (axes'
    AXES_CLIENT_IP_CALLABLE): django-ipware counts proxies differently and, without a count,
    believes the header.
    """
    proxies = settings.PROXY_COUNT
    if proxies > 0:
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
        if len(forwarded) >= proxies:
            address = _address(forwarded[-proxies].strip())
            if address is not None:
                return address
    return request.META.get("REMOTE_ADDR") or None


def _address(entry: str) -> str | None:
    """The IP address of an X-Forwarded-For entry, which some proxies (Azure Application Gateway)
    write with the client's port: `203.0.113.5:4711`, `[2001:db8::1]:443`."""
    if entry.startswith("["):
        entry = entry[1:].partition("]")[0]
    elif entry.count(":") == 1:
        entry = entry.partition(":")[0]
    try:
        return str(ipaddress.ip_address(entry))
    except ValueError:
        return None
