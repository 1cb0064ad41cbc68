"""Store the customer's partner on each confirmation, for the home page's recent activity."""

import django.db.models.deletion
from django.db import migrations, models
from django.db.models import OuterRef, Subquery


def partner_from_customer(apps, schema_editor):
    # The historical model's manager is a plain one: this one-off backfill may update (R5 guards the app's).
    Confirmation = apps.get_model("agreements", "Confirmation")
    Customer = apps.get_model("customers", "Customer")
    Confirmation.objects.update(
        partner_id=Subquery(Customer.objects.filter(pk=OuterRef("customer_id")).values("partner_id")[:1])
    )


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0001_initial"),
        ("agreements", "0004_confirmation_confirmation_recent"),
        ("customers", "0006_partner_customer_count"),
    ]

    operations = [
        migrations.AddField(
            model_name="confirmation",
            name="partner",
            field=models.ForeignKey(
                db_index=False,
                editable=False,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="accounts.partner",
                verbose_name="partner",
            ),
        ),
        migrations.RunPython(partner_from_customer, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="confirmation",
            name="partner",
            field=models.ForeignKey(
                db_index=False,
                editable=False,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="accounts.partner",
                verbose_name="partner",
            ),
        ),
        migrations.AddIndex(
            model_name="confirmation",
            index=models.Index(fields=["partner", "-recorded_at", "-id"], name="confirmation_partner_recent"),
        ),
    ]
