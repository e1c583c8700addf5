import minxin.core.sealedfields
from django.db import migrations


class Migration(migrations.Migration):
    """The columns of sealed identifiers (core.sealing); their values are sealed by the next migration."""

    dependencies = [
        ('cadres', '0004_study_sessions'),
    ]

    operations = [
        migrations.AddField(
            model_name='cadre',
            name='id_number_hash',
            field=minxin.core.sealedfields.LookupField(part='digest', source='id_number'),
        ),
        migrations.AddField(
            model_name='cadre',
            name='id_number_tail',
            field=minxin.core.sealedfields.LookupField(db_index=True, part='tail', source='id_number'),
        ),
        migrations.AlterField(
            model_name='cadre',
            name='id_number',
            field=minxin.core.sealedfields.SealedField(kind='id_number', verbose_name='身份证号'),
        ),
        migrations.AlterField(
            model_name='cadre',
            name='phone',
            field=minxin.core.sealedfields.SealedField(kind='phone', verbose_name='联系电话'),
        ),
        migrations.AlterField(
            model_name='sendingunit',
            name='contact_phone',
            field=minxin.core.sealedfields.SealedField(blank=True, kind='phone', verbose_name='联系电话'),
        ),
    ]
