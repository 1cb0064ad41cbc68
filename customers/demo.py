"""Demo customers, their confirmations and subscriptions; bulk synthetic customers for benchmarks."""

import datetime
import random
import uuid

from django.db import DEFAULT_DB_ALIAS, connection, connections, transaction
from django.db.models import OuterRef, Subquery
from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from agreements.models import Confirmation, ConfirmationChannel
from agreements.selectors import template_latest_mca
from agreements.services import Acceptor, confirmation_record
from customers.models import Channel, Customer
from customers.services import customer_create
from orders.models import Offer, Order, OrderLine, Subscription
from orders.services import LineItem, order_place
from portal.audit import Actor

# company, domain prefix, country, city, contact, confirmations [(first, last, email, days ago)], offers
DEMO_CUSTOMERS = [
    (
        "Adatum Corporation",
        "adatumdemo",
        "US",
        "Redmond",
        ("Ada", "Tum", "ada@adatum.example"),
        [("Ada", "Tum", "ada@adatum.example", 400)],
        [("CFQ7TTC0LH18:0001", 25), ("DZH318Z0BPS6:0001", 1)],
    ),
    (
        "Tailspin Toys",
        "tailspindemo",
        "GB",
        "London",
        ("Tom", "O'Brien", "tom@tailspin.example"),
        [
            ("Sara", "Ólafsdóttir", "sara@tailspin.example", 700),
            ("Tom", "O'Brien", "tom@tailspin.example", 30),
        ],
        [("CFQ7TTC0LDPB:0001", 40)],
    ),
    (
        "Fourth Coffee 第四咖啡",
        "fourthcoffeedemo",
        "CN",
        "上海",
        ("伟", "张", "zhang.wei@fourthcoffee.example"),
        [("伟", "张", "zhang.wei@fourthcoffee.example", 90)],
        [("CFQ7TTC0LFLZ:0001", 120)],
    ),
    (
        "Wide World Importers",
        "wideworlddemo",
        "US",
        "Seattle",
        ("Wanda", "World", "wanda@wideworld.example"),
        [],
        [],
    ),
    ("Litware Inc.", "litwaredemo", "DE", "Berlin", ("Lena", "Ware", "lena@litware.example"), [], []),
    ("Proseware", "prosewaredemo", "FR", "Paris", ("Pierre", "Prose", "pierre@proseware.example"), [], []),
]
# Subscriptions that predate Accord: imported from the partner's earlier records for a customer
# that was never confirmed. Confirmations are append-only and orders need one (R8), so only an
# import can leave a Required customer with a subscription; F5's refusal (R9) shows on it.
PREDATING_SUBSCRIPTIONS = {"wideworlddemo": [("CFQ7TTC0LDPB:0001", 15)]}
NORTHWIND_CUSTOMERS = [
    (
        "Alpine Ski House",
        "alpineskidemo",
        "CH",
        "Zermatt",
        ("Alma", "Alpine", "alma@alpine.example"),
        [("Alma", "Alpine", "alma@alpine.example", 200)],
        [],
    ),
]


def _import_predating_subscriptions(user, customer: Customer, lines) -> None:
    """Write an order and its subscriptions as an import would (R13: channel IMPORT), bypassing
    order_place's gate on purpose: these were ordered before Accord existed."""
    if customer.is_confirmed or customer.subscriptions.exists():
        return
    now = timezone.now()
    # R13: with their history's first entry, as the services' writes have.
    [order] = bulk_create_with_history(
        [
            Order(
                customer=customer,
                placed_by=user,
                placed_at=now,
                channel=Channel.IMPORT,
                user_agent="seed_demo",
            )
        ],
        Order,
        default_user=user,
    )
    offers = Offer.objects.in_bulk([offer_id for offer_id, _quantity in lines])
    # bulk_create returns the lines with their primary keys (SQLite and PostgreSQL).
    order_lines = OrderLine.objects.bulk_create(
        [
            OrderLine(order=order, line_item_number=number, offer=offers[offer_id], quantity=quantity)
            for number, (offer_id, quantity) in enumerate(lines)
        ]
    )
    bulk_create_with_history(
        [
            Subscription(
                customer=customer,
                offer=line.offer,
                order=order,
                order_line=line,
                quantity=line.quantity,
                created_at=now,
                updated_by=user,
                updated_channel=Channel.IMPORT,
                user_agent="seed_demo",
            )
            for line in order_lines
        ],
        Subscription,
        default_user=user,
    )


