"""Every villager request gets a reference number (受理编号); existing rows are numbered here and
the column becomes unique in 0004 (its own transaction: PostgreSQL refuses to alter a table with
pending updates in the same one)."""

from django.db import migrations, models

import minxin.fieldwork.models.followup as followup

BATCH = 2000


def number_existing(apps, schema_editor):
    VillagerRequest = apps.get_model("fieldwork", "VillagerRequest")
    taken: set[str] = set()
    pending = VillagerRequest.objects.filter(reference__isnull=True).only("pk").order_by("pk")
    while batch := list(pending[:BATCH]):
        for row in batch:
            while (value := followup.new_reference()) in taken:
                continue
            taken.add(value)
            row.reference = value
        VillagerRequest.objects.bulk_update(batch, ["reference"])


class Migration(migrations.Migration):

    dependencies = [
        ("fieldwork", "0002_bulk_loaded_records"),
    ]

    operations = [
        migrations.AddField(
            model_name="villagerrequest",
            name="reference",
            field=models.CharField(editable=False, max_length=8, null=True, verbose_name="受理编号"),
        ),
        migrations.RunPython(number_existing, migrations.RunPython.noop),
    ]
