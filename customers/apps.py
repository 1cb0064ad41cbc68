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
    if "customers_customer" not in tables or "customers_partnercustomercount" not in tables:
        return
    with connection.cursor() as cursor:
        columns = connection.introspection.get_table_description(cursor, "customers_partnercustomercount")
    # The triggers write the list's versions: not before migration 0008 has added them.
    if "list_version" in {column.name for column in columns}:
        ensure_triggers(connection)
