# Each case gets a check-in code of its own, shown only to the enterprise (it used to be the
# public verification code, which the agency holds); a check-in records where the phone was.

import secrets

from django.db import migrations, models

ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"


def give_codes(apps, schema_editor):
    InspectionCase = apps.get_model("inspections", "InspectionCase")
    taken = set()
    for case in InspectionCase.objects.filter(checkin_code__isnull=True).only("pk"):
        code = "".join(secrets.choice(ALPHABET) for _ in range(10))
        while code in taken:
            code = "".join(secrets.choice(ALPHABET) for _ in range(10))
        taken.add(code)
        InspectionCase.objects.filter(pk=case.pk).update(checkin_code=code)


class Migration(migrations.Migration):

    dependencies = [
        ("inspections", "0004_decision_provisions"),
    ]

    operations = [
        migrations.AddField(
            model_name="caseofficer",
            name="checkin_accuracy",
            field=models.PositiveIntegerField(
                blank=True, null=True, verbose_name="签到位置精度（米）"
            ),
        ),
        migrations.AddField(
            model_name="caseofficer",
            name="checkin_latitude",
            field=models.DecimalField(
                blank=True, decimal_places=6, max_digits=9, null=True, verbose_name="签到位置纬度"
            ),
        ),
        migrations.AddField(
            model_name="caseofficer",
            name="checkin_longitude",
            field=models.DecimalField(
                blank=True, decimal_places=6, max_digits=9, null=True, verbose_name="签到位置经度"
            ),
        ),
        migrations.AddField(
            model_name="inspectioncase",
            name="checkin_code",
            field=models.CharField(
                editable=False,
                max_length=16,
                null=True,
                verbose_name="签到码",
                help_text="企业出示、执法人员扫码签到用，只向被检查企业显示。",
            ),
        ),
        migrations.RunPython(give_codes, migrations.RunPython.noop),
    ]
