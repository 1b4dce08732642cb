"""``/api/inspections/``: every step of a case through the API, each refusal with its Chinese
message and nothing changed, scoping (404), roles (403), login (401) and the public endpoints."""

from __future__ import annotations

import datetime as dt
import json
import zoneinfo

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile

import zhifa_testing as testing
from zhifa.audit.models import AuditRecord
from zhifa.documents.models import Document
from zhifa.draws.models import OfficerConflict
from zhifa.inspections.models import (
    CaseStatus,
    FindingEvidence,
    GuidanceBooking,
    GuidanceSlot,
    InspectionCase,
    Objection,
)
from zhifa.org.services import create_api_token

pytestmark = pytest.mark.django_db

URL = "/api/inspections"
SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")
INSPECTION_DAY = dt.date(2026, 3, 16)


def at(day: dt.date, hour: int = 10):
    moment = dt.datetime(day.year, day.month, day.day, hour, tzinfo=SHANGHAI)
    return time_machine.travel(moment, tick=False)


def moment(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text)


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    """Uploaded evidence keeps its own name only in an empty media directory."""
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def call(client_for):
    """``call(user, "post", "/cases", {...})`` → the response; ``user`` None is anonymous."""

    def _call(user, method, path, body=None):
        client = client_for(user)
        if method == "get":
            return client.get(URL + path)
        return getattr(client, method)(
            URL + path, data=json.dumps(body or {}), content_type="application/json"
        )

    return _call


@pytest.fixture
def counts():
    def _counts():
        return {
            "cases": InspectionCase.objects.count(),
            "audit": AuditRecord.objects.count(),
            "documents": Document.objects.count(),
        }

    return _counts


@pytest.fixture
def case_body(zhoushan_enterprise, officer_one, officer_two, items):
    def _body(**overrides):
        body = {
            "enterprise": zhoushan_enterprise.uscc,
            "kind": "planned",
            "items": ["WJ-01", "WJ-02"],
            "officers": [officer_one.cert_no, officer_two.cert_no],
            "inspection_date": "2026-03-16",
        }
        body.update(overrides)
        return body

    return _body


@pytest.fixture
def approved_case(call, case_body, inspector, approver):
    with at(dt.date(2026, 3, 2)):
        case_id = call(inspector, "post", "/cases", case_body()).json()["id"]
        call(inspector, "post", f"/cases/{case_id}/submit")
        call(approver, "post", f"/cases/{case_id}/approve", {"opinion": "同意按计划检查。"})
    return InspectionCase.objects.get(pk=case_id)


