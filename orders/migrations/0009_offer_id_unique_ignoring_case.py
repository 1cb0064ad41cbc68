"""Offer ids are unique ignoring case, as Partner Center's are: "cfq7ttc0lh18:0001" is CFQ7TTC0LH18:0001.

Offers whose ids differ only in case stop the migration, named: orders and subscriptions refer to
each of them, so merging them is for staff to decide, not for a migration.
"""

import django.db.models.functions.text
from django.db import migrations, models
from django.db.models import Count
from django.db.models.functions import Lower


def refuse_ids_differing_only_in_case(apps, schema_editor):
    Offer = apps.get_model("orders", "Offer")
    offers = Offer.objects.using(schema_editor.connection.alias).annotate(lowered=Lower("id"))
    clashing = offers.values("lowered").annotate(count=Count("id")).filter(count__gt=1).values("lowered")
    ids = sorted(offers.filter(lowered__in=clashing).values_list("id", flat=True))
    if ids:
        raise RuntimeError(
            "Offer IDs must be unique ignoring case, and these are not; keep one of each first: "
            + ", ".join(repr(offer_id) for offer_id in ids)
        )


class Migration(migrations.Migration):
    dependencies = [
        ("orders", "0008_order_api_id"),
    ]

    operations = [
        migrations.RunPython(refuse_ids_differing_only_in_case, migrations.RunPython.noop),
        migrations.AddConstraint(
            model_name="offer",
            constraint=models.UniqueConstraint(
                django.db.models.functions.text.Lower("id"),
                name="offer_id_unique_ignoring_case",
                violation_error_code="offer_id_taken",
                violation_error_message="An offer with this ID already exists (ignoring case).",
            ),
        ),
    ]
