"""Names are read with their surname reading (覃 qin, 曾 zeng…; minxin.core.pinyin): rebuild the
members' and heads' pinyin keys and the search keys of the households whose members changed.

Only changed rows are written (names whose first character is a heteronym or in the surname
table); at county scale (≈600,000 members) the pass is one read of the names plus those writes.
"""

from django.db import migrations

from minxin.core.pinyin import rebuild

CHUNK = 2000


def forwards(apps, schema_editor):
    Member = apps.get_model("registry", "Member")
    Household = apps.get_model("registry", "Household")
    changed = sorted(rebuild(Member.objects.all()))
    rebuild(Household.objects.all(), name="head_name")
    households: set[int] = set()
    for start in range(0, len(changed), CHUNK):
        households.update(Member.objects.filter(pk__in=changed[start:start + CHUNK])
                          .values_list("household_id", flat=True))
    ids = sorted(households)
    for start in range(0, len(ids), CHUNK):
        keys: dict[int, list[str]] = {}
        for household_id, name, key in (Member.objects.filter(household_id__in=ids[start:start + CHUNK])
                                        .values_list("household_id", "name", "name_pinyin")):
            keys.setdefault(household_id, []).extend([name, key])
        Household.objects.bulk_update([Household(pk=pk, search_key=" ".join(parts)[:1000])
                                       for pk, parts in keys.items()], ["search_key"], batch_size=CHUNK)


class Migration(migrations.Migration):

    dependencies = [
        ("registry", "0006_job_heartbeat"),
    ]

    operations = [
        migrations.RunPython(forwards, migrations.RunPython.noop, elidable=True),
    ]
