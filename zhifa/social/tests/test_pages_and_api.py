from __future__ import annotations

import datetime as dt

from django.core.files.uploadedfile import SimpleUploadedFile

from zhifa.audit.models import AuditRecord
from zhifa.core.exports import XLSX_TYPE
from zhifa.social import services
from zhifa.social.models import Assignment, AssignmentStatus, ProblemStatus, Report
from zhifa.social.tests.conftest import INSPECTION_DAY, at
from zhifa.supervision import services as letters
from zhifa.supervision import sources
from zhifa.supervision.models import LetterType

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def _offer(approved_case, supervisor):
    with at(dt.date(2026, 3, 3)):
        return services.draw_social_supervisor(approved_case, actor=supervisor)


def test_the_supervisor_draws_from_the_page_and_sees_who_was_skipped(
    client_for, approved_case, registry, supervisor, zhoushan_enterprise
):
    chen = registry[0]
    with at(dt.date(2026, 3, 2), 11):
        services.declare_conflict(
            chen, actor=supervisor, enterprise=zhoushan_enterprise, reason="亲属任该企业股东"
        )
    client = client_for(supervisor)
    with at(dt.date(2026, 3, 3)):
        listing = client.get("/social/draws/")
        response = client.post(
            f"/social/cases/{approved_case.pk}/draw/", {"sources": "2,5,12,8,10；9319"}
        )
        assignment = Assignment.objects.get()
        page = client.get(f"/social/assignments/{assignment.pk}/")
        record = client.get(f"/social/assignments/{assignment.pk}/record.json")

    assert listing.status_code == 200
    assert approved_case.reference in listing.content.decode()
    assert response.status_code == 302
    assert assignment.supervisor != chen
    html = page.content.decode()
    assert "按记录重新抽取，结果一致" in html
    assert assignment.supervisor.name in html
    assert "亲属任该企业股东" in html or chen.code not in html
    assert "执法监督机关指定的公开随机源：2,5,12,8,10；9319" in html
    assert record.json()["selected"] == assignment.supervisor.code
    assert record.json()["key_string"] == assignment.key_string


def test_an_agency_user_cannot_draw_or_read_the_social_pages(
    client_for, approved_case, registry, inspector, approver
):
    for user in (inspector, approver):
        client = client_for(user)
        with at(dt.date(2026, 3, 3)):
            draw = client.post(f"/social/cases/{approved_case.pk}/draw/")
            draws = client.get("/social/draws/")
            problems = client.get("/social/problems/")
            api = client.post(f"/api/social/cases/{approved_case.pk}/draw")
        assert draw.status_code == 403
        assert draws.status_code == 403
        assert problems.status_code == 403
        assert api.status_code == 403
        assert api.json() == {
            "detail": "社会监督员由执法监督机关（司法局、司法所）的执法监督人员管理和安排。"
        }
    assert Assignment.objects.count() == 0
    assert (
        not AuditRecord.objects.filter(action__startswith="social.")
        .exclude(action="social.supervisor.register")
        .exists()
    )


