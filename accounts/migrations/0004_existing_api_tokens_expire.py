"""API tokens made before they expired get a lifetime from now (API_TOKEN_TTL_DAYS).

knox sets a token's expiry only when it makes one, so tokens made before the lifetime existed
would never expire. They get the configured lifetime from the upgrade, not from when they were
made: a script's token does not stop working the moment the upgrade lands.
"""

import datetime

from django.conf import settings
from django.db import migrations
from django.utils import timezone


def expire_existing_tokens(apps, schema_editor):
    days = getattr(settings, "API_TOKEN_TTL_DAYS", 0)
    if days:
        AuthToken = apps.get_model("knox", "AuthToken")
        AuthToken.objects.filter(expiry__isnull=True).update(
            expiry=timezone.now() + datetime.timedelta(days=days)
        )


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0003_user_api_id"),
        ("knox", "0009_extend_authtoken_field"),
    ]

    operations = [migrations.RunPython(expire_existing_tokens, migrations.RunPython.noop)]