def test_a_case_walks_through_the_api_from_creation_to_a_rated_published_result(
    call,
    client_for,
    case_body,
    inspector,
    second_inspector,
    approver,
    enterprise,
    supervisor,
    social_supervisor,
    outsider,
    officer_one,
    officer_two,
    health_agency,
):
    with at(dt.date(2026, 3, 2)):
        response = call(inspector, "post", "/cases", case_body())
        assert response.status_code == 201
        created = response.json()
        case_id = created["id"]
        assert created["reference"] == f"JC2026{case_id:07d}"
        assert created["status"] == "draft"
        assert created["status_label"] == "草稿"
        assert created["title"] == "计划检查（双随机）：舟山海鲜酒楼有限公司"
        assert created["organisation_name"] == "舟山市卫生健康委员会"
        assert created["region_code"] == "330900"
        assert created["inspection_time"] == "09:00:00"
        assert created["items"] == [
            {"code": "WJ-01", "name": "公共场所卫生许可证持证情况"},
            {"code": "WJ-02", "name": "从业人员健康检查情况"},
        ]
        assert [(o["position"], o["cert_no"], o["checked_in_at"]) for o in created["officers"]] == [
            (1, officer_one.cert_no, None),
            (2, officer_two.cert_no, None),
        ]
        # The agency's output never carries the check-in code: the enterprise shows it.
        assert "checkin_code" not in created
        checkin_code = InspectionCase.objects.get(pk=case_id).checkin_code

        assert call(inspector, "post", f"/cases/{case_id}/submit").json()["status"] == "submitted"
        approved = call(approver, "post", f"/cases/{case_id}/approve", {"opinion": "同意。"})
        assert approved.status_code == 200
        assert approved.json()["status"] == "approved"
        assert approved.json()["approved_by"] == "李主任"
        form = call(inspector, "post", f"/cases/{case_id}/approval-form").json()
        assert [d["kind"] for d in form["documents"]] == ["inspection_approval"]
        notified = call(inspector, "post", f"/cases/{case_id}/notice").json()
        assert notified["status"] == "notified"
        notice = notified["documents"][1]
        assert (notice["step"], notice["kind"], notice["status"]) == (
            "notice",
            "inspection_preview_notice",
            "issued",
        )
        assert notice["number"] != ""
        assert len(notice["verification_code"]) == 10

    with at(dt.date(2026, 3, 3)):
        # The enterprise sees only the documents addressed to it, not the internal 审批表.
        seen = call(enterprise, "get", f"/cases/{case_id}").json()
        assert [d["kind"] for d in seen["documents"]] == ["inspection_preview_notice"]
        confirmed = call(enterprise, "post", f"/cases/{case_id}/notice/confirm").json()
        assert confirmed["documents"][0]["status"] == "delivered"

        slot = call(
            inspector,
            "post",
            "/slots",
            {
                "starts_at": "2026-03-11T14:00:00+08:00",
                "ends_at": "2026-03-11T15:00:00+08:00",
                "place": "线上视频指导",
                "officer": officer_one.cert_no,
            },
        )
        assert slot.status_code == 201
        slot_id = slot.json()["id"]
        assert slot.json()["officer_name"] == "王检查"
        open_slots = call(enterprise, "get", f"/slots?case={case_id}").json()
        assert [s["id"] for s in open_slots] == [slot_id]
        booking = call(
            enterprise,
            "post",
            f"/cases/{case_id}/bookings",
            {"slot": slot_id, "topic": "健康证办理"},
        )
        assert booking.status_code == 201
        assert booking.json()["status"] == "booked"
        assert call(enterprise, "get", f"/slots?case={case_id}").json() == []
        assignment = call(
            supervisor,
            "post",
            f"/cases/{case_id}/social-supervisor",
            {"social_supervisor": social_supervisor.username},
        )
        assert assignment.json()["social_supervisor"] == "陈代表"

    with at(dt.date(2026, 3, 11), 15):
        done = call(
            inspector,
            "post",
            f"/bookings/{booking.json()['id']}/done",
            {"note": "讲解了健康证明办理流程。"},
        )
        assert done.json()["status"] == "done"
        assert done.json()["guidance_note"] == "讲解了健康证明办理流程。"

    with at(INSPECTION_DAY, 9):
        first = call(inspector, "post", f"/cases/{case_id}/check-in", {"code": checkin_code})
        assert first.json()["status"] == "notified"
        second = call(
            second_inspector, "post", f"/cases/{case_id}/check-in", {"code": checkin_code.lower()}
        ).json()
        assert second["status"] == "on_site"
        nine = dt.datetime(2026, 3, 16, 9, tzinfo=SHANGHAI)
        assert [moment(o["checked_in_at"]) for o in second["officers"]] == [nine, nine]

        client = client_for(inspector)
        compliant = client.post(
            f"{URL}/cases/{case_id}/findings", data={"item": "WJ-01", "result": "compliant"}
        )
        assert compliant.status_code == 200
        photo = SimpleUploadedFile("health.jpg", b"\xff\xd8 not really a photo", "image/jpeg")
        problem = client.post(
            f"{URL}/cases/{case_id}/findings",
            data={
                "item": "WJ-02",
                "result": "problem",
                "description": "2名服务员健康合格证明已过期。",
                "files": photo,
            },
        )
        assert problem.status_code == 200
        findings = problem.json()["findings"]
        assert [(f["position"], f["item_code"], f["result"]) for f in findings] == [
            (1, "WJ-01", "compliant"),
            (2, "WJ-02", "problem"),
        ]
        assert [e["name"] for e in findings[1]["evidence"]] == ["health.jpg"]
        assert findings[1]["evidence"][0]["sm3"] == FindingEvidence.objects.get().sm3
        evidence_url = f"{URL}/evidence/{findings[1]['evidence'][0]['id']}"
        download = client.get(evidence_url)
        assert download.status_code == 200
        assert b"".join(download.streaming_content) == b"\xff\xd8 not really a photo"
        assert download["Content-Disposition"] == 'attachment; filename="health.jpg"'
        hidden = client_for(outsider).get(evidence_url)
        assert (hidden.status_code, hidden.json()) == (
            404,
            {"detail": "没有找到该证据文件，或您无权查看。"},
        )

        finished = call(
            inspector,
            "post",
            f"/cases/{case_id}/finish",
            {"present_person": "陈经理（店长）", "party_opinion": "无异议，立即整改。"},
        )
        assert finished.json()["status"] == "inspected"
        decided = call(
            inspector,
            "post",
            f"/cases/{case_id}/decide",
            {
                "outcome": "rectify",
                "decisions": {
                    "2": {
                        "chosen": "none",
                        "harm_level": "minor",
                        "violated_provision": "《公共场所卫生管理条例》第七条",
                        "legal_basis": "《公共场所卫生管理条例》第十四条",
                        "deviation_reason": "该条规定先责令限期改正，逾期不改正的方予处罚。",
                    }
                },
                "rectify_working_days": 10,
                "requirements": ["为2名服务员办理健康合格证明。"],
            },
        ).json()
        assert decided["status"] == "rectifying"
        assert decided["outcome"] == "rectify"
        assert decided["outcome_label"] == "责令改正"
        assert decided["rectify_deadline"] == "2026-03-30"
        assert decided["publish_due"] == "2026-04-14"
        assert decided["findings"][1]["chosen"] == "none"

    with at(dt.date(2026, 3, 27)):
        rechecked = call(
            inspector,
            "post",
            f"/cases/{case_id}/recheck",
            {"passed": True, "note": "2名服务员已取得健康合格证明。"},
        ).json()
        assert rechecked["status"] == "closed"
        assert rechecked["rechecks"] == [
            {"rechecked_on": "2026-03-27", "passed": True, "note": "2名服务员已取得健康合格证明。"}
        ]
        published = call(inspector, "post", f"/cases/{case_id}/publish").json()
        assert published["result_summary"] == (
            "舟山市卫生健康委员会于2026年3月16日对舟山海鲜酒楼有限公司实施计划检查（双随机），"
            "发现问题1项，处理结果：责令改正。"
        )
        rated = call(
            enterprise, "post", f"/cases/{case_id}/rate", {"rating": 5, "comment": "检查规范。"}
        ).json()
        assert (rated["rating"], rated["rating_comment"]) == (5, "检查规范。")
        objection = call(
            enterprise, "post", f"/cases/{case_id}/objections", {"text": "希望今后提前电话联系。"}
        )
        assert objection.status_code == 201
        assert objection.json()["status"] == "open"
        answered = call(
            supervisor,
            "post",
            f"/objections/{objection.json()['id']}/answer",
            {"answer": "已转告执法机关改进。"},
        )
        assert answered.status_code == 200
        assert answered.json()["status"] == "answered"
        assert answered.json()["answer"] == "已转告执法机关改进。"

        detail = call(inspector, "get", f"/cases/{case_id}").json()
        timeline = call(inspector, "get", f"/cases/{case_id}/timeline").json()

    assert [(d["step"], d["kind"]) for d in detail["documents"]] == [
        ("approval", "inspection_approval"),
        ("notice", "inspection_preview_notice"),
        ("site_record", "onsite_inspection_record"),
        ("decision", "rectification_order"),
        ("recheck", "review_opinion"),
    ]
    assert [o["answer"] for o in detail["objections"]] == ["已转告执法机关改进。"]
    assert [b["status"] for b in detail["bookings"]] == ["done"]
    assert [e["action"] for e in timeline] == [
        "inspections.case.create",
        "inspections.case.submit",
        "inspections.case.approve",
        "inspections.case.approval_form",
        "inspections.case.notify",
        "inspections.case.social_supervisor",
        "inspections.case.check_in",
        "inspections.case.check_in",
        "inspections.case.finding",
        "inspections.case.finding",
        "inspections.case.finish_site",
        "inspections.case.decide",
        "inspections.case.recheck",
        "inspections.case.publish",
        "inspections.case.rate",
    ]
    assert [(e["action"], e["document_id"]) for e in timeline if e["document_id"]] == [
        ("inspections.case.approval_form", detail["documents"][0]["id"]),
        ("inspections.case.notify", detail["documents"][1]["id"]),
        ("inspections.case.finish_site", detail["documents"][2]["id"]),
        ("inspections.case.decide", detail["documents"][3]["id"]),
        ("inspections.case.recheck", detail["documents"][4]["id"]),
    ]
    # The enterprise sees the steps taken towards it, not the agency's drafting and approval.
    with at(dt.date(2026, 3, 27)):
        seen = call(enterprise, "get", f"/cases/{case_id}/timeline").json()
    assert [e["action"] for e in seen] == [
        "inspections.case.notify",
        "inspections.case.check_in",
        "inspections.case.check_in",
        "inspections.case.finding",
        "inspections.case.finding",
        "inspections.case.finish_site",
        "inspections.case.decide",
        "inspections.case.recheck",
        "inspections.case.publish",
        "inspections.case.rate",
    ]
    assert [e["document_id"] for e in seen if e["document_id"]] == [
        d["id"] for d in detail["documents"][1:]
    ]


