import minxin.core.sealedfields
from django.db import migrations


class Migration(migrations.Migration):
    """The columns of sealed identifiers (core.sealing); their values are sealed by the next migration."""

    dependencies = [
        ('accounts', '0002_initial'),
    ]

    operations = [
        migrations.AlterField(
            model_name='user',
            name='phone',
            field=minxin.core.sealedfields.SealedField(blank=True, kind='phone', verbose_name='联系电话'),
        ),
    ]
