"""Reads of offers, orders and subscriptions, scoped to the user's partner (R12)."""

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


def subscription_list(*, customer) -> QuerySet[Subscription]:
    return Subscription.objects.filter(customer=customer).select_related("offer").order_by("created_at", "id")


def subscription_get(*, user, customer, subscription_id) -> Subscription:
    """One subscription of a customer already scoped to the user's partner; else 404."""
    try:
        return Subscription.objects.select_related("offer", "customer").get(
            pk=int(subscription_id), customer=customer, customer__partner_id=user.partner_id
        )
    except (ValueError, TypeError, Subscription.DoesNotExist):
        raise Http404 from None
