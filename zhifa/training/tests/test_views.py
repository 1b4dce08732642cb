from __future__ import annotations

import io
from decimal import Decimal

from django.urls import reverse
from openpyxl import load_workbook

from zhifa.training import services
from zhifa.training.models import Attendance, TrainingSession
from zhifa.training.tests.util import workbook


def test_the_supervisor_records_a_session_from_the_form(client_for, supervisor):
    client = client_for(supervisor)
    response = client.post(
        reverse("training:session_create"),
        {
            "date": "2026-03-10",
            "form": "exam",
            "topic": "年度执法资格考试",
            "trainer": "钱律师",
            "place": "舟山市司法局",
            "hours": "2",
            "pass_score": "",
        },
    )
    session = TrainingSession.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("training:attendee_add", args=[session.pk])
    assert (session.organiser.name, session.pass_score) == ("舟山市司法局", Decimal("60"))


def test_a_bad_session_form_shows_the_reason_on_the_field(client_for, supervisor):
    response = client_for(supervisor).post(
        reverse("training:session_create"),
        {
            "date": "2026-03-10",
            "form": "practice",
            "topic": "",
            "trainer": "钱",
            "place": "会议室",
            "hours": "x",
        },
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert "请填写培训主题。" in body
    assert "学时“x”不是数字，请填写如 2.5 的数字。" in body
    assert TrainingSession.objects.count() == 0


def test_the_inspector_may_not_open_the_session_form(client_for, inspector):
    assert client_for(inspector).get(reverse("training:session_create")).status_code == 403


def test_the_picker_greys_nobody_for_the_bureau_and_adds_the_ticked_officers(
    client_for, supervisor, bureau_session, wang, li
):
    client = client_for(supervisor)
    url = reverse("training:attendee_add", args=[bureau_session.pk])
    page = client.get(url, {"q": "33090020260001"}, HTTP_HX_REQUEST="true")
    body = page.content.decode()
    assert "王建国（33090020260001）" in body and "李卫东" not in body
    assert "disabled" not in body
    response = client.post(url, {"officers": [wang.pk, li.pk]})
    assert response.status_code == 302
    assert sorted(Attendance.objects.values_list("officer__name", flat=True)) == [
        "李卫东",
        "王建国",
    ]


def test_an_officer_the_organiser_does_not_train_is_shown_greyed(
    client_for, admin_user, approver, health_agency, wang, sun
):
    session = services.create_session(
        actor=approver,
        organiser=health_agency,
        data={
            "date": __import__("datetime").date(2026, 3, 1),
            "form": "practice",
            "topic": "内部培训",
            "trainer": "李",
            "place": "本委",
            "hours": "1",
        },
    )
    body = (
        client_for(admin_user)
        .get(reverse("training:attendee_add", args=[session.pk]), {"q": "孙市监"})
        .content.decode()
    )
    assert f'value="{sun.pk}" disabled' in body
    assert "不在本次培训的组织范围内" in body


def test_another_regions_agency_cannot_see_the_bureaus_session(
    client_for, outsider, bureau_session
):
    client = client_for(outsider)
    assert (
        client.get(reverse("training:session_detail", args=[bureau_session.pk])).status_code == 404
    )
    assert (
        client.post(
            reverse("training:attendee_add", args=[bureau_session.pk]), {"officers": []}
        ).status_code
        == 404
    )
    assert Attendance.objects.count() == 0


def test_the_import_page_lists_every_bad_row(client_for, supervisor, exam_session, wang):
    content = workbook([("33090020260001", "王建国", "2", 120), ("x", "某某", "", 80)])
    upload = io.BytesIO(content)
    upload.name = "成绩.xlsx"
    response = client_for(supervisor).post(
        reverse("training:attendee_import", args=[exam_session.pk]), {"file": upload}
    )
    body = response.content.decode()
    assert "未导入任何数据。" in body
    assert "第 2 行" in body and "成绩应在 0 至 100 之间，填写的是 120。" in body
    assert "第 3 行" in body and "执法人员名录中没有这个执法证号，请核对。" in body
    assert Attendance.objects.count() == 0


def test_the_exports_open_with_openpyxl(
    client_for, supervisor, exam_session, wang, requirement_zhoushan
):
    (attendance,) = services.add_attendees(exam_session, actor=supervisor, officers=[wang])
    services.record_result(attendance, actor=supervisor, hours="2", score="75")
    client = client_for(supervisor)
    sessions = load_workbook(io.BytesIO(client.get(reverse("training:session_export")).content))
    rows = list(sessions.active.values)
    assert rows[0][:3] == ("培训日期", "培训形式", "培训主题")
    assert rows[1] == (
        "2026-03-10",
        "考试",
        "行政执法资格考试",
        "舟山市司法局",
        "钱律师",
        "舟山市司法局三楼会议室",
        2,
        "王建国",
        "33090020260001",
        "舟山市卫生健康委员会",
        2,
        75,
        "合格",
    )
    hours = load_workbook(
        io.BytesIO(client.get(reverse("training:officer_hours_export"), {"year": 2026}).content)
    )
    assert list(hours.active.values)[1] == (
        "王建国",
        "33090020260001",
        "舟山市卫生健康委员会",
        2026,
        1,
        2,
        4,
        2,
        "未达标",
        "演示设置",
    )


def test_the_agency_sees_its_officers_hours_with_those_below_marked(
    client_for, approver, supervisor, bureau_session, wang, li, requirement_zhoushan
):
    services.add_attendees(bureau_session, actor=supervisor, officers=[wang])
    body = (
        client_for(approver).get(reverse("training:officer_hours"), {"year": 2026}).content.decode()
    )
    assert "年度最低培训学时：4.0 学时（依据：演示设置）" in body
    assert body.count("未达标</span>") == 2
    assert '<strong data-testid="below-count">2</strong>' in body


def test_the_enterprise_may_not_see_training(client_for, enterprise):
    assert client_for(enterprise).get(reverse("training:session_list")).status_code == 403


def test_the_supervisor_sets_the_minimum_for_his_region_on_the_page(
    client_for, supervisor, zhoushan
):
    client = client_for(supervisor)
    response = client.post(
        reverse("training:requirement_list"),
        {"region": "330900", "yearly_hours": "8", "source": "演示设置"},
    )
    assert response.status_code == 302
    body = client.get(reverse("training:requirement_list")).content.decode()
    assert "浙江省舟山市" in body and "演示设置" in body


def test_the_supervisor_may_not_set_another_regions_minimum_and_nothing_changes(
    client_for, supervisor, jinzhong
):
    response = client_for(supervisor).post(
        reverse("training:requirement_list"),
        {"region": "140700", "yearly_hours": "8", "source": "演示设置"},
    )
    assert response.status_code == 200
    assert "该区划不在您所在机关的区划范围内" in response.content.decode()
    from zhifa.training.models import TrainingRequirement

    assert TrainingRequirement.objects.count() == 0


def test_an_agency_user_reads_the_minimums_but_may_not_set_one(client_for, approver):
    client = client_for(approver)
    assert client.get(reverse("training:requirement_list")).status_code == 200
    response = client.post(
        reverse("training:requirement_list"),
        {"region": "330900", "yearly_hours": "8", "source": "x"},
    )
    assert response.status_code == 403


def test_the_agency_sees_the_bureau_sessions_its_officer_attended(
    client_for, approver, supervisor, exam_session, wang, requirement_zhoushan
):
    (attendance,) = services.add_attendees(exam_session, actor=supervisor, officers=[wang])
    services.record_result(attendance, actor=supervisor, hours="2", score="58")
    body = (
        client_for(approver)
        .get(reverse("training:officer_record", args=[wang.pk]), {"year": 2026})
        .content.decode()
    )
    assert "参训 1 人次，共 2.0 学时" in body
    assert "还差 2.0 学时" in body
    assert "行政执法资格考试" in body and "舟山市司法局" in body and "不合格" in body


def test_another_regions_agency_cannot_open_the_officers_record(client_for, outsider, wang):
    response = client_for(outsider).get(reverse("training:officer_record", args=[wang.pk]))
    assert response.status_code == 404
