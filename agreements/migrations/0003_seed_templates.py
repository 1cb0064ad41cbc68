"""Seed the agreement templates of PRODUCT §2."""
import datetime
import uuid

from django.db import migrations

TEMPLATES = [
    {
        "template_id": uuid.UUID("117a77b0-9360-443b-8795-c6dedc750cf9"),
        "agreement_type": "MicrosoftCustomerAgreement",
        "agreement_link": "https://aka.ms/customeragreement",
        "version_rank": 0,
        "published_on": datetime.date(2019, 10, 1),
    },
    {
        "template_id": uuid.UUID("998b88de-aa99-4388-a42c-1b3517d49490"),
        "agreement_type": "MicrosoftCloudAgreement",
        "agreement_link": "https://go.microsoft.com/fwlink/?LinkId=2038201",
        "version_rank": 0,
        "published_on": datetime.date(2018, 10, 1),
    },
]


def seed(apps, schema_editor):
    AgreementTemplate = apps.get_model("agreements", "AgreementTemplate")
    for row in TEMPLATES:
        AgreementTemplate.objects.update_or_create(template_id=row["template_id"], defaults=row)


class Migration(migrations.Migration):
    dependencies = [("agreements", "0002_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
