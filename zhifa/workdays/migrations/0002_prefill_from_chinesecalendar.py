"""Pre-fill the holiday table with every year the installed chinesecalendar package covers.

Self-contained on purpose (a frozen copy of zhifa.workdays.package), so that this migration gives
the same result whatever later becomes of the app's code. `zhifa workdays load` finds these years
already up to date. The years loaded here carry no audit record: they are the initial data, and
their source names the package version they came from.
"""

import uuid

from django.db import migrations

NOTICES = {
    2025: "国务院办公厅关于2025年部分节假日安排的通知（国办发明电〔2024〕12号）",
    2026: "国务院办公厅关于2026年部分节假日安排的通知（国办发明电〔2025〕7号）",
}
NAME_FIXES = {"清明": "清明节", "端午": "端午节", "中秋": "中秋节"}


def prefill(apps, schema_editor):
    import chinese_calendar
    from chinese_calendar import constants

    HolidayYear = apps.get_model("workdays", "HolidayYear")
    Holiday = apps.get_model("workdays", "Holiday")
    package = f"chinesecalendar {chinese_calendar.__version__}"

    def name_of(english):
        try:
            name = str(constants.Holiday(english).chinese)
        except ValueError:
            return english
        return NAME_FIXES.get(name, name)

    days = {}
    for day, english in constants.holidays.items():
        days[day] = ("holiday", name_of(english))
    for day, english in constants.workdays.items():
        days[day] = ("makeup_workday", name_of(english))

    for year in sorted({day.year for day in days}):
        if HolidayYear.objects.filter(year=year).exists():
            continue
        notice = NOTICES.get(year)
        holiday_year = HolidayYear.objects.create(
            year=year,
            source=f"{notice}；数据取自 {package}" if notice else package,
            revision=uuid.uuid4().hex,
        )
        Holiday.objects.bulk_create(
            [
                Holiday(date=day, year=holiday_year, kind=kind, name=name)
                for day, (kind, name) in sorted(days.items())
                if day.year == year
            ]
        )


class Migration(migrations.Migration):
    dependencies = [("workdays", "0001_initial")]

    operations = [migrations.RunPython(prefill, migrations.RunPython.noop)]
