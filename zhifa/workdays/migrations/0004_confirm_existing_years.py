"""Give every year already in the table the arrangement record that makes it count as loaded.

Years that came from the chinesecalendar package (their source names it) become confirmed
package arrangements, so they stay loaded. Any other year was typed into the Django admin by one
person, possibly only in part: it becomes a hand-entered arrangement waiting for a second
administrator's review, and is not loaded until confirmed.

Self-contained on purpose (frozen copies of the grouping and the notice table), so that this
migration gives the same result whatever later becomes of the app's code.
"""

import datetime as dt
import re

from django.db import migrations

NOTICE_DATES = {2025: dt.date(2024, 11, 12), 2026: dt.date(2025, 11, 4)}
PACKAGE = re.compile(r"chinesecalendar \S+")
NUMBER = re.compile(r"（(国办发明电〔\d{4}〕\d+号)）")


def group(rows):
    """Holiday rows as ranges of consecutive dates with the same name; make-up days one by one."""
    holidays, makeup = [], []
    for day, kind, name in rows:
        if kind == "makeup_workday":
            makeup.append({"date": day.isoformat(), "name": name})
            continue
        last = holidays[-1] if holidays else None
        if (
            last is not None
            and last["name"] == name
            and dt.date.fromisoformat(last["last"]) + dt.timedelta(days=1) == day
        ):
            last["last"] = day.isoformat()
        else:
            holidays.append({"name": name, "first": day.isoformat(), "last": day.isoformat()})
    return holidays, makeup


def confirm_existing(apps, schema_editor):
    HolidayYear = apps.get_model("workdays", "HolidayYear")
    HolidayArrangement = apps.get_model("workdays", "HolidayArrangement")
    Holiday = apps.get_model("workdays", "Holiday")
    for holiday_year in HolidayYear.objects.filter(arrangement__isnull=True).order_by("year"):
        rows = Holiday.objects.filter(year=holiday_year).order_by("date")
        holidays, makeup = group(rows.values_list("date", "kind", "name"))
        package = PACKAGE.search(holiday_year.source)
        number = NUMBER.search(holiday_year.source)
        arrangement = HolidayArrangement.objects.create(
            year=holiday_year.year,
            source="library" if package else "manual",
            library_version=package.group(0) if package else "",
            notice_number=number.group(1) if number else "",
            notice_date=NOTICE_DATES.get(holiday_year.year) if package else None,
            holidays=holidays,
            makeup_workdays=makeup,
            status="confirmed" if package else "pending",
            entered_by_id=holiday_year.loaded_by_id,
            entered_at=holiday_year.loaded_at,
            confirmed_by_id=holiday_year.loaded_by_id if package else None,
            confirmed_at=holiday_year.loaded_at if package else None,
        )
        if package:
            holiday_year.arrangement = arrangement
            holiday_year.save(update_fields=["arrangement"])


def unlink(apps, schema_editor):
    apps.get_model("workdays", "HolidayYear").objects.update(arrangement=None)
    apps.get_model("workdays", "HolidayArrangement").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [("workdays", "0003_arrangements")]

    operations = [migrations.RunPython(confirm_existing, unlink)]
