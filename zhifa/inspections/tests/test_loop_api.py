"""The API closes the loop as the pages do (issue 17): the enterprise reports its 整改 with
photos and files an objection with attachments; the enterprise, the agency and its supervisors
read them back, with the same fields the page shows; no one else does, and a refused request
changes nothing."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

import zhifa_testing as testing
from zhifa.audit.models import AuditRecord
from zhifa.inspections import services
from zhifa.inspections.models import (
    Objection,
    ObjectionAttachment,
    RectificationPhoto,
    RectificationReport,
)
from zhifa.org.models import Role
from zhifa.org.services import create_api_token
from zhifa_testing import cases
from zhifa_testing.cases import at

pytestmark = pytest.mark.django_db

API = "/api/inspections"

JPG, PNG = cases.JPG, cases.PNG


@pytest.fixture(autouse=True)
def _private_media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def other_enterprise(zhoushan):
    company = testing.enterprise("舟山渔港饭店有限公司", region=zhoushan, industry="餐饮业")
    return testing.user(
        "other_enterprise", role=Role.ENTERPRISE, enterprise=company, display_name="李经理"
    )


def png(name: str) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PNG, "image/png")


def reports_url(case) -> str:
    return f"{API}/cases/{case.pk}/rectification-reports"


def objections_url(case) -> str:
    return f"{API}/cases/{case.pk}/objections/with-attachments"


def counts() -> tuple[int, int, int, int, int]:
    return (
        RectificationReport.objects.count(),
        RectificationPhoto.objects.count(),
        Objection.objects.count(),
        ObjectionAttachment.objects.count(),
        AuditRecord.objects.count(),
    )


def downloaded(response) -> bytes:
    return b"".join(response.streaming_content)


# --- 整改 report -------------------------------------------------------------------------------


def test_the_enterprise_reports_its_rectification_with_photos_and_everyone_concerned_reads_it(
    client_for, enterprise, inspector, supervisor, rectifying_case
):
    case = rectifying_case
    with at(dt.date(2026, 3, 20)):
        response = client_for(enterprise).post(
            reports_url(case),
            {"text": "2名服务员已体检并取得健康合格证明。", "photos": [png("a.png"), png("b.png")]},
        )

    assert response.status_code == 201
    report = RectificationReport.objects.get()
    photos = list(report.photos.order_by("pk"))
    expected = {
        "id": report.pk,
        "text": "2名服务员已体检并取得健康合格证明。",
        "submitted_at": "2026-03-20T10:00:00+08:00",
        "is_late": False,
        "photos": [
            {"id": photos[0].pk, "url": f"{API}/rectification-photos/{photos[0].pk}"},
            {"id": photos[1].pk, "url": f"{API}/rectification-photos/{photos[1].pk}"},
        ],
    }
    assert response.json() == expected
    assert (report.submitted_by, report.deadline) == (enterprise, dt.date(2026, 3, 30))
    record = AuditRecord.objects.get(action="inspections.case.rectification_report")
    assert (record.actor_id, record.summary) == (
        enterprise.pk,
        f"企业报告检查案件 {case.reference} 的整改情况，附照片 2 张",
    )
    # The case page shows each of them the same report: text, time, 逾期 and the photos.
    for reader in (enterprise, inspector, supervisor):
        listed = client_for(reader).get(reports_url(case))
        assert (reader.username, listed.status_code, listed.json()) == (
            reader.username,
            200,
            [expected],
        )
        photo = client_for(reader).get(expected["photos"][1]["url"])
        assert (reader.username, photo.status_code, downloaded(photo)) == (
            reader.username,
            200,
            PNG,
        )


def test_a_machine_client_reads_the_report_and_its_photos_with_a_token(
    client, enterprise, inspector, rectifying_case
):
    with at(dt.date(2026, 3, 20)):
        client.force_login(enterprise)
        client.post(reports_url(rectifying_case), {"text": "已整改。", "photos": [png("a.png")]})
        client.logout()
    _, key = create_api_token(user=inspector, name="复查终端", actor=inspector)
    auth = {"Authorization": "Bearer " + key}

    listed = client.get(reports_url(rectifying_case), headers=auth)
    photo = client.get(listed.json()[0]["photos"][0]["url"], headers=auth)

    assert [r["text"] for r in listed.json()] == ["已整改。"]
    assert (photo.status_code, downloaded(photo)) == (200, PNG)


def test_a_report_after_the_deadline_is_taken_and_marked_late_in_the_api(
    client_for, enterprise, inspector, rectifying_case
):
    with at(dt.date(2026, 3, 31), 15):
        response = client_for(enterprise).post(reports_url(rectifying_case), {"text": "已整改。"})
        listed = client_for(inspector).get(reports_url(rectifying_case))

    assert response.status_code == 201
    assert (response.json()["submitted_at"], response.json()["is_late"]) == (
        "2026-03-31T15:00:00+08:00",
        True,
    )
    assert [(r["is_late"], r["photos"]) for r in listed.json()] == [(True, [])]
    record = AuditRecord.objects.get(action="inspections.case.rectification_report")
    assert record.summary == (
        f"企业报告检查案件 {rectifying_case.reference} 的整改情况，附照片 0 张（逾期提交）"
    )


def test_a_report_from_anyone_but_the_enterprise_is_refused_and_changes_nothing(
    client_for, inspector, outsider, other_enterprise, rectifying_case
):
    before = counts()
    with at(dt.date(2026, 3, 20)):
        refused = {
            who.username: client_for(who).post(
                reports_url(rectifying_case), {"text": "已整改。", "photos": [png("a.png")]}
            )
            for who in (inspector, outsider, other_enterprise)
        }
        anonymous = client_for(None).post(reports_url(rectifying_case), {"text": "已整改。"})

    assert {who: r.status_code for who, r in refused.items()} == {
        "inspector": 403,
        "outsider": 404,
        "other_enterprise": 404,
    }
    assert refused["other_enterprise"].json() == {"detail": "没有找到该检查案件，或您无权查看。"}
    assert anonymous.status_code == 401
    assert counts() == before


def test_a_report_before_the_decision_is_refused_in_chinese_and_changes_nothing(
    client_for, enterprise, notified_case
):
    before = counts()
    with at(dt.date(2026, 3, 10)):
        too_early = client_for(enterprise).post(
            reports_url(notified_case), {"text": "已整改。", "photos": [png("a.png")]}
        )

    assert too_early.status_code == 400
    assert too_early.json() == {
        "detail": "本次检查当前状态为“已预告”，只有责令改正、整改期间的检查可以报告整改情况。",
        "errors": {},
    }
    assert counts() == before


def test_a_report_without_text_or_with_a_bad_photo_is_refused_in_chinese(
    client_for, enterprise, rectifying_case
):
    before = counts()
    with at(dt.date(2026, 3, 20)):
        no_text = client_for(enterprise).post(
            reports_url(rectifying_case), {"photos": [png("a.png")]}
        )
        not_a_photo = client_for(enterprise).post(
            reports_url(rectifying_case),
            {"text": "已整改。", "photos": [SimpleUploadedFile("整改.pdf", b"%PDF-1.4 x")]},
        )
        ten = client_for(enterprise).post(
            reports_url(rectifying_case),
            {"text": "已整改。", "photos": [png(f"{n}.png") for n in range(10)]},
        )
        listed = client_for(enterprise).get(reports_url(rectifying_case))

    assert (no_text.status_code, no_text.json()["errors"]) == (
        400,
        {"text": ["请填写整改情况。"]},
    )
    assert (not_a_photo.status_code, not_a_photo.json()["errors"]) == (
        400,
        {
            "photos": [
                "整改照片“整改.pdf”的类型（.pdf）不受支持，只接受 JPG 图片（.jpg/.jpeg）、"
                "PNG 图片（.png）。"
            ]
        },
    )
    assert (ten.status_code, ten.json()["errors"]) == (
        400,
        {"photos": ["整改照片最多 9 个，现选择了 10 个。"]},
    )
    assert listed.json() == []
    assert counts() == before


def test_only_the_enterprise_the_agency_and_its_supervisors_read_the_report(
    client_for, enterprise, outsider, other_enterprise, rectifying_case
):
    with at(dt.date(2026, 3, 20)):
        client_for(enterprise).post(
            reports_url(rectifying_case), {"text": "已整改。", "photos": [png("a.png")]}
        )
    photo = RectificationPhoto.objects.get()

    for who in (outsider, other_enterprise):
        listed = client_for(who).get(reports_url(rectifying_case))
        download = client_for(who).get(f"{API}/rectification-photos/{photo.pk}")
        assert (who.username, listed.status_code, download.status_code) == (
            who.username,
            404,
            404,
        )
        assert download.json() == {"detail": "没有找到该整改照片，或您无权查看。"}
    assert client_for(None).get(f"{API}/rectification-photos/{photo.pk}").status_code == 401


def test_a_social_supervisor_sees_the_case_but_not_the_report_as_on_his_page(
    client_for, enterprise, supervisor, social_supervisor, rectifying_case
):
    with at(dt.date(2026, 3, 20)):
        services.assign_social_supervisor(
            rectifying_case, actor=supervisor, supervisor=social_supervisor
        )
        client_for(enterprise).post(
            reports_url(rectifying_case), {"text": "已整改。", "photos": [png("a.png")]}
        )
    photo = RectificationPhoto.objects.get()

    case = client_for(social_supervisor).get(f"{API}/cases/{rectifying_case.pk}")
    listed = client_for(social_supervisor).get(reports_url(rectifying_case))
    download = client_for(social_supervisor).get(f"{API}/rectification-photos/{photo.pk}")

    assert (case.status_code, case.json()["audience"]) == (200, "external")
    assert (listed.status_code, listed.json()) == (200, [])
    assert download.status_code == 404


# --- Objections with attachments ----------------------------------------------------------------


def test_the_enterprise_objects_with_attachments_and_the_supervisor_downloads_them(
    client_for, enterprise, inspector, supervisor, rectifying_case
):
    case = rectifying_case
    with at(dt.date(2026, 3, 17)):
        response = client_for(enterprise).post(
            objections_url(case),
            {
                "category": "facts",
                "text": "2名服务员的健康证明检查时仍在有效期内。",
                "attachments": [
                    SimpleUploadedFile("体检报告.pdf", b"%PDF-1.4 report"),
                    SimpleUploadedFile("现场.jpg", JPG),
                ],
            },
        )

    assert response.status_code == 201
    objection = Objection.objects.get()
    pdf, jpg = objection.attachments.order_by("pk")
    attachments = [
        {"id": pdf.pk, "name": "体检报告.pdf", "url": f"{API}/objection-attachments/{pdf.pk}"},
        {"id": jpg.pk, "name": "现场.jpg", "url": f"{API}/objection-attachments/{jpg.pk}"},
    ]
    assert response.json() == {
        "id": objection.pk,
        "case_id": case.pk,
        "case_reference": case.reference,
        "category": "facts",
        "category_label": "检查结果与事实不符、证据不足",
        "text": "2名服务员的健康证明检查时仍在有效期内。",
        "answer_due": "2026-03-24",
        "status": "open",
        "status_label": "待处理",
        "submitted_at": "2026-03-17T10:00:00+08:00",
        "answer": "",
        "answered_at": None,
        "attachments": attachments,
    }
    record = AuditRecord.objects.get(action="inspections.objection.submit")
    assert record.actor_id == enterprise.pk
    # The case read back shows the attachments to the enterprise, the agency and the supervisor.
    for reader in (enterprise, inspector, supervisor):
        detail = client_for(reader).get(f"{API}/cases/{case.pk}").json()
        assert (reader.username, [o["attachments"] for o in detail["objections"]]) == (
            reader.username,
            [attachments],
        )
        download = client_for(reader).get(attachments[0]["url"])
        assert (reader.username, download.status_code, downloaded(download)) == (
            reader.username,
            200,
            b"%PDF-1.4 report",
        )


def test_a_bad_objection_attachment_or_a_stranger_s_objection_is_refused_and_changes_nothing(
    client_for, enterprise, inspector, outsider, other_enterprise, rectifying_case
):
    before = counts()
    with at(dt.date(2026, 3, 17)):
        docx = client_for(enterprise).post(
            objections_url(rectifying_case),
            {
                "category": "other",
                "text": "不服。",
                "attachments": [SimpleUploadedFile("a.docx", b"PK")],
            },
        )
        no_category = client_for(enterprise).post(
            objections_url(rectifying_case), {"category": "", "text": "不服。"}
        )
        strangers = {
            who.username: client_for(who)
            .post(
                objections_url(rectifying_case),
                {"category": "other", "text": "不服。", "attachments": [png("a.png")]},
            )
            .status_code
            for who in (inspector, outsider, other_enterprise)
        }

    assert (docx.status_code, docx.json()["errors"]) == (
        400,
        {
            "attachments": [
                "异议附件“a.docx”的类型（.docx）不受支持，只接受 PDF 文件（.pdf）、"
                "JPG 图片（.jpg/.jpeg）、PNG 图片（.png）。"
            ]
        },
    )
    assert (no_category.status_code, no_category.json()["errors"]) == (
        400,
        {"category": ["请选择异议类别。"]},
    )
    assert strangers == {"inspector": 403, "outsider": 404, "other_enterprise": 404}
    assert counts() == before


def test_an_objection_attachment_is_not_for_outsiders_or_other_enterprises(
    client_for, enterprise, outsider, other_enterprise, rectifying_case
):
    with at(dt.date(2026, 3, 17)):
        client_for(enterprise).post(
            objections_url(rectifying_case),
            {"category": "other", "text": "不服。", "attachments": [png("a.png")]},
        )
    attachment = ObjectionAttachment.objects.get()

    for who in (outsider, other_enterprise):
        download = client_for(who).get(f"{API}/objection-attachments/{attachment.pk}")
        assert (who.username, download.status_code, download.json()) == (
            who.username,
            404,
            {"detail": "没有找到该异议附件，或您无权查看。"},
        )
