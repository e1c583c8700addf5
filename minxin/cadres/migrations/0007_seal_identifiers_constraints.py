import minxin.core.sealedfields
from django.db import migrations


class Migration(migrations.Migration):
    """The lookups of sealed identifiers: index and uniqueness on their digests, once every row has
    them."""

    dependencies = [
        ('cadres', '0006_seal_identifiers_data'),
    ]

    operations = [
        migrations.AlterField(
            model_name='cadre',
            name='id_number_hash',
            field=minxin.core.sealedfields.LookupField(part='digest', source='id_number', unique=True),
        ),
    ]
