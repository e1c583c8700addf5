# Quarters and schemes belong to a county, so that a prefecture's database assesses each of its
# counties apart. Rows made before belong to the deployment's county (MINXIN_COUNTY_CODE).

from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('assessment', '0008_organize_from_party'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RemoveConstraint(
            model_name='period',
            name='period_unique_quarter',
        ),
        migrations.AddField(
            model_name='period',
            name='county_code',
            field=models.CharField(default=settings.MINXIN_COUNTY_CODE, max_length=12, verbose_name='县'),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name='scheme',
            name='county_code',
            field=models.CharField(default=settings.MINXIN_COUNTY_CODE, max_length=12, verbose_name='县'),
            preserve_default=False,
        ),
        migrations.AlterField(
            model_name='scheme',
            name='version',
            field=models.PositiveIntegerField(verbose_name='版本'),
        ),
        migrations.AddConstraint(
            model_name='period',
            constraint=models.UniqueConstraint(fields=('county_code', 'year', 'quarter'), name='period_unique_quarter'),
        ),
        migrations.AddConstraint(
            model_name='scheme',
            constraint=models.UniqueConstraint(fields=('county_code', 'version'), name='scheme_unique_version'),
        ),
    ]
