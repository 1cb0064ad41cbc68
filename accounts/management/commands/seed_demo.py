"""python manage.py seed_demo [--password PW] [--customers N] [--force] (PRODUCT §7)."""

import os
import time

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from accounts.demo import seed_users
from customers.demo import seed_bulk_customers, seed_customers
from orders.demo import seed_catalogue

DEFAULT_PASSWORD = "accord-demo-2026"


class Command(BaseCommand):
    help = "Create the demo partners, users, catalogue and customers (idempotent)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--password",
            default=os.environ.get("DEMO_PASSWORD") or DEFAULT_PASSWORD,
            help="Password of every demo user (default: $DEMO_PASSWORD or %(default)s).",
        )
        parser.add_argument(
            "--customers", type=int, default=0, help="Also add N synthetic customers to Contoso Partner."
        )
        parser.add_argument("--force", action="store_true", help="Run even with DEBUG off.")

    def handle(self, *args, password, customers, force, **options):
        if not settings.DEBUG and not force:
            raise CommandError("seed_demo refuses to run with DEBUG off; pass --force if you mean it.")
        if customers < 0:
            raise CommandError("--customers must be 0 or more.")
        users = seed_users(password=password)
        seed_catalogue()
        seed_customers(users=users)
        if customers:
            started = time.monotonic()
            admin = users["admin.agent"]
            seed_bulk_customers(partner=admin.partner, user=admin, count=customers, stdout=self.stdout)
            self.stdout.write(f"Added {customers} synthetic customers in {time.monotonic() - started:.1f} s.")
        # The password actually set: DEMO_PASSWORD may come from .env, which `make run`'s shell never sees.
        self.stdout.write(self.style.SUCCESS(f"Demo data ready. Demo password: {password}"))
