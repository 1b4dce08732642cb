"""What the enterprise and a social supervisor read of a case: their own cut, never the agency's
internal record. A 举报 case's 检查事由 names the complainant; it stays with the agency and the
supervising bureau, in the API and on every page."""

from __future__ import annotations

import datetime as dt
import json
import zoneinfo

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from zhifa.inspections import services
from zhifa.inspections.models import (
    CaseOutcome,
    FindingEvidence,
    FindingResult,
    InspectionKind,
    PenaltyChoice,
)

pytestmark = pytest.mark.django_db

SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")
DAY = dt.date(2026, 3, 16)

COMPLAINANT = "刘举报"
MOBILE = "13912345678"
ID_NUMBER = "330902198001011234"
REASON = f"12345热线转办：{COMPLAINANT}（手机{MOBILE}，身份证号{ID_NUMBER}）反映浴池水质浑浊。"
EXEMPTION = "举报人反映夜间违规经营，提前告知将影响核实。"
OPINION = "同意突击核查，注意保护举报人。"
DESCRIPTION = "池水浊度超标。"
DEVIATION = "首次违法且当场改正，依裁量清单第七项不予处罚。"
NOTE = "内部说明：请法制科留存举报材料。"
# Everything of the agency's internal record that the external readers must never see.
INTERNAL = [COMPLAINANT, MOBILE, ID_NUMBER, EXEMPTION, OPINION, DEVIATION, NOTE, "李主任"]


def at(day: dt.date, hour: int = 10):
    moment = dt.datetime(day.year, day.month, day.day, hour, tzinfo=SHANGHAI)
    return time_machine.travel(moment, tick=False)


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def complaint_case(
    inspector,
    second_inspector,
    approver,
    health_agency,
    zhoushan_enterprise,
    items,
    officer_one,
    officer_two,
    social_supervisor,
    supervisor,
):
    """A complaint case approved, accompanied by the social supervisor and on site, one
    problem recorded with a photo but not yet decided."""
    with at(DAY, 9):
        case = services.create_case(
            organisation=health_agency,
            enterprise=zhoushan_enterprise,
            kind=InspectionKind.COMPLAINT,
            items=items[:1],
            officers=[officer_one, officer_two],
            inspection_date=DAY,
            reason=REASON,
            exemption_reason=EXEMPTION,
            actor=inspector,
        )
        services.submit_case(case, actor=inspector)
        services.approve_case(case, actor=approver, opinion=OPINION)
        services.assign_social_supervisor(case, actor=supervisor, supervisor=social_supervisor)
        services.check_in(case, actor=inspector, code=case.checkin_code)
        services.check_in(case, actor=second_inspector, code=case.checkin_code)
        services.record_finding(
            case,
            actor=inspector,
            item=items[0],
            result=FindingResult.PROBLEM,
            description=DESCRIPTION,
            files=[SimpleUploadedFile("pool.jpg", b"\xff\xd8 photo", "image/jpeg")],
        )
    case.refresh_from_db()
    return case


def _decide(case, inspector):
    with at(DAY, 11):
        services.finish_site_record(
            case, actor=inspector, present_person="陈经理（店长）", party_opinion="无异议。"
        )
        services.decide_case(
            case,
            actor=inspector,
            outcome=CaseOutcome.RECTIFY,
            decisions={
                1: {
                    "chosen": PenaltyChoice.NONE,
                    "harm_level": "minor",
                    "violated_provision": "《公共场所卫生管理条例》第七条",
                    "penalty_provision": "《公共场所卫生管理条例》第十四条",
                    "deviation_reason": DEVIATION,
                }
            },
            rectify_working_days=10,
            note=NOTE,
        )
    case.refresh_from_db()


def _external_reads(client_for, user, case) -> dict[str, str]:
    """Every API answer and page the external reader gets for the case, as text."""
    client = client_for(user)
    api = "/api/inspections"
    reads = {
        "detail": client.get(f"{api}/cases/{case.pk}"),
        "list": client.get(f"{api}/cases"),
        "timeline": client.get(f"{api}/cases/{case.pk}/timeline"),
        "inbox": client.get(f"{api}/inbox"),
        "inbox page": client.get(reverse("inspections:inbox")),
        "verify page": client.get(reverse("inspections:verify", args=[case.verify_code])),
    }
    if user.role == "enterprise":
        reads["case page"] = client.get(reverse("inspections:my_case", args=[case.pk]))
    else:
        reads["case page"] = client.get(reverse("inspections:accompany_case", args=[case.pk]))
        reads["list page"] = client.get(reverse("inspections:accompany_list"))
    assert {name: r.status_code for name, r in reads.items()} == dict.fromkeys(reads, 200)
    return {name: r.content.decode() for name, r in reads.items()}