def test_the_social_supervisor_walks_his_assignment_on_the_pages(
    client_for, approved_case, registry, supervisor
):
    offer = _offer(approved_case, supervisor)
    user = offer.supervisor.user
    client = client_for(user)
    with at(dt.date(2026, 3, 3)):
        client = client_for(user)
        mine = client.get("/social/mine/")
        accepted = client.post(f"/social/assignments/{offer.pk}/accept/")
    with at(INSPECTION_DAY, 9):
        client = client_for(user)  # a new session on the day (the old one has expired)
        checked = client.post(
            f"/social/assignments/{offer.pk}/checkin/",
            {"latitude": "29.985000", "longitude": "122.207000", "accuracy": "12"},
        )
        form = client.get(f"/social/assignments/{offer.pk}/report/")
        points = len(services.report_points(approved_case))
        data = {f"point_{n}": "kept" for n in range(1, points + 1)}
        data.update({f"note_{n}": "" for n in range(1, points + 1)})
        data.update(
            {
                "point_2": "breached",
                "note_2": "执法人员未说明检查依据即要求调取全部账册",
                "credentials": "all",
                "attitude": "3",
                "notes": "",
                "photos": [SimpleUploadedFile("现场.png", PNG, content_type="image/png")],
            }
        )
        filed = client.post(f"/social/assignments/{offer.pk}/report/", data)
    problems = client_for(supervisor).get("/social/problems/")
    report = Report.objects.get()
    detail = client_for(supervisor).get(f"/social/reports/{report.pk}/")

    assert mine.status_code == 200
    assert approved_case.enterprise.name in mine.content.decode()
    assert accepted.status_code == 302
    assert checked.status_code == 302
    assert form.status_code == 200
    assert filed.status_code == 302
    assert report.problem_status == ProblemStatus.PENDING
    assert report.photos.count() == 1
    assert "待处理 1 件" in problems.content.decode()
    assert (
        f"/supervision/letters/new/?source=social_report&amp;source_pk={report.pk}"
        in detail.content.decode()
    )

    # The bureau drafts its 意见书 from the report: the problem is then 已转监督文书.
    opinion = LetterType.objects.get(region=None, kind__code="supervision_opinion")
    prefill = sources.source("social_report").loader(report.pk, supervisor)
    letter = letters.draft_letter(
        actor=supervisor,
        letter_type=opinion,
        addressee=prefill.addressee,
        content={"matter": prefill.matter, "facts": prefill.facts, "problems": prefill.problems},
        case=prefill.case,
        source_code="social_report",
        source_pk=report.pk,
        source_label=prefill.label,
    )
    report.refresh_from_db()
    assert (prefill.addressee, prefill.case) == (approved_case.organisation, approved_case)
    assert report.problem_status == ProblemStatus.DOCUMENTED
    assert report.resolution == letter.label


def test_another_social_supervisor_cannot_answer_for_him(
    client_for, approved_case, registry, supervisor
):
    offer = _offer(approved_case, supervisor)
    other = next(s for s in registry if s != offer.supervisor).user
    with at(dt.date(2026, 3, 3)):
        page = client_for(other).post(f"/social/assignments/{offer.pk}/accept/")
        api = client_for(other).post(f"/api/social/assignments/{offer.pk}/accept")

    assert page.status_code == 404
    assert api.status_code == 404
    offer.refresh_from_db()
    assert offer.status == AssignmentStatus.OFFERED


def test_the_api_carries_every_step_from_draw_to_a_cleared_problem(
    client_for, approved_case, registry, supervisor
):
    with at(dt.date(2026, 3, 3)):
        drawn = client_for(supervisor).post(f"/api/social/cases/{approved_case.pk}/draw").json()
        assignment = Assignment.objects.get(pk=drawn["id"])
        user = assignment.supervisor.user
        accepted = client_for(user).post(f"/api/social/assignments/{assignment.pk}/accept")
        early = client_for(user).post(
            f"/api/social/assignments/{assignment.pk}/check-in", {}, content_type="application/json"
        )
    with at(INSPECTION_DAY, 9):
        client = client_for(user)
        checked = client.post(
            f"/api/social/assignments/{assignment.pk}/check-in",
            {"latitude": 29.985, "longitude": 122.207, "accuracy": 10},
            content_type="application/json",
        )
        points = client.get(f"/api/social/assignments/{assignment.pk}/report-points").json()
        body = {
            "points": [{"breached": False, "note": ""} for _ in points],
            "credentials": "none",
            "attitude": 4,
            "notes": "",
        }
        filed = client.post(
            f"/api/social/assignments/{assignment.pk}/report", body, content_type="application/json"
        )
        report_id = filed.json()["id"]
        photos = client.post(
            f"/api/social/reports/{report_id}/photos",
            {"photos": [SimpleUploadedFile("a.png", PNG, content_type="image/png")]},
        )
    with at(INSPECTION_DAY, 15):
        bureau = client_for(supervisor)
        listed = bureau.get("/api/social/problems").json()
        cleared = bureau.post(
            f"/api/social/reports/{report_id}/clear",
            {"reason": "经调取执法记录仪，执法人员已出示执法证。"},
            content_type="application/json",
        )

    assert drawn["status"] == "offered"
    assert drawn["key_string"].endswith("./1./")
    assert accepted.json()["status"] == "accepted"
    assert early.status_code == 400
    assert early.json()["detail"].startswith("检查日期为 2026-03-16")
    assert checked.json()["checked_in_at"] is not None
    assert len(points) >= 1
    assert filed.json()["problem_status"] == "pending"
    assert len(photos.json()["photos"]) == 1
    assert [p["id"] for p in listed] == [report_id]
    assert cleared.json()["problem_status_label"] == "已核实无问题"


