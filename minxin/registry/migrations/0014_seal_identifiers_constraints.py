from django.db import migrations, models


class Migration(migrations.Migration):
    """The lookups of sealed identifiers: index and uniqueness on their digests, once every row has
    them."""

    dependencies = [
        ('registry', '0013_seal_identifiers_data'),
    ]

    operations = [
        migrations.AddIndex(
            model_name='member',
            index=models.Index(fields=['id_number_tail'], name='member_id_tail'),
        ),
        migrations.AddConstraint(
            model_name='member',
            constraint=models.UniqueConstraint(fields=('id_number_hash',), name='member_unique_id_number'),
        ),
    ]