@pytest.mark.parametrize("reader", ["enterprise", "social_supervisor"])
def test_external_readers_never_read_the_agencys_internal_record(
    request, client_for, complaint_case, inspector, reader
):
    user = request.getfixturevalue(reader)
    with at(DAY, 10):
        before = _external_reads(client_for, user, complaint_case)
        detail_before = json.loads(before["detail"])
    _decide(complaint_case, inspector)
    with at(DAY, 12):
        after = _external_reads(client_for, user, complaint_case)
        detail_after = json.loads(after["detail"])

    for reads in (before, after):
        for name, text in reads.items():
            leaked = [secret for secret in INTERNAL if secret in text]
            assert leaked == [], name
    # Findings reach the external readers with the decision, never the proposal behind it.
    assert DESCRIPTION not in before["detail"]
    assert detail_before["findings"] == []
    assert detail_after["findings"] == [
        {
            "position": 1,
            "item_code": "WJ-01",
            "item_name": "公共场所卫生许可证持证情况",
            "result": "problem",
            "result_label": "发现问题",
            "description": DESCRIPTION,
        }
    ]
    assert (detail_after["audience"], detail_after["reason"]) == ("external", "依举报投诉检查")
    for field in (
        "exemption_reason",
        "approval_opinion",
        "approved_by",
        "requested_by",
        "oral_notice",
        "decision_note",
    ):
        assert field not in detail_after, field


def test_the_agency_and_the_supervising_bureau_still_read_the_whole_record(
    client_for, complaint_case, inspector, supervisor
):
    _decide(complaint_case, inspector)
    with at(DAY, 12):
        for user in (inspector, supervisor):
            client = client_for(user)
            detail = client.get(f"/api/inspections/cases/{complaint_case.pk}").json()
            page = client.get(reverse("inspections:case_detail", args=[complaint_case.pk]))

            assert (detail["audience"], detail["reason"]) == ("agency", REASON)
            assert detail["exemption_reason"] == EXEMPTION
            assert detail["approval_opinion"] == OPINION
            assert detail["decision_note"] == NOTE
            assert detail["findings"][0]["deviation_reason"] == DEVIATION
            assert page.status_code == 200
            assert REASON in page.content.decode()


def test_a_social_supervisor_cannot_open_the_agency_page_or_export_of_his_case(
    client_for, complaint_case, social_supervisor
):
    client = client_for(social_supervisor)
    with at(DAY, 12):
        page = client.get(reverse("inspections:case_detail", args=[complaint_case.pk]))
        export = client.get(reverse("inspections:case_export"))
        listing = client.get(reverse("inspections:case_list"))
        inbox = client.get(reverse("inspections:inbox"))

    # He is sent to his own page of the case, which carries no internal record.
    assert page.status_code == 302
    assert page["Location"] == reverse("inspections:accompany_case", args=[complaint_case.pk])
    assert export.status_code == 403
    assert listing.status_code == 302
    assert listing["Location"] == reverse("inspections:accompany_list")
    # His 待办 leads to his own page of the case, not the agency's.
    assert reverse("inspections:accompany_case", args=[complaint_case.pk]) in inbox.content.decode()
    assert (
        reverse("inspections:case_detail", args=[complaint_case.pk]) not in inbox.content.decode()
    )


def test_the_enterprise_cannot_export_the_agencys_case_list(client_for, complaint_case, enterprise):
    with at(DAY, 12):
        export = client_for(enterprise).get(reverse("inspections:case_export"))

    assert export.status_code == 403


def test_the_social_supervisors_page_shows_what_he_is_there_to_watch(
    client_for, complaint_case, social_supervisor, inspector
):
    _decide(complaint_case, inspector)
    with at(DAY, 12):
        response = client_for(social_supervisor).get(
            reverse("inspections:accompany_case", args=[complaint_case.pk])
        )

    text = response.content.decode()
    assert response.context["reason"] == "依举报投诉检查"
    assert [a.officer.name for a in response.context["assignments"]] == ["王检查", "周执法"]
    assert [f.description for f in response.context["findings"]] == [DESCRIPTION]
    assert "责令改正" in text
    assert [e.action for e in response.context["timeline"]] == [
        "inspections.case.social_supervisor",
        "inspections.case.check_in",
        "inspections.case.check_in",
        "inspections.case.finding",
        "inspections.case.finish_site",
        "inspections.case.decide",
    ]


def test_external_readers_cannot_download_the_agencys_evidence(
    client_for, complaint_case, enterprise, social_supervisor, inspector
):
    evidence = FindingEvidence.objects.get()
    for user in (enterprise, social_supervisor):
        client = client_for(user)
        api = client.get(f"/api/inspections/evidence/{evidence.pk}")
        page = client.get(reverse("inspections:evidence_download", args=[evidence.pk]))
        assert (api.status_code, page.status_code) == (404, 404)
    assert client_for(inspector).get(f"/api/inspections/evidence/{evidence.pk}").status_code == 200
