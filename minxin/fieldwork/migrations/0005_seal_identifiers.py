import minxin.core.sealedfields
from django.db import migrations


class Migration(migrations.Migration):
    """The columns of sealed identifiers (core.sealing); their values are sealed by the next migration."""

    dependencies = [
        ('fieldwork', '0004_request_reference_unique'),
    ]

    operations = [
        migrations.AlterField(
            model_name='villagerrequest',
            name='contact_phone',
            field=minxin.core.sealedfields.SealedField(blank=True, kind='phone', verbose_name='联系电话'),
        ),
    ]
