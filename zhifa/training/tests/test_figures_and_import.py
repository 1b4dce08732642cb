from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

import zhifa_testing as testing
from zhifa.audit.models import AuditRecord
from zhifa.org.models import CertificateStatus, OrganisationKind, RegionLevel
from zhifa.training import selectors, services
from zhifa.training.models import Attendance
from zhifa.training.tests.util import session_data, workbook


def test_the_nearest_region_up_the_tree_gives_the_minimum(admin_user, zhoushan):
    district = testing.region("330902", "定海区", RegionLevel.COUNTY, zhoushan)
    assert selectors.requirement_for(district) is None
    services.set_requirement(actor=admin_user, region=None, yearly_hours="30", source="全国文件")
    assert selectors.requirement_for(district).yearly_hours == Decimal("30.0")
    services.set_requirement(
        actor=admin_user, region=zhoushan, yearly_hours="40", source="演示设置"
    )
    found = selectors.requirement_for(district)
    assert (found.region_id, found.yearly_hours) == ("330900", Decimal("40.0"))


def test_hours_and_person_times_per_officer_and_agency_are_exact(
    supervisor, approver, health_agency, justice_bureau, wang, li, sun, requirement_zhoushan
):
    first = services.create_session(actor=supervisor, organiser=justice_bureau, data=session_data())
    services.add_attendees(first, actor=supervisor, officers=[wang, li, sun])
    internal = services.create_session(
        actor=approver, organiser=health_agency, data=session_data(hours="1.5")
    )
    services.add_attendees(internal, actor=approver, officers=[wang])
    last_year = services.create_session(
        actor=supervisor, organiser=justice_bureau, data=session_data(date=dt.date(2025, 6, 1))
    )
    services.add_attendees(last_year, actor=supervisor, officers=[li])
    (li_attendance,) = Attendance.objects.filter(session=first, officer=li)
    services.record_result(li_attendance, actor=supervisor, hours="1")

    rows = selectors.hours_for_organisation(health_agency, 2026)
    assert [(r.officer.name, r.person_times, r.hours, r.shortfall) for r in rows] == [
        ("李卫东", 1, Decimal("1.0"), Decimal("3.0")),
        ("王建国", 2, Decimal("4.0"), Decimal("0.0")),
    ]
    figures = {f.organisation.name: f for f in selectors.agency_figures(supervisor, 2026)}
    health = figures["舟山市卫生健康委员会"]
    assert (health.officers, health.person_times, health.hours, health.below) == (
        2,
        3,
        Decimal("5.0"),
        1,
    )
    market = figures["舟山市市场监督管理局"]
    assert (market.officers, market.person_times, market.hours, market.below) == (
        1,
        1,
        Decimal("2.5"),
        1,
    )


def test_below_minimum_lists_the_bureaus_officers_by_shortfall_and_the_agencys_own(
    supervisor, justice_bureau, health_agency, wang, li, sun, jinzhong_officer, requirement_zhoushan
):
    session = services.create_session(
        actor=supervisor, organiser=justice_bureau, data=session_data()
    )
    services.add_attendees(session, actor=supervisor, officers=[wang])
    revoked = testing.officer(
        "赵吊销", organisation=health_agency, cert_status=CertificateStatus.REVOKED
    )
    bureau = selectors.below_minimum(justice_bureau, 2026)
    assert [(r.officer.name, r.hours, r.required, r.shortfall) for r in bureau] == [
        ("李卫东", Decimal("0.0"), Decimal("4.0"), Decimal("4.0")),
        ("孙市监", Decimal("0.0"), Decimal("4.0"), Decimal("4.0")),
        ("王建国", Decimal("2.5"), Decimal("4.0"), Decimal("1.5")),
    ]
    assert revoked.pk not in {r.officer.pk for r in bureau}
    agency = selectors.below_minimum(health_agency, 2026)
    assert [r.officer.name for r in agency] == ["李卫东", "王建国"]


def test_nobody_is_below_a_minimum_that_was_never_set(justice_bureau, wang):
    assert selectors.below_minimum(justice_bureau, 2026) == []


