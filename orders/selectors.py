"""Reads of offers, orders and subscriptions, scoped to the user's partner (R12)."""

import uuid

from django.db.models import Prefetch, QuerySet
from django.http import Http404

from orders.models import Offer, Order, OrderLine, Subscription


def offer_list(*, active_only: bool = True) -> QuerySet[Offer]:
    qs = Offer.objects.all()
    if active_only:
        qs = qs.filter(is_active=True)
    return qs.order_by("name")


def order_list(*, customer) -> QuerySet[Order]:
    """The customer's orders, newest first, with their lines in one more query."""
    return (
        Order.objects.filter(customer=customer)
        .select_related("placed_by")
        .prefetch_related(Prefetch("lines", queryset=OrderLine.objects.select_related("offer")))
        .order_by("-placed_at", "-id")
    )


def order_get(*, user, customer, api_id) -> Order:
    """One order of a customer of the user's partner, by its API id; else 404 (R12)."""
    try:
        return (
            order_list(customer=customer)
            .select_related("customer")
            .get(api_id=uuid.UUID(str(api_id)), customer__partner_id=user.partner_id)
        )
    except (ValueError, TypeError, Order.DoesNotExist):
        raise Http404 from None


def order_from_submission(*, customer, idempotency_key) -> Order | None:
    """The order an earlier post of the same submission placed for this customer (R15), if any."""
    if idempotency_key is None:
        return None
    return Order.objects.filter(customer=customer, idempotency_key=idempotency_key).first()


def subscription_list(*, customer, order: Order | None = None) -> QuerySet[Subscription]:
    """The customer's subscriptions; with `order`, only those it created (an order of that customer)."""
    qs = Subscription.objects.filter(customer=customer)
    if order is not None:
        qs = qs.filter(order=order)
    return qs.select_related("offer", "order").order_by("created_at", "id")


def subscription_get(*, user, customer, subscription_id=None, api_id=None) -> Subscription:
    """One subscription of a customer already scoped to the user's partner, by id or API id; else 404."""
    try:
        lookup = {"pk": int(subscription_id)} if api_id is None else {"api_id": uuid.UUID(str(api_id))}
        return Subscription.objects.select_related("offer", "customer", "order").get(
            **lookup, customer=customer, customer__partner_id=user.partner_id
        )
    except (ValueError, TypeError, Subscription.DoesNotExist):
        raise Http404 from None
