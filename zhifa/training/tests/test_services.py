from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from zhifa.audit.models import AuditRecord
from zhifa.training import services
from zhifa.training.models import Attendance, TrainingForm, TrainingRequirement, TrainingSession
from zhifa.training.tests.util import DAY, session_data


def test_the_bureau_records_a_session_with_its_audit_record(supervisor, justice_bureau):
    session = services.create_session(
        actor=supervisor, organiser=justice_bureau, data=session_data()
    )
    session.refresh_from_db()
    assert (session.date, session.form, session.hours, session.region_id) == (
        DAY,
        TrainingForm.CASE_ANALYSIS,
        Decimal("2.5"),
        "330900",
    )
    assert session.pass_score is None
    record = AuditRecord.objects.get(action="training.session.create")
    assert record.summary == "登记培训：2026-03-10“行政检查典型案例分析”（案例分析，2.5 学时）"


def test_an_exam_gets_the_pass_mark_of_sixty_when_none_is_given(exam_session):
    assert exam_session.pass_score == Decimal("60")


def test_a_session_with_bad_values_names_each_field_and_writes_nothing(supervisor, justice_bureau):
    with pytest.raises(ValidationError) as caught:
        services.create_session(
            actor=supervisor,
            organiser=justice_bureau,
            data=session_data(topic="", hours="2.55", form="lecture", trainer="钱\x07律师"),
        )
    assert caught.value.message_dict == {
        "topic": ["请填写培训主题。"],
        "trainer": ["授课人含有不可见的控制字符（第 2 个字符，U+0007），请删除后重新填写。"],
        "form": ["请选择培训形式：案例分析、实务指导、现场答疑、考试。"],
        "hours": ["学时最多保留一位小数，填写的是 2.55。"],
    }
    assert TrainingSession.objects.count() == 0
    assert AuditRecord.objects.filter(action__startswith="training.").count() == 0


def test_an_inspector_may_not_record_his_agencys_session(inspector, health_agency):
    with pytest.raises(PermissionDenied):
        services.create_session(actor=inspector, organiser=health_agency, data=session_data())
    assert TrainingSession.objects.count() == 0


def test_the_agency_head_records_an_internal_session_for_his_own_officers(
    approver, health_agency, wang, li
):
    session = services.create_session(
        actor=approver, organiser=health_agency, data=session_data(form=TrainingForm.PRACTICE)
    )
    added = services.add_attendees(session, actor=approver, officers=[wang, li])
    assert [(a.officer.name, a.hours) for a in added] == [
        ("王建国", Decimal("2.5")),
        ("李卫东", Decimal("2.5")),
    ]
    record = AuditRecord.objects.get(action="training.attendance.add")
    assert record.summary == "培训“行政检查典型案例分析”登记参训人员 2 名：王建国、李卫东"


def test_an_agency_may_not_add_another_agencys_officer_and_nothing_changes(
    approver, health_agency, wang, sun
):
    session = services.create_session(actor=approver, organiser=health_agency, data=session_data())
    with pytest.raises(ValidationError) as caught:
        services.add_attendees(session, actor=approver, officers=[wang, sun])
    assert caught.value.message_dict == {
        "officers": [
            "执法人员孙市监（33090020260003）不是舟山市卫生健康委员会的执法人员；"
            "机关内部培训只能登记本机关的执法人员。"
        ]
    }
    assert Attendance.objects.count() == 0
    assert not AuditRecord.objects.filter(action="training.attendance.add").exists()


def test_the_bureau_may_not_add_an_officer_of_another_region_and_nothing_changes(
    supervisor, bureau_session, wang, jinzhong_officer
):
    with pytest.raises(ValidationError) as caught:
        services.add_attendees(bureau_session, actor=supervisor, officers=[wang, jinzhong_officer])
    assert caught.value.message_dict["officers"] == [
        "执法人员周晋中（14070020260001）所属的晋中市市场监督管理局不在舟山市司法局的区划范围内，"
        "不能登记为本次培训的参训人员。"
    ]
    assert Attendance.objects.count() == 0


