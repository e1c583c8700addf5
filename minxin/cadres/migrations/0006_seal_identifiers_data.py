import minxin.core.sealedfields
from django.db import migrations


class Migration(migrations.Migration):
    """Seal the values stored in clear (undone: written back in clear). A migration of its own: on
    PostgreSQL, no table may be altered in the transaction that updated its rows."""

    dependencies = [
        ('cadres', '0005_seal_identifiers'),
    ]

    operations = [
        minxin.core.sealedfields.seal_existing('cadres_cadre', 'id_number', 'id_number', 'id_number_hash', 'id_number_tail'),
        minxin.core.sealedfields.seal_existing('cadres_cadre', 'phone', 'phone'),
        minxin.core.sealedfields.seal_existing('cadres_sendingunit', 'contact_phone', 'phone'),
    ]
