# The check-in codes given in 0004 become required and unique (a migration of its own, so that
# PostgreSQL alters the table in a transaction that did not also update its rows).

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ("inspections", "0005_checkin_code_and_location"),
    ]

    operations = [
        migrations.AlterField(
            model_name="inspectioncase",
            name="checkin_code",
            field=models.CharField(
                editable=False,
                max_length=16,
                unique=True,
                verbose_name="签到码",
                help_text="企业出示、执法人员扫码签到用，只向被检查企业显示。",
            ),
        ),
    ]
