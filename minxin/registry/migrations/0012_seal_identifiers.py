import minxin.core.sealedfields
from django.db import migrations


class Migration(migrations.Migration):
    """The columns of sealed identifiers (core.sealing); their values are sealed by the next migration."""

    dependencies = [
        ('registry', '0011_job_request_id'),
    ]

    operations = [
        migrations.RemoveConstraint(
            model_name='member',
            name='member_unique_id_number',
        ),
        migrations.AddField(
            model_name='member',
            name='id_number_hash',
            field=minxin.core.sealedfields.LookupField(part='digest', source='id_number'),
        ),
        migrations.AddField(
            model_name='member',
            name='id_number_tail',
            field=minxin.core.sealedfields.LookupField(part='tail', source='id_number'),
        ),
        migrations.AlterField(
            model_name='household',
            name='phone',
            field=minxin.core.sealedfields.SealedField(blank=True, kind='phone', verbose_name='联系电话'),
        ),
        migrations.AlterField(
            model_name='member',
            name='id_number',
            field=minxin.core.sealedfields.SealedField(kind='id_number', verbose_name='证件号码'),
        ),
    ]
