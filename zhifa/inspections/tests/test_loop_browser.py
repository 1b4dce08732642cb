"""The enterprise reports its 整改 with a photo on a 390×844 phone, and the officer sees it."""

from __future__ import annotations

import datetime as dt
import zoneinfo
from importlib import import_module

import pytest
import time_machine
from django.apps import apps as django_apps
from django.urls import reverse

import zhifa_testing as testing
from zhifa.inspections import services
from zhifa.inspections.models import CaseOutcome, FindingResult, InspectionKind, RectificationReport
from zhifa.org.models import Role
from zhifa.workdays.services import load_all_from_package

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")
PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True}
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


def at(day: dt.date, hour: int = 10, *, tick: bool = False):
    return time_machine.travel(
        dt.datetime(day.year, day.month, day.day, hour, tzinfo=SHANGHAI), tick=tick
    )


@pytest.fixture(autouse=True)
def _seeded(transactional_db):
    # A transactional test before this one flushed what the migrations seeded.
    load_all_from_package(actor=None)
    for module, function in (
        ("zhifa.documents.migrations.0002_seed_document_kinds", "seed"),
        ("zhifa.documents.migrations.0004_load_prohibitions", "load"),
    ):
        getattr(import_module(module), function)(django_apps, None)


@pytest.fixture(autouse=True)
def _private_media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def _rectifying_case(inspector, approver, health_agency, enterprise, items):
    second = testing.user(
        "inspector2", role=Role.INSPECTOR, organisation=health_agency, display_name="周执法"
    )
    officers = [
        testing.officer("王检查", organisation=health_agency, user=inspector),
        testing.officer("周执法", organisation=health_agency, user=second),
    ]
    with at(dt.date(2026, 3, 2)):
        case = services.create_case(
            organisation=health_agency,
            enterprise=enterprise.enterprise,
            kind=InspectionKind.PLANNED,
            items=items,
            officers=officers,
            inspection_date=dt.date(2026, 3, 16),
            actor=inspector,
        )
        services.submit_case(case, actor=inspector)
        services.approve_case(case, actor=approver, opinion="同意。")
        services.issue_notice(case, actor=inspector)
    with at(dt.date(2026, 3, 16)):
        for user in (inspector, second):
            services.check_in(case, actor=user, code=case.checkin_code)
        services.record_finding(case, actor=inspector, item=items[0], result="compliant")
        services.record_finding(
            case,
            actor=inspector,
            item=items[1],
            result=FindingResult.PROBLEM,
            description="2名服务员健康合格证明已过期。",
        )
        services.finish_site_record(
            case, actor=inspector, present_person="陈经理", party_opinion="无异议。"
        )
        services.decide_case(
            case,
            actor=inspector,
            outcome=CaseOutcome.RECTIFY,
            decisions={
                2: {
                    "chosen": "none",
                    "harm_level": "minor",
                    "corrected_on_site": True,
                    "violated_provision": "《公共场所卫生管理条例》第七条",
                    "penalty_provision": "《公共场所卫生管理条例》第十四条",
                }
            },
            rectify_working_days=10,
        )
    return case


def test_the_enterprise_reports_its_rectification_with_a_photo_on_a_phone(
    chromium, live_server, tmp_path, inspector, approver, health_agency, enterprise, items
):
    case = _rectifying_case(inspector, approver, health_agency, enterprise, items)
    photo = tmp_path / "整改后.png"
    photo.write_bytes(PNG)
    context = chromium.new_context(base_url=live_server.url, locale="zh-CN", **PHONE)
    try:
        with at(dt.date(2026, 3, 20), tick=True):
            page = context.new_page()
            page.set_default_timeout(15_000)
            page.goto("/accounts/login/")
            page.get_by_label("用户名").fill(enterprise.username)
            page.get_by_label("密码").fill(testing.DEMO_PASSWORD)
            with page.expect_navigation(wait_until="load"):
                page.get_by_role("button", name="登录").click()
            page.goto(reverse("inspections:my_case", args=[case.pk]))
            form = page.get_by_test_id("rectification-form")
            form.get_by_label("整改情况").fill("2名服务员已体检并取得健康合格证明。")
            form.get_by_label("整改照片").set_input_files(str(photo))
            button = form.get_by_role("button", name="提交整改情况")
            box = button.bounding_box()
            assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= 390
            with page.expect_navigation(wait_until="load"):
                button.click()

            assert "已提交整改情况，执法人员复查时将查看。" in page.content()
            report = page.get_by_test_id("rectification-report")
            assert report.count() == 1
            assert "2名服务员已体检并取得健康合格证明。" in report.inner_text()
            assert report.locator("img").count() == 1
            assert page.evaluate("document.documentElement.scrollWidth") <= 390
    finally:
        context.close()

    saved = RectificationReport.objects.get()
    assert (saved.is_late, saved.photos.count()) == (False, 1)