# --- Refusals: Chinese message, nothing changed ----------------------------------------------


def test_a_wrong_state_action_is_refused_with_the_reason_and_changes_nothing(
    call, case_body, inspector, counts
):
    with at(dt.date(2026, 3, 2)):
        case_id = call(inspector, "post", "/cases", case_body()).json()["id"]
        before = counts()
        response = call(inspector, "post", f"/cases/{case_id}/notice")

    reference = f"JC2026{case_id:07d}"
    assert response.status_code == 400
    assert response.json() == {
        "detail": f"案件 {reference} 当前状态为“草稿”，不能发出预告通知"
        "（只有状态为“已批准”的案件可以发出预告通知）。",
        "errors": {},
    }
    assert counts() == before
    assert InspectionCase.objects.get(pk=case_id).status == CaseStatus.DRAFT


def test_a_late_notice_is_refused_naming_the_earliest_lawful_date(
    call, approved_case, inspector, counts
):
    before = counts()
    with at(dt.date(2026, 3, 10)):
        response = call(inspector, "post", f"/cases/{approved_case.pk}/notice")

    message = (
        "预告通知书最迟应于2026年3月9日发出（检查日2026年3月16日前5个工作日），今天发出已经逾期。"
        "今天发出预告，最早可于2026年3月17日实施检查；请修改检查日期（修改后需重新审批）。"
    )
    assert response.status_code == 400
    assert response.json() == {"detail": message, "errors": {"inspection_date": [message]}}
    assert counts() == before
    approved_case.refresh_from_db()
    assert approved_case.status == CaseStatus.APPROVED
    assert approved_case.notice is None


def test_fewer_than_two_officers_are_refused_and_nothing_is_created(
    call, case_body, inspector, officer_one, counts
):
    before = counts()
    with at(dt.date(2026, 3, 2)):
        response = call(inspector, "post", "/cases", case_body(officers=[officer_one.cert_no]))

    assert response.status_code == 400
    assert response.json()["errors"] == {
        "officers": [
            "执法人员不得少于2人（《中华人民共和国行政处罚法》第四十二条），现为1人，请补充。"
        ]
    }
    assert counts() == before


def test_an_officer_with_an_expired_certificate_is_refused(
    call, case_body, inspector, officer_one, expired_officer, counts
):
    before = counts()
    with at(dt.date(2026, 3, 2)):
        response = call(
            inspector,
            "post",
            "/cases",
            case_body(officers=[officer_one.cert_no, expired_officer.cert_no]),
        )

    assert response.status_code == 400
    assert response.json()["errors"] == {
        "officers": [
            f"吴过期（执法证 {expired_officer.cert_no}）在2026年3月16日没有有效的执法证"
            "（有效期至 2025-06-30，状态“有效”），不能参加检查。"
        ]
    }
    assert counts() == before


def test_an_officer_with_a_declared_conflict_is_refused(
    call, case_body, inspector, approver, officer_two, zhoushan_enterprise, counts
):
    OfficerConflict.objects.create(
        officer=officer_two,
        enterprise=zhoushan_enterprise,
        reason="配偶任该企业财务",
        declared_by=approver,
    )
    before = counts()
    with at(dt.date(2026, 3, 2)):
        response = call(inspector, "post", "/cases", case_body())

    assert response.status_code == 400
    assert response.json()["errors"] == {
        "officers": ["周执法 已登记与舟山海鲜酒楼有限公司存在利害关系，应当回避。"]
    }
    assert counts() == before


def test_an_exempt_kind_without_its_reason_is_refused(call, case_body, inspector, counts):
    before = counts()
    with at(dt.date(2026, 3, 2)):
        response = call(inspector, "post", "/cases", case_body(kind="complaint"))

    assert response.status_code == 400
    assert response.json()["errors"] == {
        "exemption_reason": [
            "举报投诉核查可以不提前预告，但必须写明免于预告的理由，经执法机关负责人批准。"
        ]
    }
    assert counts() == before


