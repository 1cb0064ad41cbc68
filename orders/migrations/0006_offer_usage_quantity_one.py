"""A usage-based offer's minimum and maximum quantity are 1, held by the database (R9).

The order gate already refused any other quantity for a usage-based offer, whatever its
bounds said, while the catalogue (/v1/offers) published the bounds staff had typed. Existing
usage-based offers get bounds of 1 first, so that the constraint can be added.
"""

from django.db import migrations, models


def usage_offers_quantity_one(apps, schema_editor):
    Offer = apps.get_model("orders", "Offer")
    Offer.objects.filter(billing_type="usage").update(min_quantity=1, max_quantity=1)


class Migration(migrations.Migration):
    dependencies = [
        ("orders", "0005_subscription_api_id"),
    ]

    operations = [
        migrations.RunPython(usage_offers_quantity_one, migrations.RunPython.noop),
        migrations.AddConstraint(
            model_name="offer",
            constraint=models.CheckConstraint(
                condition=models.Q(("billing_type", "license"), models.Q(("max_quantity", 1), ("min_quantity", 1)), _connector="OR"),
                name="offer_usage_quantity_one",
                violation_error_message="A usage-based offer has no license count: its minimum and maximum quantity are 1.",
            ),
        ),
    ]
