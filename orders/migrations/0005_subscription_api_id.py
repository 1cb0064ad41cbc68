"""Give every subscription a GUID for the API's id (Partner Center's subscription ids are GUIDs)."""

import uuid

from django.db import migrations, models


def fill(apps, schema_editor):
    Subscription = apps.get_model("orders", "Subscription")
    HistoricalSubscription = apps.get_model("orders", "HistoricalSubscription")
    for pk in Subscription.objects.filter(api_id__isnull=True).values_list("pk", flat=True).iterator():
        api_id = uuid.uuid4()
        Subscription.objects.filter(pk=pk).update(api_id=api_id)
        # A subscription's history carries its id, as it carries every other field.
        HistoricalSubscription.objects.filter(id=pk).update(api_id=api_id)
    # History of a subscription no longer there (none should be: subscriptions are protected).
    for history_id in HistoricalSubscription.objects.filter(api_id__isnull=True).values_list(
        "history_id", flat=True
    ):
        HistoricalSubscription.objects.filter(history_id=history_id).update(api_id=uuid.uuid4())


class Migration(migrations.Migration):
    dependencies = [("orders", "0004_admin_list_indexes")]

    operations = [
        migrations.AddField(
            model_name="subscription",
            name="api_id",
            field=models.UUIDField(editable=False, null=True),
        ),
        migrations.AddField(
            model_name="historicalsubscription",
            name="api_id",
            field=models.UUIDField(editable=False, null=True),
        ),
        migrations.RunPython(fill, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="subscription",
            name="api_id",
            field=models.UUIDField(
                default=uuid.uuid4, editable=False, unique=True, verbose_name="subscription ID"
            ),
        ),
        migrations.AlterField(
            model_name="historicalsubscription",
            name="api_id",
            field=models.UUIDField(
                db_index=True, default=uuid.uuid4, editable=False, verbose_name="subscription ID"
            ),
        ),
    ]