def test_unknown_codes_are_named_per_field_before_anything_is_created(
    call, case_body, inspector, officer_one, counts
):
    before = counts()
    with at(dt.date(2026, 3, 2)):
        response = call(
            inspector,
            "post",
            "/cases",
            case_body(
                enterprise="91330900MA0000000X",
                items=["WJ-01", "WJ-99"],
                officers=[officer_one.cert_no, "33090029999"],
            ),
        )

    assert response.status_code == 400
    assert response.json()["errors"] == {
        "enterprise": [
            "未找到统一社会信用代码为 91330900MA0000000X 的企业，"
            "请核对，或先在检查对象名录库中登记。"
        ],
        "items": [
            "舟山市卫生健康委员会的检查事项清单中没有编码为“WJ-99”的事项，请核对后重新填写。"
        ],
        "officers": [
            "舟山市卫生健康委员会没有执法证号为 33090029999 的执法人员，请核对后重新填写。"
        ],
    }
    assert counts() == before


def test_a_malformed_request_is_refused_in_chinese(call, inspector, counts):
    before = counts()
    response = call(inspector, "post", "/cases", {"kind": "planned", "inspection_date": "明天"})

    assert response.status_code == 422
    errors = response.json()["errors"]
    assert errors["enterprise"] == ["缺少此字段，请补充。"]
    assert errors["inspection_date"][0].startswith("取值类型不正确")
    assert counts() == before


def test_a_decision_error_is_keyed_by_the_position_of_the_finding(
    call, client_for, approved_case, inspector, second_inspector, counts
):
    case_id = approved_case.pk
    with at(dt.date(2026, 3, 2)):
        call(inspector, "post", f"/cases/{case_id}/notice")
    with at(INSPECTION_DAY):
        for officer in (inspector, second_inspector):
            code = approved_case.checkin_code
            call(officer, "post", f"/cases/{case_id}/check-in", {"code": code})
        client = client_for(inspector)
        client.post(
            f"{URL}/cases/{case_id}/findings", data={"item": "WJ-01", "result": "compliant"}
        )
        client.post(
            f"{URL}/cases/{case_id}/findings",
            data={"item": "WJ-02", "result": "problem", "description": "无健康证明。"},
        )
        call(
            inspector,
            "post",
            f"/cases/{case_id}/finish",
            {"present_person": "陈经理", "party_opinion": "无异议。"},
        )
        before = counts()
        response = call(
            inspector,
            "post",
            f"/cases/{case_id}/decide",
            {
                "outcome": "filed",
                "decisions": {
                    "2": {
                        "chosen": "ordinary",
                        "harm_level": "minor",
                        "corrected_on_site": True,
                        "violated_provision": "《公共场所卫生管理条例》第七条",
                        "penalty_provision": "《公共场所卫生管理条例》第十四条",
                    }
                },
            },
        )

    assert response.status_code == 400
    assert response.json()["errors"] == {
        "decisions.2": [
            "第2项的处理决定（一般处罚）与裁量建议（不予处罚，可选：不予处罚）不一致，"
            "请写明理由；理由将记录在案并向执法监督机关公开。"
        ]
    }
    assert counts() == before
    approved_case.refresh_from_db()
    assert approved_case.status == CaseStatus.INSPECTED


def test_a_finding_before_two_officers_checked_in_is_refused(
    call, client_for, approved_case, inspector
):
    with at(dt.date(2026, 3, 2)):
        call(inspector, "post", f"/cases/{approved_case.pk}/notice")
    with at(INSPECTION_DAY):
        call(
            inspector,
            "post",
            f"/cases/{approved_case.pk}/check-in",
            {"code": approved_case.checkin_code},
        )
        response = client_for(inspector).post(
            f"{URL}/cases/{approved_case.pk}/findings",
            data={"item": "WJ-01", "result": "compliant"},
        )

    assert response.status_code == 400
    assert response.json()["detail"] == (
        f"案件 {approved_case.reference} 当前状态为“已预告”，"
        "只有至少两名执法人员签到、进入现场后才能记录检查情况。"
    )
    assert approved_case.findings.count() == 0


def test_changing_the_date_of_an_approved_case_sends_it_back_for_approval(
    call, approved_case, inspector
):
    with at(dt.date(2026, 3, 3)):
        response = call(
            inspector, "patch", f"/cases/{approved_case.pk}", {"inspection_date": "2026-03-18"}
        )

    assert response.status_code == 200
    data = response.json()
    assert (data["status"], data["inspection_date"], data["approved_by"]) == (
        "submitted",
        "2026-03-18",
        "",
    )
    record = AuditRecord.objects.get(action="inspections.case.update")
    assert "退回重新审批" in record.summary


def test_an_empty_title_is_refused_naming_the_field(call, approved_case, inspector, counts):
    before = counts()
    with at(dt.date(2026, 3, 3)):
        response = call(inspector, "patch", f"/cases/{approved_case.pk}", {"title": ""})

    assert response.status_code == 400
    assert response.json()["errors"] == {"title": ["请填写检查名称。"]}
    assert counts() == before


def test_a_rejection_needs_its_reason_and_a_rejected_case_can_be_revised_or_cancelled(
    call, case_body, inspector, approver, counts
):
    with at(dt.date(2026, 3, 2)):
        case_id = call(inspector, "post", "/cases", case_body()).json()["id"]
        call(inspector, "post", f"/cases/{case_id}/submit")
        before = counts()
        no_reason = call(approver, "post", f"/cases/{case_id}/reject", {"reason": " "})
        assert counts() == before
        rejected = call(approver, "post", f"/cases/{case_id}/reject", {"reason": "检查事项不全。"})
        revised = call(inspector, "post", f"/cases/{case_id}/revise")
        cancelled = call(
            inspector, "post", f"/cases/{case_id}/cancel", {"reason": "已并入专项检查。"}
        )
        again = call(inspector, "post", f"/cases/{case_id}/cancel", {"reason": "再次撤销。"})

    assert no_reason.status_code == 400
    assert no_reason.json()["errors"] == {"reason": ["请填写不予批准的理由。"]}
    assert (rejected.json()["status"], rejected.json()["approval_opinion"]) == (
        "rejected",
        "检查事项不全。",
    )
    assert revised.json()["status"] == "draft"
    assert (cancelled.json()["status"], cancelled.json()["cancel_reason"]) == (
        "cancelled",
        "已并入专项检查。",
    )
    assert again.status_code == 400
    assert again.json()["detail"].endswith(
        "不能撤销（只有状态为“草稿”、“待审批”、“未获批准”、“已批准”、“已预告”的案件可以撤销）。"
    )