def _seed_customer(user, row) -> Customer:
    customer = _create_customer(user, row)
    prefix = row[1]
    if prefix in PREDATING_SUBSCRIPTIONS:
        _import_predating_subscriptions(user, customer, PREDATING_SUBSCRIPTIONS[prefix])
    return customer


def _create_customer(user, row) -> Customer:
    company, prefix, country, city, contact, confirmations, offers = row
    existing = Customer.objects.filter(domain=f"{prefix}.onmicrosoft.com").first()
    if existing is not None:
        return existing
    actor = Actor(user=user, client_ip="127.0.0.1", user_agent="seed_demo")
    customer = customer_create(
        actor=actor,
        channel=Channel.IMPORT,
        company_name=company,
        domain=prefix,
        email=contact[2],
        address_line1="1 Demo Street",
        city=city,
        country=country,
        contact_first_name=contact[0],
        contact_last_name=contact[1],
        contact_email=contact[2],
    )
    today = timezone.localdate(timezone=user.zoneinfo)
    for first, last, email, days_ago in confirmations:
        confirmation_record(
            actor=actor,
            customer=customer,
            acceptor=Acceptor(first, last, email, "", today - datetime.timedelta(days=days_ago)),
            channel=ConfirmationChannel.IMPORT,
        )
    if offers:
        order_place(
            actor=actor,
            customer=customer,
            lines=[LineItem(offer_id, quantity) for offer_id, quantity in offers],
            channel=Channel.IMPORT,
        )
    return customer


def seed_customers(*, users) -> None:
    """The few named demo customers: some Confirmed, some Required, one with two confirmations."""
    for row in DEMO_CUSTOMERS:
        _seed_customer(users["admin.agent"], row)
    for row in NORTHWIND_CUSTOMERS:
        _seed_customer(users["other.agent"], row)


_WORDS_A = [
    "Blue",
    "Northern",
    "Golden",
    "Silver",
    "Rapid",
    "Green",
    "Bright",
    "Coastal",
    "Summit",
    "Urban",
    "Prime",
    "Royal",
    "Pacific",
    "Alpine",
    "Crystal",
    "Red",
    "Quantum",
    "Cedar",
    "Harbor",
    "Eagle",
]
_WORDS_B = [
    "Yonder",
    "Lake",
    "River",
    "Valley",
    "Bridge",
    "Forge",
    "Field",
    "Stone",
    "Point",
    "Ridge",
    "Garden",
    "Harvest",
    "Meadow",
    "Orbit",
    "Pixel",
    "Anchor",
    "Beacon",
    "Canyon",
    "Delta",
    "Ember",
]
_WORDS_C = [
    "Consulting",
    "Logistics",
    "Foods",
    "Health",
    "Labs",
    "Media",
    "Motors",
    "Retail",
    "Studios",
    "Systems",
    "Textiles",
    "Travel",
    "Energy",
    "Finance",
    "Legal",
    "Robotics",
    "Bakery",
    "Clinic",
]
_FIRST = ["Anna", "Ben", "Chen", "Dana", "Emil", "Fatima", "Goran", "Hana", "Ivan", "Jia", "Kofi", "Lea"]
_LAST = ["Smith", "Müller", "Wang", "García", "Okafor", "Kowalski", "Rossi", "Sato", "Dubois", "Novak"]


