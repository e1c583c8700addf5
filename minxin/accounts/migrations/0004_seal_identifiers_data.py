import minxin.core.sealedfields
from django.db import migrations


class Migration(migrations.Migration):
    """Seal the values stored in clear (undone: written back in clear). A migration of its own: on
    PostgreSQL, no table may be altered in the transaction that updated its rows."""

    dependencies = [
        ('accounts', '0003_seal_identifiers'),
    ]

    operations = [
        minxin.core.sealedfields.seal_existing('accounts_user', 'phone', 'phone'),
    ]