def test_a_check_in_with_the_wrong_code_is_refused(call, approved_case, inspector):
    with at(dt.date(2026, 3, 2)):
        call(inspector, "post", f"/cases/{approved_case.pk}/notice")
    with at(INSPECTION_DAY):
        response = call(
            inspector, "post", f"/cases/{approved_case.pk}/check-in", {"code": "WRONG12345"}
        )

    assert response.status_code == 400
    assert response.json()["errors"] == {
        "code": ["核验码与本次检查不符，请核对被检查企业出示或短信收到的入企核验码。"]
    }
    assert approved_case.assignments.filter(checked_in_at__isnull=False).count() == 0


# --- Scoping, roles, login -------------------------------------------------------------------


def test_an_outsider_gets_404_for_another_agencys_case(call, approved_case, outsider, counts):
    before = counts()
    with at(dt.date(2026, 3, 3)):
        assert call(outsider, "get", "/cases").json()["count"] == 0
        for method, path in (
            ("get", f"/cases/{approved_case.pk}"),
            ("get", f"/cases/{approved_case.pk}/timeline"),
            ("post", f"/cases/{approved_case.pk}/notice"),
            ("post", f"/cases/{approved_case.pk}/cancel"),
            ("get", f"/slots?case={approved_case.pk}"),
        ):
            response = call(outsider, method, path, {"reason": "试图撤销"})
            assert response.status_code == 404, path
            assert response.json() == {"detail": "没有找到该检查案件，或您无权查看。"}

    assert counts() == before
    approved_case.refresh_from_db()
    assert approved_case.status == CaseStatus.APPROVED


def test_an_enterprise_user_cannot_approve(call, approved_case, inspector, enterprise, counts):
    with at(dt.date(2026, 3, 2)):
        call(inspector, "post", f"/cases/{approved_case.pk}/notice")
        before = counts()
        response = call(enterprise, "post", f"/cases/{approved_case.pk}/approve")

    assert response.status_code == 403
    assert response.json() == {"detail": "检查只能由执法机关负责人审批。"}
    assert counts() == before
    approved_case.refresh_from_db()
    assert approved_case.status == CaseStatus.NOTIFIED
    assert approved_case.approval_opinion == "同意按计划检查。"


def test_the_enterprise_cannot_change_its_case_or_record_findings(
    call, client_for, approved_case, inspector, enterprise, counts
):
    with at(dt.date(2026, 3, 2)):
        call(inspector, "post", f"/cases/{approved_case.pk}/notice")
    before = counts()
    with at(dt.date(2026, 3, 3)):
        change = call(enterprise, "patch", f"/cases/{approved_case.pk}", {"items": ["WJ-99"]})
        finding = client_for(enterprise).post(
            f"{URL}/cases/{approved_case.pk}/findings", data={"item": "WJ-99", "result": "na"}
        )

    denied = {"detail": "检查案件只能由执法机关的执法人员或执法机关负责人办理。"}
    assert (change.status_code, change.json()) == (403, denied)
    assert (finding.status_code, finding.json()) == (403, denied)
    assert counts() == before
    approved_case.refresh_from_db()
    assert approved_case.status == CaseStatus.NOTIFIED


def test_the_enterprise_learns_of_a_case_only_from_its_notice(
    call, case_body, approved_case, inspector, approver, enterprise
):
    with at(dt.date(2026, 3, 2)):
        covert = call(
            inspector,
            "post",
            "/cases",
            case_body(kind="covert", exemption_reason="群众举报夜间违规经营，需暗访核实。"),
        ).json()
        call(inspector, "post", f"/cases/{covert['id']}/submit")
        call(approver, "post", f"/cases/{covert['id']}/approve")
        unseen = [
            call(enterprise, "get", f"/cases/{pk}").status_code
            for pk in (covert["id"], approved_case.pk)
        ]
        listed_before = call(enterprise, "get", "/cases").json()["count"]
        call(inspector, "post", f"/cases/{approved_case.pk}/notice")
        listed_after = call(enterprise, "get", "/cases").json()

    assert unseen == [404, 404]
    assert listed_before == 0
    assert [c["id"] for c in listed_after["items"]] == [approved_case.pk]


def test_the_requester_cannot_approve_his_own_case(call, case_body, approver, counts):
    with at(dt.date(2026, 3, 2)):
        case_id = call(approver, "post", "/cases", case_body()).json()["id"]
        call(approver, "post", f"/cases/{case_id}/submit")
        before = counts()
        response = call(approver, "post", f"/cases/{case_id}/approve")

    assert response.status_code == 403
    assert "申请人不能审批自己提请的检查" in response.json()["detail"]
    assert counts() == before


def test_an_enterprise_user_cannot_open_a_case(call, case_body, enterprise, counts):
    before = counts()
    response = call(enterprise, "post", "/cases", case_body())

    assert response.status_code == 403
    assert response.json() == {"detail": "检查案件只能由执法机关的执法人员或执法机关负责人办理。"}
    assert counts() == before


def test_private_endpoints_need_a_login(call, approved_case, case_body, counts):
    before = counts()
    for method, path in (
        ("get", "/cases"),
        ("get", f"/cases/{approved_case.pk}"),
        ("get", "/inbox"),
        ("post", "/cases"),
        ("post", f"/cases/{approved_case.pk}/notice"),
        ("get", f"/slots?case={approved_case.pk}"),
    ):
        assert call(None, method, path, case_body()).status_code == 401, path
    assert counts() == before


