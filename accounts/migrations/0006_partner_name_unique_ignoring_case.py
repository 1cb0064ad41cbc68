"""Partner names are unique ignoring case: "Contoso Partner" and "contoso partner" were two partners.

Partners whose names differ only in case stop the migration, named: which one stays (rename the
other, or move its users and customers) is for staff to decide, not for a migration.
"""

import django.db.models.functions.text
from django.db import migrations, models
from django.db.models import Count
from django.db.models.functions import Lower


def refuse_names_differing_only_in_case(apps, schema_editor):
    Partner = apps.get_model("accounts", "Partner")
    partners = Partner.objects.using(schema_editor.connection.alias).annotate(lowered=Lower("name"))
    clashing = partners.values("lowered").annotate(count=Count("id")).filter(count__gt=1).values("lowered")
    names = sorted(partners.filter(lowered__in=clashing).values_list("name", flat=True))
    if names:
        raise RuntimeError(
            "Partner names must be unique ignoring case; rename or merge these partners first: "
            + ", ".join(repr(name) for name in names)
        )


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0005_api_token_proxy"),
    ]

    operations = [
        migrations.RunPython(refuse_names_differing_only_in_case, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="partner",
            name="name",
            field=models.CharField(max_length=200, verbose_name="name"),
        ),
        migrations.AddConstraint(
            model_name="partner",
            constraint=models.UniqueConstraint(
                django.db.models.functions.text.Lower("name"),
                name="partner_name_unique_ignoring_case",
                violation_error_code="partner_name_taken",
                violation_error_message="A partner with this name already exists (ignoring case).",
            ),
        ),
    ]