def test_a_justice_office_looks_after_its_township_only(admin_user):
    city = testing.region(
        "150200",
        "包头市",
        RegionLevel.CITY,
        testing.region("150000", "内蒙古自治区", RegionLevel.PROVINCE),
    )
    county = testing.region("150204", "青山区", RegionLevel.COUNTY, city)
    town = testing.region("150204101", "兴胜镇", RegionLevel.TOWNSHIP, county)
    office = testing.organisation("兴胜镇司法所", region=town, kind=OrganisationKind.JUSTICE_OFFICE)
    government = testing.organisation("兴胜镇人民政府", region=town, kind=OrganisationKind.TOWNSHIP)
    district_agency = testing.organisation("包头市青山区市场监督管理局", region=county)
    local = testing.officer("高镇", organisation=government, cert_no="15020420260001")
    testing.officer("刘区", organisation=district_agency, cert_no="15020420260002")
    services.set_requirement(actor=admin_user, region=county, yearly_hours="8", source="演示设置")
    assert [r.officer.name for r in selectors.below_minimum(office, 2026)] == ["高镇"]
    xingsheng = testing.user("xingsheng", role="supervisor", organisation=office)
    session = services.create_session(actor=xingsheng, organiser=office, data=session_data())
    services.add_attendees(session, actor=xingsheng, officers=[local])
    assert selectors.below_minimum(office, 2026)[0].hours == Decimal("2.5")


# --- Import --------------------------------------------------------------------------------------


def test_an_import_records_every_row_when_all_are_good(supervisor, exam_session, wang, li):
    content = workbook(
        [("33090020260001", "王建国", "2", 88), ("33090020260002", "李卫东", "", 55)]
    )
    report = services.import_attendance(
        exam_session, actor=supervisor, file_name="考试成绩.xlsx", content=content
    )
    assert (report.ok, report.created, report.updated) == (True, 2, 0)
    got = Attendance.objects.filter(session=exam_session).order_by("officer__cert_no")
    assert [(a.officer.name, a.hours, a.score, a.passed) for a in got] == [
        ("王建国", Decimal("2.0"), Decimal("88.0"), True),
        ("李卫东", Decimal("2.0"), Decimal("55.0"), False),
    ]
    assert AuditRecord.objects.get(action="training.attendance.import").summary == (
        "从文件导入培训“行政执法资格考试”的参训记录：新增 2 名、更新 0 名"
    )


def test_an_import_reimported_updates_the_rows_already_there(supervisor, exam_session, wang):
    services.import_attendance(
        exam_session,
        actor=supervisor,
        file_name="a.xlsx",
        content=workbook([("33090020260001", "王建国", "2", 50)]),
    )
    report = services.import_attendance(
        exam_session,
        actor=supervisor,
        file_name="a.xlsx",
        content=workbook([("33090020260001", "王建国", "2", 70)]),
    )
    assert (report.created, report.updated) == (0, 1)
    assert Attendance.objects.get().passed is True


def test_an_import_with_bad_rows_reports_every_one_and_writes_nothing(
    supervisor, exam_session, wang, li, jinzhong_officer
):
    content = workbook(
        [
            ("33090020260001", "王建国", "2", 90),
            ("33090020269999", "查无此人", "2", 80),
            ("33090020260002", "李卫冬", "2", 80),
            ("14070020260001", "周晋中", "2", 80),
            ("33090020260001", "王建国", "abc", 101),
            ("33090020260002", "李卫东", "2", ""),
        ]
    )
    report = services.import_attendance(
        exam_session, actor=supervisor, file_name="考试成绩.xlsx", content=content
    )
    assert not report.ok
    assert [(e.row, e.column, e.message) for e in report.errors] == [
        (3, "执法证号", "执法人员名录中没有这个执法证号，请核对。"),
        (4, "姓名", "姓名与执法证号不符：执法证号 33090020260002 登记的是李卫东。"),
        (
            5,
            "执法证号",
            "执法人员周晋中（14070020260001）所属的晋中市市场监督管理局不在舟山市司法局的区划范围内，"
            "不能登记为本次培训的参训人员。",
        ),
        (6, "执法证号", "与第 2 行重复，同一人只能填写一行。"),
        (6, "学时", "学时“abc”不是数字，请填写如 2.5 的数字。"),
        (6, "成绩", "成绩应在 0 至 100 之间，填写的是 101。"),
        (7, "执法证号", "与第 4 行重复，同一人只能填写一行。"),
        (7, "成绩", "本次培训是考试，请填写成绩（0 至 100 分）。"),
    ]
    assert Attendance.objects.count() == 0
    assert not AuditRecord.objects.filter(action="training.attendance.import").exists()


def test_an_import_of_an_unreadable_file_says_why(supervisor, bureau_session):
    report = services.import_attendance(
        bureau_session, actor=supervisor, file_name="名单.xls", content=b"junk"
    )
    assert report.file_error.startswith("不支持的文件类型“.xls”")
    assert Attendance.objects.count() == 0


def test_an_outsider_may_not_import_into_the_bureaus_session(outsider, bureau_session, wang):
    with pytest.raises(Exception) as caught:
        services.import_attendance(
            bureau_session,
            actor=outsider,
            file_name="a.xlsx",
            content=workbook([("33090020260001", "王建国", "", "")]),
        )
    assert type(caught.value).__name__ == "PermissionDenied"
    assert Attendance.objects.count() == 0