def test_a_machine_client_with_a_bearer_token_sees_its_users_cases(
    client, approved_case, inspector, outsider, admin_user
):
    _, key = create_api_token(user=inspector, name="移动执法", actor=admin_user)
    _, other_key = create_api_token(user=outsider, name="外地", actor=admin_user)

    mine = client.get(f"{URL}/cases", HTTP_AUTHORIZATION=f"Bearer {key}").json()
    theirs = client.get(f"{URL}/cases", HTTP_AUTHORIZATION=f"Bearer {other_key}").json()

    assert [c["reference"] for c in mine["items"]] == [approved_case.reference]
    assert theirs["count"] == 0


# --- Lists, inbox, batches, emergencies -------------------------------------------------------


def test_the_case_list_filters_and_refuses_unknown_values(
    call, case_body, inspector, approved_case, zhoushan
):
    other = testing.enterprise("舟山浴室有限公司", region=zhoushan)
    with at(dt.date(2026, 3, 2)):
        call(
            inspector,
            "post",
            "/cases",
            case_body(enterprise=other.uscc, kind="complaint", exemption_reason="12345热线转办。"),
        )
        everything = call(inspector, "get", "/cases").json()
        approved = call(inspector, "get", "/cases?status=approved").json()
        complaints = call(inspector, "get", "/cases?kind=complaint").json()
        by_name = call(inspector, "get", "/cases?q=浴室").json()
        bad = call(inspector, "get", "/cases?status=done")

    assert everything["count"] == 2
    assert [c["reference"] for c in approved["items"]] == [approved_case.reference]
    assert [c["enterprise_name"] for c in complaints["items"]] == ["舟山浴室有限公司"]
    assert [c["kind_label"] for c in by_name["items"]] == ["举报投诉核查"]
    assert bad.status_code == 400
    assert bad.json()["detail"].startswith("参数 status 的取值“done”无效")


def test_the_inbox_shows_the_approver_what_awaits_him(call, case_body, inspector, approver):
    with at(dt.date(2026, 3, 2)):
        case_id = call(inspector, "post", "/cases", case_body()).json()["id"]
        call(inspector, "post", f"/cases/{case_id}/submit")
        sections = call(approver, "get", "/inbox").json()

    assert [(s["key"], s["title"], s["count"]) for s in sections] == [
        ("today", "今日事项", 0),
        ("approve", "待我审批", 1),
        ("makeup", "紧急检查待补办手续", 0),
    ]
    assert [c["id"] for c in sections[1]["cases"]] == [case_id]


def test_a_batch_approval_approves_every_case_and_attaches_the_list(
    call, case_body, inspector, approver, zhoushan
):
    other = testing.enterprise("舟山浴室有限公司", region=zhoushan)
    with at(dt.date(2026, 3, 2)):
        ids = [
            call(inspector, "post", "/cases", case_body()).json()["id"],
            call(inspector, "post", "/cases", case_body(enterprise=other.uscc)).json()["id"],
        ]
        for case_id in ids:
            call(inspector, "post", f"/cases/{case_id}/submit")
        response = call(approver, "post", "/batches", {"cases": ids, "title": "3月公共场所专项"})

    assert response.status_code == 201
    batch = response.json()
    assert [(c["id"], c["status"]) for c in batch["cases"]] == [
        (ids[0], "approved"),
        (ids[1], "approved"),
    ]
    assert batch["opinion"] == "同意批量实施。"
    assert batch["list_document"]["kind"] == "batch_approval_list"


def test_a_batch_with_a_case_not_submitted_approves_none(
    call, case_body, inspector, approver, zhoushan, counts
):
    other = testing.enterprise("舟山浴室有限公司", region=zhoushan)
    with at(dt.date(2026, 3, 2)):
        first = call(inspector, "post", "/cases", case_body()).json()["id"]
        second = call(inspector, "post", "/cases", case_body(enterprise=other.uscc)).json()["id"]
        call(inspector, "post", f"/cases/{first}/submit")
        before = counts()
        response = call(approver, "post", "/batches", {"cases": [first, second], "title": "专项"})

    assert response.status_code == 400
    assert response.json()["detail"] == (
        f"案件 JC2026{second:07d} 当前状态为“草稿”，不能审批（只有状态为“待审批”的案件可以审批）。"
    )
    assert counts() == before
    assert InspectionCase.objects.get(pk=first).status == CaseStatus.SUBMITTED


def test_an_emergency_inspection_records_an_oral_notice_and_is_made_up(
    call, case_body, inspector, approver, officer_one
):
    with at(dt.date(2026, 3, 2), 14):
        case_id = call(
            inspector,
            "post",
            "/cases",
            case_body(
                kind="safety",
                is_emergency=True,
                inspection_date="2026-03-02",
                exemption_reason="现场发现疑似一氧化碳泄漏，危及顾客安全。",
            ),
        ).json()["id"]
        response = call(
            inspector,
            "post",
            f"/cases/{case_id}/oral-notice",
            {
                "told_at": "2026-03-02T14:00:00+08:00",
                "place": "舟山海鲜酒楼后厨",
                "told_by": officer_one.cert_no,
                "told_to": "陈经理（店长）",
                "content": "燃气报警，依法立即实施现场检查。",
                "head": approver.username,
            },
        )
    assert response.status_code == 200
    data = response.json()
    assert data["status"] == "on_site"
    assert data["oral_notice"]["makeup_due"] == "2026-03-05"
    assert data["oral_notice"]["head"] == "李主任"

    with at(dt.date(2026, 3, 4)):
        made_up = call(approver, "post", f"/cases/{case_id}/makeup").json()

    assert made_up["approved_by"] == "李主任"
    assert made_up["oral_notice"]["makeup_done_at"] is not None
    assert [d["kind"] for d in made_up["documents"]] == ["oral_notice_record"]


