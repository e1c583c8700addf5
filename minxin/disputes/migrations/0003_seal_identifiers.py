import minxin.core.sealedfields
from django.db import migrations


class Migration(migrations.Migration):
    """The columns of sealed identifiers (core.sealing); their values are sealed by the next migration."""

    dependencies = [
        ('disputes', '0002_cases_and_petitions'),
    ]

    operations = [
        migrations.AlterField(
            model_name='disputeparty',
            name='phone',
            field=minxin.core.sealedfields.SealedField(blank=True, kind='phone', verbose_name='联系电话'),
        ),
        migrations.AlterField(
            model_name='petition',
            name='phone',
            field=minxin.core.sealedfields.SealedField(blank=True, kind='phone', verbose_name='联系电话'),
        ),
    ]
