"""Give every user a GUID for the API's userId (Partner Center's is a GUID)."""
import uuid

from django.db import migrations, models


def fill(apps, schema_editor):
    User = apps.get_model("accounts", "User")
    for pk in User.objects.filter(api_id__isnull=True).values_list("pk", flat=True).iterator():
        User.objects.filter(pk=pk).update(api_id=uuid.uuid4())


class Migration(migrations.Migration):
    dependencies = [("accounts", "0002_roles")]

    operations = [
        migrations.AddField(
            model_name="user",
            name="api_id",
            field=models.UUIDField(editable=False, null=True),
        ),
        migrations.RunPython(fill, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="user",
            name="api_id",
            field=models.UUIDField(default=uuid.uuid4, editable=False, unique=True, verbose_name="API ID"),
        ),
    ]