def test_a_slot_is_booked_once_and_the_booking_can_be_cancelled(
    call, approved_case, inspector, enterprise, officer_one
):
    with at(dt.date(2026, 3, 3)):
        call(inspector, "post", f"/cases/{approved_case.pk}/notice")
        slot_id = call(
            inspector,
            "post",
            "/slots",
            {
                "starts_at": "2026-03-11T14:00:00+08:00",
                "ends_at": "2026-03-11T15:00:00+08:00",
                "place": "线上视频指导",
                "officer": officer_one.cert_no,
            },
        ).json()["id"]
        booking = call(enterprise, "post", f"/cases/{approved_case.pk}/bookings", {"slot": slot_id})
        again = call(enterprise, "post", f"/cases/{approved_case.pk}/bookings", {"slot": slot_id})
        cancelled = call(enterprise, "post", f"/bookings/{booking.json()['id']}/cancel")

    assert again.status_code == 400
    assert again.json()["errors"] == {"slot": ["该时段已被预约，请选择其他时段。"]}
    assert cancelled.json()["status"] == "cancelled"
    assert GuidanceBooking.objects.count() == 1
    assert GuidanceSlot.objects.count() == 1


def test_an_objection_is_answered_only_by_the_supervising_body(
    call, approved_case, inspector, enterprise
):
    with at(dt.date(2026, 3, 3)):
        call(inspector, "post", f"/cases/{approved_case.pk}/notice")
        objection_id = call(
            enterprise, "post", f"/cases/{approved_case.pk}/objections", {"text": "检查时间冲突。"}
        ).json()["id"]
        response = call(inspector, "post", f"/objections/{objection_id}/answer", {"answer": "好"})

    assert response.status_code == 403
    assert response.json() == {"detail": "企业异议由执法监督机关答复。"}
    assert Objection.objects.get().status == "open"


# --- Public endpoints -------------------------------------------------------------------------


def test_the_verification_code_shows_anyone_that_the_inspection_is_genuine(
    call, approved_case, case_body, inspector, officer_one, officer_two
):
    with at(dt.date(2026, 3, 2)):
        cancelled = call(inspector, "post", "/cases", case_body(inspection_date="2026-06-16"))
        call(inspector, "post", f"/cases/{cancelled.json()['id']}/cancel", {"reason": "重复"})
        draft_code = call(
            inspector, "post", "/cases", case_body(inspection_date="2026-06-15")
        ).json()["verify_code"]
    with at(INSPECTION_DAY):
        response = call(None, "get", f"/public/verify/{approved_case.verify_code.lower()}")
        draft = call(None, "get", f"/public/verify/{draft_code}")
        never_approved = call(None, "get", f"/public/verify/{cancelled.json()['verify_code']}")

    assert response.status_code == 200
    data = response.json()
    assert data["organisation_name"] == "舟山市卫生健康委员会"
    assert data["enterprise_name"] == "舟山海鲜酒楼有限公司"
    assert (data["kind_label"], data["inspection_date"]) == ("计划检查（双随机）", "2026-03-16")
    assert (data["status"], data["is_approved"]) == ("approved", True)
    assert data["officers"] == [
        {
            "name": "王检查",
            "cert_no": officer_one.cert_no,
            "cert_valid_until": "2030-12-31",
            "valid_today": True,
        },
        {
            "name": "周执法",
            "cert_no": officer_two.cert_no,
            "cert_valid_until": "2030-12-31",
            "valid_today": True,
        },
    ]
    assert [i["code"] for i in data["items"]] == ["WJ-01", "WJ-02"]
    assert data["prohibitions"][0]["title"] == "严禁逐利检查"
    assert draft.status_code == 404
    assert never_approved.status_code == 404
    assert draft.json() == {
        "detail": "核验码不存在或该检查尚未批准，请向执法人员核实，或拨打12345反映。"
    }


def test_published_results_are_listed_without_login(
    call, client_for, approved_case, inspector, second_inspector
):
    case_id = approved_case.pk
    with at(dt.date(2026, 3, 2)):
        call(inspector, "post", f"/cases/{case_id}/notice")
    with at(INSPECTION_DAY):
        assert call(None, "get", "/public/results").json()["count"] == 0
        for officer in (inspector, second_inspector):
            code = approved_case.checkin_code
            call(officer, "post", f"/cases/{case_id}/check-in", {"code": code})
        client = client_for(inspector)
        for code in ("WJ-01", "WJ-02"):
            client.post(
                f"{URL}/cases/{case_id}/findings", data={"item": code, "result": "compliant"}
            )
        call(
            inspector,
            "post",
            f"/cases/{case_id}/finish",
            {"present_person": "陈经理", "party_opinion": "无异议。"},
        )
        call(inspector, "post", f"/cases/{case_id}/decide", {"outcome": "no_problem"})
        call(inspector, "post", f"/cases/{case_id}/publish")
        results = call(None, "get", "/public/results").json()
        none_in_2025 = call(None, "get", "/public/results?year=2025").json()

    assert results["count"] == 1
    result = results["items"][0]
    assert result["reference"] == approved_case.reference
    assert result["enterprise_name"] == "舟山海鲜酒楼有限公司"
    assert (result["outcome"], result["outcome_label"]) == ("no_problem", "未发现问题")
    assert result["result_summary"] == (
        "舟山市卫生健康委员会于2026年3月16日对舟山海鲜酒楼有限公司实施计划检查（双随机），"
        "未发现问题。"
    )
    assert none_in_2025["count"] == 0


def test_a_supervisor_sees_the_agencys_case_but_cannot_take_its_steps(
    call, approved_case, supervisor, counts
):
    before = counts()
    with at(dt.date(2026, 3, 2)):
        seen = call(supervisor, "get", f"/cases/{approved_case.pk}")
        notice = call(supervisor, "post", f"/cases/{approved_case.pk}/notice")

    assert seen.status_code == 200
    assert seen.json()["reference"] == approved_case.reference
    assert notice.status_code == 403
    assert notice.json() == {"detail": "检查案件只能由执法机关的执法人员或执法机关负责人办理。"}
    assert counts() == before


