"""Cadres' names read with their surname reading (minxin.core.pinyin): rebuild the pinyin keys."""

from django.db import migrations

from minxin.core.pinyin import rebuild


def forwards(apps, schema_editor):
    rebuild(apps.get_model("cadres", "Cadre").objects.all())


class Migration(migrations.Migration):

    dependencies = [
        ("cadres", "0001_initial"),
    ]

    operations = [
        migrations.RunPython(forwards, migrations.RunPython.noop, elidable=True),
    ]
