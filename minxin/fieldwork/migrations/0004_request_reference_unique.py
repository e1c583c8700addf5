from django.db import migrations, models

import minxin.fieldwork.models.followup as followup


class Migration(migrations.Migration):

    dependencies = [
        ("fieldwork", "0003_request_reference"),
    ]

    operations = [
        migrations.AlterField(
            model_name="villagerrequest",
            name="reference",
            field=models.CharField(default=followup.new_reference, editable=False, max_length=8, unique=True,
                                   verbose_name="受理编号"),
        ),
    ]
