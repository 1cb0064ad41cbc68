"""Subscription.order_line: the order line that created a subscription (the API's subscriptionId).

Existing subscriptions are matched to their order's lines the way the API did
so far, now checked by offer: in creation order, each subscription takes the
first unused line of its order with the same offer. A subscription without such
a line keeps no line.
"""

import django.db.models.deletion
from django.db import migrations, models


def link_subscriptions_to_lines(apps, schema_editor):
    Order = apps.get_model("orders", "Order")
    OrderLine = apps.get_model("orders", "OrderLine")
    Subscription = apps.get_model("orders", "Subscription")
    for order_id in Order.objects.values_list("pk", flat=True).iterator():
        unused = list(
            OrderLine.objects.filter(order_id=order_id).order_by("pk").values_list("pk", "offer_id")
        )
        for subscription in Subscription.objects.filter(order_id=order_id, order_line__isnull=True).order_by(
            "pk"
        ):
            match = next((line for line in unused if line[1] == subscription.offer_id), None)
            if match is not None:
                unused.remove(match)
                Subscription.objects.filter(pk=subscription.pk).update(order_line_id=match[0])


class Migration(migrations.Migration):
    dependencies = [
        ("orders", "0002_subscription_audit"),
    ]

    operations = [
        migrations.AddField(
            model_name="historicalsubscription",
            name="order_line",
            field=models.ForeignKey(
                blank=True,
                db_constraint=False,
                null=True,
                on_delete=django.db.models.deletion.DO_NOTHING,
                related_name="+",
                to="orders.orderline",
                verbose_name="order line",
            ),
        ),
        migrations.AddField(
            model_name="subscription",
            name="order_line",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="subscriptions",
                to="orders.orderline",
                verbose_name="order line",
            ),
        ),
        migrations.RunPython(link_subscriptions_to_lines, migrations.RunPython.noop),
    ]
