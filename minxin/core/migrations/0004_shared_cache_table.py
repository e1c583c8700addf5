"""The table of the "shared" cache (rate limits), when it is the database cache (settings.CACHES)."""

from django.core.management import call_command
from django.db import migrations


def create_cache_table(apps, schema_editor):
    call_command("createcachetable", database=schema_editor.connection.alias, verbosity=0)


class Migration(migrations.Migration):
    dependencies = [("core", "0003_redact_birth_dates")]

    operations = [migrations.RunPython(create_cache_table, migrations.RunPython.noop)]
