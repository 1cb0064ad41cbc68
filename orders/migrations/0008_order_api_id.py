"""Give every order a GUID for the id the API and the pages show, instead of its row number
(one counter across every partner, which told a partner how many orders others placed)."""

import uuid

from django.db import migrations, models
from django.db.models import OuterRef, Subquery


def fill(apps, schema_editor):
    Order = apps.get_model("orders", "Order")
    HistoricalOrder = apps.get_model("orders", "HistoricalOrder")
    # A thousand orders a statement, and their history in one: not two statements per order.
    batch = []
    for order in Order.objects.filter(api_id__isnull=True).only("pk").iterator(chunk_size=1000):
        order.api_id = uuid.uuid4()
        batch.append(order)
        if len(batch) == 1000:
            Order.objects.bulk_update(batch, ["api_id"])
            batch = []
    Order.objects.bulk_update(batch, ["api_id"])
    # An order's history carries its id, as it carries every other field.
    same_order = Order.objects.filter(pk=OuterRef("id")).values("api_id")[:1]
    HistoricalOrder.objects.filter(api_id__isnull=True).update(api_id=Subquery(same_order))
    # History of an order no longer there (none should be: orders are protected).
    for history_id in HistoricalOrder.objects.filter(api_id__isnull=True).values_list("history_id", flat=True):
        HistoricalOrder.objects.filter(history_id=history_id).update(api_id=uuid.uuid4())


class Migration(migrations.Migration):
    dependencies = [("orders", "0007_offer_usage_help_text")]

    operations = [
        migrations.AddField(
            model_name="order",
            name="api_id",
            field=models.UUIDField(editable=False, null=True),
        ),
        migrations.AddField(
            model_name="historicalorder",
            name="api_id",
            field=models.UUIDField(editable=False, null=True),
        ),
        migrations.RunPython(fill, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="order",
            name="api_id",
            field=models.UUIDField(default=uuid.uuid4, editable=False, unique=True, verbose_name="order ID"),
        ),
        migrations.AlterField(
            model_name="historicalorder",
            name="api_id",
            field=models.UUIDField(db_index=True, default=uuid.uuid4, editable=False, verbose_name="order ID"),
        ),
    ]
