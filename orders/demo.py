"""The demo product catalogue."""

from orders.models import Offer

OFFERS = [
    ("CFQ7TTC0LH18:0001", "Microsoft 365 Business Basic", Offer.BillingType.LICENSE, 1, 300),
    ("CFQ7TTC0LDPB:0001", "Microsoft 365 Business Standard", Offer.BillingType.LICENSE, 1, 300),
    ("CFQ7TTC0LFLZ:0001", "Microsoft 365 E3", Offer.BillingType.LICENSE, 1, 10000),
    ("CFQ7TTC0LF8Q:0001", "Microsoft Teams Essentials", Offer.BillingType.LICENSE, 1, 300),
    ("DZH318Z0BPS6:0001", "Azure plan", Offer.BillingType.USAGE, 1, 1),
]


def seed_catalogue() -> dict[str, Offer]:
    offers = {}
    for offer_id, name, billing_type, low, high in OFFERS:
        offers[offer_id], _created = Offer.objects.update_or_create(
            id=offer_id,
            defaults={
                "name": name,
                "billing_type": billing_type,
                "min_quantity": low,
                "max_quantity": high,
                "is_active": True,
            },
        )
    return offers