@transaction.atomic
def _bulk_batch(*, partner, user, template, offer, start: int, size: int, rng: random.Random) -> None:
    now = timezone.now()
    customers = []
    for i in range(start, start + size):
        company = f"{rng.choice(_WORDS_A)} {rng.choice(_WORDS_B)} {rng.choice(_WORDS_C)} {i:06d}"
        first, last = rng.choice(_FIRST), rng.choice(_LAST)
        customers.append(
            Customer(
                partner=partner,
                tenant_id=uuid.UUID(int=rng.getrandbits(128), version=4),
                company_name=company,
                domain=f"syn{i:06d}{rng.randrange(10**6):06d}.onmicrosoft.com",
                email=f"billing{i}@synthetic.example",
                address_line1=f"{i} Synthetic Road",
                city="Seattle",
                country="US",
                contact_first_name=first,
                contact_last_name=last,
                contact_email=f"contact{i}@synthetic.example",
                created_by=user,
                created_channel=Channel.IMPORT,
            )
        )
    Customer.objects.bulk_create(customers)
    confirmed = [c for c in customers if rng.random() < 0.5]
    confirmations = []
    for n, customer in enumerate(confirmed):
        # Every twentieth confirmed customer has an older confirmation in its history.
        for older in range(2 if n % 20 == 0 else 1, 0, -1):
            confirmations.append(
                Confirmation(
                    customer=customer,
                    partner_id=customer.partner_id,
                    template=template,
                    agreement_type=template.agreement_type,
                    first_name=customer.contact_first_name if older == 1 else "Former",
                    last_name=customer.contact_last_name,
                    email=customer.contact_email,
                    date_agreed=now.date() - datetime.timedelta(days=rng.randrange(30, 1500) + older * 30),
                    recorded_by=user,
                    recorded_at=now - datetime.timedelta(minutes=older),
                    channel=ConfirmationChannel.IMPORT,
                )
            )
    Confirmation.objects.bulk_create(confirmations)
    # One UPDATE for the batch (bulk_update's CASE per row was the seed's slowest step).
    newest = (
        Confirmation.objects.filter(customer=OuterRef("pk")).order_by("-recorded_at", "-id").values("pk")[:1]
    )
    Customer.objects.filter(pk__in=[c.pk for c in confirmed]).update(current_confirmation=Subquery(newest))
    # A subscription for every twenty-fifth confirmed customer: a few thousand in 100,000.
    subscribed = confirmed[::25]
    orders = Order.objects.bulk_create(
        [Order(customer=c, placed_by=user, placed_at=now, channel=Channel.IMPORT) for c in subscribed]
    )
    order_lines = OrderLine.objects.bulk_create(
        [OrderLine(order=o, line_item_number=0, offer=offer, quantity=10) for o in orders]
    )
    # R13: who wrote them and through which channel, as order_place would record;
    # each linked to the order line that created it.
    Subscription.objects.bulk_create(
        [
            Subscription(
                customer=line.order.customer,
                offer=offer,
                order=line.order,
                order_line=line,
                quantity=10,
                created_at=now,
                updated_by=user,
                updated_channel=Channel.IMPORT,
            )
            for line in order_lines
        ]
    )


def seed_bulk_customers(
    *, partner, user, count: int, batch_size: int = 2000, seed: int = 7, stdout=None
) -> None:
    """Add `count` synthetic customers to the partner, about half Confirmed, in batches (flat memory)."""
    template = template_latest_mca()
    offer = (
        Offer.objects.filter(billing_type=Offer.BillingType.LICENSE, is_active=True).order_by("id").first()
    )
    rng = random.Random(seed + Customer.objects.count())
    start = Customer.objects.filter(partner=partner).count()
    done = 0
    while done < count:
        size = min(batch_size, count - done)
        _bulk_batch(
            partner=partner, user=user, template=template, offer=offer, start=start + done, size=size, rng=rng
        )
        done += size
        if stdout is not None and done % 20000 < batch_size:
            stdout.write(f"  {done} / {count} synthetic customers")
    if connection.vendor == "postgresql":
        _vacuum_analyze()
    else:
        # SQLite plans without statistics as if every index were selective: the home page's
        # recent confirmations then start from the partner's 100,000 customers (43 ms) instead
        # of walking the newest confirmations (~5 ms). ANALYZE is what `PRAGMA optimize` runs.
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")


# What the bulk seed writes (bulk_create writes no history rows).
BULK_TABLES = (Customer, Confirmation, Order, OrderLine, Subscription)


def _vacuum_analyze() -> None:
    """PostgreSQL: VACUUM ANALYZE the tables the bulk seed filled, as autovacuum would in time.

    ANALYZE alone leaves the visibility map empty, so the list's COUNT(*) cannot be an
    index-only scan. VACUUM cannot run inside a transaction block: it runs on a
    connection of its own, in autocommit mode, even when the caller is in a transaction.
    """
    vacuum = connections.create_connection(DEFAULT_DB_ALIAS)
    try:
        with vacuum.cursor() as cursor:
            tables = ", ".join(vacuum.ops.quote_name(model._meta.db_table) for model in BULK_TABLES)
            cursor.execute(f"VACUUM ANALYZE {tables}")
    finally:
        vacuum.close()