def test_a_social_supervisor_sees_only_the_cases_he_accompanies(
    call, approved_case, inspector, supervisor, social_supervisor
):
    with at(dt.date(2026, 3, 2)):
        before = call(social_supervisor, "get", f"/cases/{approved_case.pk}").status_code
        call(
            supervisor,
            "post",
            f"/cases/{approved_case.pk}/social-supervisor",
            {"social_supervisor": social_supervisor.username},
        )
        listed = call(social_supervisor, "get", "/cases").json()
        inbox = call(social_supervisor, "get", "/inbox").json()

    assert before == 404
    assert [c["id"] for c in listed["items"]] == [approved_case.pk]
    assert [(s["key"], [c["id"] for c in s["cases"]]) for s in inbox] == [
        ("accompany", [approved_case.pk])
    ]


def test_the_enterprise_inbox_asks_it_to_confirm_the_notice(
    call, approved_case, inspector, enterprise
):
    with at(dt.date(2026, 3, 2)):
        call(inspector, "post", f"/cases/{approved_case.pk}/notice")
        before = call(enterprise, "get", "/inbox").json()
        call(enterprise, "post", f"/cases/{approved_case.pk}/notice/confirm")
        after = call(enterprise, "get", "/inbox").json()

    assert [(s["key"], s["count"]) for s in before] == [
        ("today", 0),
        ("confirm", 1),
        ("prepare", 1),
        ("rectify", 0),
        ("rate", 0),
    ]
    assert [(s["key"], s["count"]) for s in after] == [
        ("today", 0),
        ("confirm", 0),
        ("prepare", 1),
        ("rectify", 0),
        ("rate", 0),
    ]


def test_an_exempt_complaint_case_goes_on_site_without_a_notice(
    call, case_body, inspector, second_inspector, approver, counts
):
    with at(dt.date(2026, 3, 2)):
        case = call(
            inspector,
            "post",
            "/cases",
            case_body(
                kind="complaint",
                inspection_date="2026-03-02",
                exemption_reason="12345热线转办：顾客反映浴池水质浑浊。",
            ),
        ).json()
        call(inspector, "post", f"/cases/{case['id']}/submit")
        call(approver, "post", f"/cases/{case['id']}/approve")
        before = counts()
        notice = call(inspector, "post", f"/cases/{case['id']}/notice")
        assert counts() == before
        for officer in (inspector, second_inspector):
            checked = call(
                officer,
                "post",
                f"/cases/{case['id']}/check-in",
                {"code": InspectionCase.objects.get(pk=case["id"]).checkin_code},
            )

    assert notice.status_code == 400
    assert notice.json()["detail"] == (
        f"案件 {case['reference']} 为举报投诉核查，依法免于预告，无需发出预告通知书。"
    )
    assert checked.json()["status"] == "on_site"
    assert checked.json()["exemption_reason"] == "12345热线转办：顾客反映浴池水质浑浊。"
    assert checked.json()["documents"] == []


def test_every_endpoint_is_in_the_openapi_schema(client):
    paths = client.get("/api/openapi.json").json()["paths"]
    steps = [
        "submit",
        "approve",
        "reject",
        "revise",
        "cancel",
        "approval-form",
        "notice",
        "notice/confirm",
        "oral-notice",
        "makeup",
        "check-in",
        "social-supervisor",
        "findings",
        "finish",
        "decide",
        "recheck",
        "publish",
        "rate",
        "objections",
        "bookings",
        "timeline",
    ]
    expected = [
        "/cases",
        "/cases/{case_id}",
        "/inbox",
        "/batches",
        "/slots",
        "/objections/{objection_id}/answer",
        "/bookings/{booking_id}/cancel",
        "/bookings/{booking_id}/done",
        "/public/results",
        "/public/verify/{verify_code}",
        *(f"/cases/{{case_id}}/{step}" for step in steps),
    ]
    assert [p for p in expected if f"{URL}{p}" not in paths] == []
    assert (
        "multipart/form-data"
        in (paths[f"{URL}/cases/{{case_id}}/findings"]["post"]["requestBody"]["content"])
    )


def test_the_notices_of_approved_cases_are_issued_as_one_batch(
    call, approved_case, inspector, settings
):
    from zhifa.documents import services as documents

    settings.ZHIFA_DOCUMENT_BATCH_THREAD = False
    with at(dt.date(2026, 3, 3)):
        response = call(inspector, "post", "/notices/batch", {"cases": [approved_case.pk]})
        body = response.json()
        documents.run_batch(body["id"])

    assert response.status_code == 201
    assert (body["title"], body["total"], body["status"]) == (
        "批量发出检查预告通知书（1 份）",
        1,
        "queued",
    )
    approved_case.refresh_from_db()
    assert approved_case.status == CaseStatus.NOTIFIED


def test_a_late_case_in_a_notice_batch_is_refused_and_nothing_issued(
    call, approved_case, inspector, counts
):
    before = counts()
    with at(dt.date(2026, 3, 10)):
        response = call(inspector, "post", "/notices/batch", {"cases": [approved_case.pk]})

    assert response.status_code == 400
    assert response.json()["errors"]["cases"][0].startswith(
        f"{approved_case.reference}（舟山海鲜酒楼有限公司）：预告通知书最迟应于2026年3月9日发出"
    )
    assert counts() == before


def test_a_batch_naming_a_case_the_user_cannot_see_is_404_and_changes_nothing(
    call, approved_case, outsider, counts
):
    before = counts()
    with at(dt.date(2026, 3, 3)):
        response = call(outsider, "post", "/notices/batch", {"cases": [approved_case.pk, 0]})

    assert response.status_code == 404
    assert response.json() == {
        "detail": f"没有找到编号为 {approved_case.pk}、0 的检查案件，或您无权查看。"
    }
    assert counts() == before
