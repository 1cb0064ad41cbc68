"""The authorization matrix as data (STYLE 5): one module per area, each with ROWS.

A row says, for one URL name and method, which status each principal gets:
anonymous, admin_agent, sales_agent, helpdesk_agent, billing_admin, staff,
reseller_agent (an indirect reseller's sales agent, own partner's objects) and
other_agent (another partner's admin agent, reaching this partner's objects, R12).
"""

from collections.abc import Callable
from dataclasses import dataclass, field

PRINCIPALS = (
    "anonymous",
    "admin_agent",
    "sales_agent",
    "helpdesk_agent",
    "billing_admin",
    "staff",
    "reseller_agent",
    "other_agent",
)


@dataclass(frozen=True)
class Row:
    name: str
    method: str
    expect: dict[str, int]
    kwargs: Callable = lambda world: {}
    data: Callable = lambda world: {}
    query: str = ""
    api: bool = False
    id: str = ""
    extra: dict = field(default_factory=dict)

    def __post_init__(self):
        missing = set(PRINCIPALS) - set(self.expect)
        if missing:
            raise ValueError(f"{self.name} {self.method}: no expectation for {sorted(missing)}")


def everyone(status: int, **overrides) -> dict[str, int]:
    return {principal: overrides.get(principal, status) for principal in PRINCIPALS}


def signed_in(status: int, anonymous: int = 302, **overrides) -> dict[str, int]:
    """Every signed-in principal gets `status`; anonymous is sent to sign in."""
    return everyone(status, anonymous=anonymous, **overrides)
