"""The order gate (R8) and the license-count gate (R9): the only writers of orders and subscriptions."""

import itertools
import uuid
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from agreements.services import agreements_available
from customers.locks import customer_lock_for_update
from customers.models import Channel, Customer
from orders.models import Offer, Order, OrderLine, Subscription
from orders.selectors import order_from_submission
from portal.audit import Actor
from portal.once import CHANGED_MEANWHILE, SubmissionReused

# Partner Center's words for 13605, whole (PRODUCT §4, R8, quotes them with "…").
AGREEMENT_REQUIRED_MESSAGE = _(
    "Either a partner confirmation of the customer acceptance of the Microsoft Customer "
    "Agreement must be provided or the customer must accept the Microsoft Customer Agreement "
    "in the Microsoft Admin Center before you can complete this purchase."
)

EMPTY_ORDER_MESSAGE = _("Add at least one product to the order.")

LICENSE_COUNT_BLOCKED_MESSAGE = _(
    "The license count cannot change until the customer's acceptance of the "
    "Microsoft Customer Agreement is confirmed."
)


class AgreementRequired(Exception):
    """R8/R9: the customer's agreement status is not Confirmed (Partner Center code 13605)."""

    code = 13605

    def __init__(self, message=None):
        super().__init__(str(message or AGREEMENT_REQUIRED_MESSAGE))


@dataclass(frozen=True)
class LineItem:
    offer_id: str
    quantity: int | None
    line_item_number: int | None = None


def _same_lines(order: Order, lines: list[LineItem]) -> bool:
    """Whether `lines` ask for what `order` holds: the same offers and quantities, in any order
    (a usage-based line counts as 1, as it is stored; an offer id in any case)."""
    asked = sorted(
        (str(line.offer_id).lower(), 1 if line.quantity is None else line.quantity) for line in lines
    )
    return asked == sorted(
        (offer_id.lower(), quantity) for offer_id, quantity in order.lines.values_list("offer_id", "quantity")
    )


def agreement_gate_blocks(customer: Customer) -> bool:
    """Whether R8/R9 stop orders and license-count changes for this customer right now.

    Views use it to prompt early (F3) or explain (F5); the services re-check under
    the customer row lock, so the answer here is advice, not the gate.
    """
    return agreements_available() and not customer.is_confirmed


def _check_quantity(offer: Offer, quantity, field: str) -> int:
    """The quantity as an int within the offer's bounds; a usage-based offer counts as 1."""
    if quantity is None and not offer.is_license_based:
        quantity = 1
    if not isinstance(quantity, int) or isinstance(quantity, bool):
        raise ValidationError({field: ValidationError(_("Enter a whole number."), code="invalid")})
    if not offer.is_license_based and quantity != 1:
        raise ValidationError(
            {
                field: ValidationError(
                    _("%(offer)s is usage-based: it has no license count, so its quantity is 1."),
                    code="quantity_bounds",
                    params={"offer": offer.name},
                )
            }
        )
    if quantity < offer.min_quantity or quantity > offer.max_quantity:
        raise ValidationError(
            {
                field: ValidationError(
                    _("The quantity of %(offer)s must be between %(min)d and %(max)d."),
                    code="quantity_bounds",
                    params={"offer": offer.name, "min": offer.min_quantity, "max": offer.max_quantity},
                )
            }
        )
    return quantity


def order_lines_check(*, lines: list[LineItem]) -> list[tuple[int, Offer, int]]:
    """Each line's offer and quantity as order_place stores them, or every line's fault at once (R8, R14).

    Errors are keyed `line_<index>`; a form that could not read some of its lines asks about the
    others, so that one submit shows every fault.
    """
    # An id PostgreSQL cannot even compare (NUL) is simply not a known offer (R14). In any case, as
    # Partner Center's offer ids are read: they are unique ignoring case (offer_id_unique_ignoring_case,
    # whose index serves this lookup).
    # Exact ids too: SQLite's lower() folds ASCII letters only.
    ids = {str(line.offer_id) for line in lines if "\x00" not in str(line.offer_id)}
    wanted = {offer_id.lower() for offer_id in ids}
    found = Offer.objects.alias(lowered=Lower("id")).filter(Q(lowered__in=wanted) | Q(id__in=ids))
    offers = {offer.id.lower(): offer for offer in found}
    errors: dict = {}
    checked = []
    # A line without a number takes the lowest one no line was given: by position, two lines
    # could clash though the caller numbered only one.
    given = {line.line_item_number for line in lines if line.line_item_number is not None}
    unused = (number for number in itertools.count() if number not in given)
    for index, line in enumerate(lines, start=1):
        number = line.line_item_number if line.line_item_number is not None else next(unused)
        field = f"line_{index - 1}"
        offer = offers.get(str(line.offer_id).lower())
        if offer is None or not offer.is_active:
            errors[field] = [
                ValidationError(
                    _("The offer %(offer)s is unknown or no longer available."),
                    code="unknown_offer",
                    params={"offer": line.offer_id},
                )
            ]
            continue
        try:
            quantity = _check_quantity(offer, line.quantity, field)
        except ValidationError as exc:
            errors.update(exc.error_dict)
            continue
        checked.append((number, offer, quantity))
    numbers = [number for number, _offer, _quantity in checked]
    if len(set(numbers)) != len(numbers):
        errors.setdefault("__all__", []).append(
            ValidationError(_("Line item numbers must be unique."), code="duplicate_line")
        )
    if errors:
        raise ValidationError(errors)
    return checked


