"""Count every partner's customers again, for counts that drifted (a restore that bypassed the triggers)."""

from django.core.management.base import BaseCommand
from django.db import DEFAULT_DB_ALIAS, connections

from customers.models import PartnerCustomerCount
from customers.triggers import ensure_triggers, recount


class Command(BaseCommand):
    help = "Recreate the customer count triggers if missing and count every partner's customers again."

    def add_arguments(self, parser):
        parser.add_argument("--database", default=DEFAULT_DB_ALIAS)

    def handle(self, *args, database, **options):
        connection = connections[database]
        if not ensure_triggers(connection):
            recount(connection)
        counts = PartnerCustomerCount.objects.using(database)
        self.stdout.write(
            f"Counted {sum(c.customers for c in counts)} customers of {counts.count()} partners."
        )
