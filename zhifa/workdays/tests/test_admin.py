"""The holiday table in the Django admin is for reading: entry goes through four eyes."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from zhifa.audit.models import AuditRecord
from zhifa.workdays import package
from zhifa.workdays.models import Holiday, HolidayArrangement, HolidayYear


@pytest.mark.django_db
def test_admin_lists_the_years_with_their_day_counts(client_for, admin_user):
    response = client_for(admin_user).get(reverse("admin:workdays_holidayyear_changelist"))
    assert response.status_code == 200
    assert response.context["cl"].result_count == len(package.package_years())
    year_2026 = response.context["cl"].queryset.get(year=2026)
    assert year_2026.day_total == len(package.package_days(2026))


@pytest.mark.django_db
def test_the_year_page_shows_its_days_read_only(client_for, admin_user):
    holiday_year = HolidayYear.objects.get(year=2026)
    client = client_for(admin_user)
    response = client.get(reverse("admin:workdays_holidayyear_change", args=[holiday_year.pk]))
    assert response.status_code == 200
    assert response.context["inline_admin_formsets"][0].formset.total_form_count() == len(
        package.package_days(2026)
    )
    assert client.get(reverse("admin:workdays_holiday_changelist")).status_code == 200
    assert client.get(reverse("admin:workdays_holidayarrangement_changelist")).status_code == 200


@pytest.mark.django_db
def test_admin_cannot_add_change_or_delete_years_or_days(client_for, admin_user):
    holiday = Holiday.objects.get(date=dt.date(2026, 2, 21))
    holiday_year = HolidayYear.objects.get(year=2026)
    audit_before = AuditRecord.objects.count()
    days_before = Holiday.objects.count()
    client = client_for(admin_user)

    responses = [
        client.post(reverse("admin:workdays_holidayyear_add"), {"year": "2099", "source": "x"}),
        client.post(
            reverse("admin:workdays_holiday_change", args=[holiday.pk]),
            {"date": "2026-02-21", "kind": "makeup_workday", "name": "春节"},
        ),
        client.post(
            reverse("admin:workdays_holiday_add"),
            {"date": "2099-01-01", "kind": "holiday", "name": "元旦"},
        ),
        client.post(
            reverse("admin:workdays_holidayyear_delete", args=[holiday_year.pk]), {"post": "yes"}
        ),
    ]

    assert [r.status_code for r in responses] == [403, 403, 403, 403]
    holiday.refresh_from_db()
    assert holiday.kind == "holiday"
    assert Holiday.objects.count() == days_before
    assert HolidayYear.objects.filter(year=2099).exists() is False
    assert HolidayArrangement.objects.filter(year=2099).exists() is False
    assert AuditRecord.objects.count() == audit_before


@pytest.mark.django_db
@pytest.mark.parametrize("persona", ["inspector", "supervisor"])
def test_non_admins_cannot_see_the_holiday_table_in_admin(client_for, persona, request):
    user = request.getfixturevalue(persona)
    user.is_staff = True
    user.save()
    response = client_for(user).get(reverse("admin:workdays_holidayyear_changelist"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))