def test_an_agency_of_another_region_may_not_add_its_officers_to_the_bureaus_session(
    jinzhong_approver, bureau_session, jinzhong_officer
):
    with pytest.raises(PermissionDenied) as caught:
        services.add_attendees(bureau_session, actor=jinzhong_approver, officers=[jinzhong_officer])
    assert str(caught.value).startswith("培训只能由组织单位登记")
    assert Attendance.objects.count() == 0


def test_an_officer_is_recorded_once_per_session(supervisor, bureau_session, wang):
    services.add_attendees(bureau_session, actor=supervisor, officers=[wang])
    with pytest.raises(ValidationError) as caught:
        services.add_attendees(bureau_session, actor=supervisor, officers=[wang])
    assert caught.value.message_dict == {
        "officers": ["执法人员王建国（33090020260001）已在参训名单中。"]
    }
    assert Attendance.objects.count() == 1


def test_an_exam_score_decides_pass_or_fail_by_the_pass_mark(supervisor, exam_session, wang, li):
    first, second = services.add_attendees(exam_session, actor=supervisor, officers=[wang, li])
    services.record_result(first, actor=supervisor, hours="2", score="60")
    services.record_result(second, actor=supervisor, hours="1.5", score="59.5")
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.score, first.passed, first.result_label) == (Decimal("60.0"), True, "合格")
    assert (second.hours, second.score, second.passed) == (Decimal("1.5"), Decimal("59.5"), False)


def test_a_score_outside_0_to_100_is_refused_and_nothing_changes(supervisor, exam_session, wang):
    (attendance,) = services.add_attendees(exam_session, actor=supervisor, officers=[wang])
    with pytest.raises(ValidationError) as caught:
        services.record_result(attendance, actor=supervisor, hours="2", score="101")
    assert caught.value.message_dict == {"score": ["考试成绩应在 0 至 100 之间，填写的是 101。"]}
    attendance.refresh_from_db()
    assert (attendance.score, attendance.passed) == (None, None)


def test_a_score_is_refused_for_a_session_that_is_not_an_exam(supervisor, bureau_session, wang):
    (attendance,) = services.add_attendees(bureau_session, actor=supervisor, officers=[wang])
    with pytest.raises(ValidationError) as caught:
        services.record_result(attendance, actor=supervisor, hours="2", score="90")
    assert caught.value.message_dict == {
        "score": ["本次培训的形式是案例分析，不是考试，不能登记成绩。"]
    }


def test_removing_an_attendee_is_audited(supervisor, bureau_session, wang):
    (attendance,) = services.add_attendees(bureau_session, actor=supervisor, officers=[wang])
    services.remove_attendee(attendance, actor=supervisor)
    assert Attendance.objects.count() == 0
    record = AuditRecord.objects.get(action="training.attendance.remove")
    assert record.summary == "从培训“行政检查典型案例分析”的参训名单中移除王建国（33090020260001）"


def test_a_supervisor_sets_the_minimum_for_his_region_but_not_another(
    supervisor, zhoushan, jinzhong
):
    found = services.set_requirement(
        actor=supervisor, region=zhoushan, yearly_hours="40", source="演示设置"
    )
    assert (found.region_id, found.yearly_hours, found.source) == (
        "330900",
        Decimal("40.0"),
        "演示设置",
    )
    services.set_requirement(
        actor=supervisor, region=zhoushan, yearly_hours="36", source="演示设置"
    )
    assert TrainingRequirement.objects.get().yearly_hours == Decimal("36.0")
    with pytest.raises(PermissionDenied):
        services.set_requirement(actor=supervisor, region=jinzhong, yearly_hours="40", source="x")
    assert TrainingRequirement.objects.count() == 1


def test_only_an_administrator_sets_the_national_default(supervisor, admin_user):
    with pytest.raises(ValidationError) as caught:
        services.set_requirement(actor=supervisor, region=None, yearly_hours="40", source="x")
    assert caught.value.message_dict == {"region": ["全国默认值只能由系统管理员设置。"]}
    services.set_requirement(actor=admin_user, region=None, yearly_hours="40", source="某文件")
    services.set_requirement(actor=admin_user, region=None, yearly_hours="30", source="某文件")
    assert list(TrainingRequirement.objects.values_list("region_id", "yearly_hours")) == [
        (None, Decimal("30.0"))
    ]