def test_the_bureau_exports_the_record_of_service(client_for, approved_case, registry, supervisor):
    _offer(approved_case, supervisor)
    with at(dt.date(2026, 3, 3)):
        table = client_for(supervisor).get("/social/records/?year=2026")
        export = client_for(supervisor).get("/social/records/export/")

    assert table.status_code == 200
    assert export.status_code == 200
    assert export["Content-Type"] == XLSX_TYPE


def test_the_supervisor_registers_a_supervisor_and_records_a_conflict_on_the_pages(
    client_for, registry, supervisor, zhoushan, zhoushan_enterprise
):
    import zhifa_testing as testing
    from zhifa.org.models import Role
    from zhifa.social.models import Conflict, SocialSupervisor

    newcomer = testing.user(
        "worker_he", role=Role.SOCIAL_SUPERVISOR, region=zhoushan, display_name="何社工"
    )
    client = client_for(supervisor)
    form = client.get("/social/new/")
    done = client.post(
        "/social/new/",
        {"user": newcomer.pk, "category": "community_worker", "category_note": "", "phone": ""},
    )
    added = SocialSupervisor.objects.get(user=newcomer)
    detail = client.get(f"/social/supervisors/{added.pk}/")
    conflict = client.post(
        f"/social/supervisors/{added.pk}/conflicts/",
        {
            "enterprise_uscc": zhoushan_enterprise.uscc,
            "organisation": "",
            "reason": "其子在该企业任职",
        },
    )
    listing = client.get("/social/?q=何")

    assert form.status_code == 200
    assert "何社工" in form.content.decode()
    assert done.status_code == 302
    assert detail.status_code == 200
    assert conflict.status_code == 302
    assert Conflict.objects.get(supervisor=added).reason == "其子在该企业任职"
    assert "何社工" in listing.content.decode()
    assert "worker_he" not in detail.content.decode()


def test_the_bureau_registers_through_the_api_and_an_agency_user_cannot(
    client_for, justice_bureau, supervisor, inspector, zhoushan
):
    import zhifa_testing as testing
    from zhifa.org.models import Role
    from zhifa.social.models import SocialSupervisor

    person = testing.user(
        "deputy_sun", role=Role.SOCIAL_SUPERVISOR, region=zhoushan, display_name="孙代表"
    )
    body = {"user_id": person.pk, "category": "npc_deputy", "category_note": "", "phone": ""}
    refused = client_for(inspector).post(
        "/api/social/supervisors", body, content_type="application/json"
    )
    assert refused.status_code == 403
    assert not SocialSupervisor.objects.exists()
    done = client_for(supervisor).post(
        "/api/social/supervisors", body, content_type="application/json"
    )

    assert done.status_code == 200
    assert done.json()["name"] == "孙代表"
    assert done.json()["bureau"] == "舟山市司法局"
    assert done.json()["code"] == f"SJ{SocialSupervisor.objects.get().pk:05d}"