# One order is one transaction holding the customer's row (R8): a script's order of 25,000 lines
# held it for minutes, and on SQLite every partner's writes with it.
MAX_LINE_ITEMS = 50


@transaction.atomic
def order_place(
    *,
    actor: Actor,
    customer: Customer,
    lines: list[LineItem],
    channel: str,
    idempotency_key: uuid.UUID | None = None,
) -> Order:
    """Place an order and create its subscriptions, only for a Confirmed customer (R8).

    The customer row stays locked until commit, so a confirmation recorded at
    the same time is either seen here or waits for this transaction. A repeated
    submission (same idempotency key) returns the order it placed (R15).
    """
    user = actor.user
    if not user.has_perm("orders.add_order") or user.partner_id is None:
        raise PermissionDenied(_("You do not have permission to place orders."))
    customer = customer_lock_for_update(customer=customer, user=user)
    existing = order_from_submission(customer=customer, idempotency_key=idempotency_key)
    if existing is not None:
        if _same_lines(existing, lines):
            return existing
        raise SubmissionReused()
    if agreements_available() and not customer.is_confirmed:
        raise AgreementRequired()
    if not lines:
        raise ValidationError(EMPTY_ORDER_MESSAGE, code="empty")
    if len(lines) > MAX_LINE_ITEMS:
        raise ValidationError(
            _("An order has at most %(max)d lines; place the others in another order."),
            code="too_many_lines",
            params={"max": MAX_LINE_ITEMS},
        )

    checked = order_lines_check(lines=lines)

    user_agent = (actor.user_agent or "")[:512]
    order = Order(
        customer=customer,
        placed_by=user,
        placed_at=timezone.now(),
        channel=channel,
        client_ip=actor.client_ip,
        user_agent=user_agent,
        idempotency_key=idempotency_key,
    )
    # The history names the acting user also outside a web request (API, scripts).
    order._history_user = user
    order.save()
    for number, offer, quantity in checked:
        line = OrderLine.objects.create(order=order, line_item_number=number, offer=offer, quantity=quantity)
        subscription = Subscription(
            customer=customer,
            offer=offer,
            order=order,
            order_line=line,
            # R9: usage-based subscriptions have no license count.
            quantity=quantity if offer.is_license_based else None,
            updated_by=user,
            updated_channel=channel,
            client_ip=actor.client_ip,
            user_agent=user_agent,
        )
        subscription._history_user = user
        subscription.save()
    return order


def subscription_quantity_check(*, subscription: Subscription, quantity) -> int:
    """The new license count as an int within the offer's bounds; records nothing."""
    return _check_quantity(subscription.offer, quantity, "quantity")


@transaction.atomic
def subscription_set_quantity(
    *,
    actor: Actor,
    subscription: Subscription,
    quantity: int,
    channel: str = Channel.WEB,
    seen_quantity: int | None = None,
) -> Subscription:
    """Change the license count of a license-based subscription of a Confirmed customer (R9).

    `seen_quantity` is the count the agent was shown; if someone changed it since, nothing is
    written and the agent is told, unless it already is what the agent asks for.
    """
    user = actor.user
    if not user.has_perm("orders.change_subscription") or user.partner_id is None:
        raise PermissionDenied(_("You do not have permission to change license counts."))
    customer = customer_lock_for_update(customer=subscription.customer, user=user)
    # Only the subscription row: locking its offer too would queue every partner's change of that offer.
    subscription = (
        Subscription.objects.select_for_update(of=("self",)).select_related("offer").get(pk=subscription.pk)
    )
    if not subscription.offer.is_license_based:
        raise ValidationError(
            {
                "quantity": ValidationError(
                    _("Usage-based subscriptions have no license count."), code="usage_based"
                )
            }
        )
    if agreements_available() and not customer.is_confirmed:
        raise AgreementRequired(LICENSE_COUNT_BLOCKED_MESSAGE)
    quantity = subscription_quantity_check(subscription=subscription, quantity=quantity)
    if quantity == subscription.quantity:
        return subscription  # nothing changes, so nothing is written or audited (R13)
    if seen_quantity is not None and seen_quantity != subscription.quantity:
        raise ValidationError(
            {
                "quantity": ValidationError(
                    _(
                        "Someone changed this license count to %(current)s after you opened the page. "
                        "Check it and save again."
                    ),
                    code=CHANGED_MEANWHILE,
                    params={"current": subscription.quantity},
                )
            }
        )
    subscription.quantity = quantity
    subscription.updated_by = user
    subscription.updated_channel = channel
    subscription.client_ip = actor.client_ip
    subscription.user_agent = (actor.user_agent or "")[:512]
    subscription._history_user = user
    subscription.save(
        update_fields=["quantity", "updated_at", "updated_by", "updated_channel", "client_ip", "user_agent"]
    )
    return subscription
