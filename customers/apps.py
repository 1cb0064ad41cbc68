from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class CustomersConfig(AppConfig):
    name = "customers"
    verbose_name = _("Customers")

    def ready(self):
        post_migrate.connect(ensure_customer_count_triggers, sender=self)


def ensure_customer_count_triggers(sender, using, plan=None, **kwargs):
    """After every migrate: the count triggers exist (a SQLite table rebuild drops them)."""
    from django.db import connections

    from customers.triggers import ensure_triggers

    connection = connections[using]
    tables = connection.introspection.table_names()
    # The triggers write 0008's versions and clear 0009's anchors and 0010's searches: not
    # before all exist.
    needed = {
        "customers_customer",
        "customers_partnercustomercount",
        "customers_customerlistanchor",
        "customers_customerlistsearch",
    }
    if needed <= set(tables):
        ensure_triggers(connection)
