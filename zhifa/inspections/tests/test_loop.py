"""The enterprise finishes the loop (issue 17): after a 责令改正 it reports its 整改 with photos,
the officer's 复查 reads it; its case page drops what no longer applies; the officer sees its
self-check; an objection has a category, attachments and a reply deadline, its answer is
announced; the public result says when it is under objection."""

from __future__ import annotations

import datetime as dt
import zoneinfo

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse

import zhifa_testing as testing
from zhifa.audit.models import AuditRecord
from zhifa.inspections import services
from zhifa.inspections.models import (
    CaseStatus,
    Objection,
    ObjectionAttachment,
    RectificationPhoto,
    RectificationReport,
)
from zhifa.notifications.models import Kind, Notification
from zhifa.org.models import Role
from zhifa_testing import cases
from zhifa_testing.cases import at

pytestmark = pytest.mark.django_db

SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")
INSPECTION_DAY = cases.INSPECTION_DAY
DEADLINE = cases.RECTIFY_DEADLINE
PNG = cases.PNG
JPG = cases.JPG


def url(name: str, *args) -> str:
    return reverse(f"inspections:{name}", args=args)


def png(name: str = "整改.png") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PNG, "image/png")


@pytest.fixture(autouse=True)
def _private_media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


check_in_all = cases.check_in_all


# --- 整改 report -------------------------------------------------------------------------------


def test_the_enterprise_reports_its_rectification_with_photos_and_the_officer_reads_it(
    client_for, enterprise, inspector, rectifying_case
):
    case = rectifying_case
    assert case.rectify_deadline == DEADLINE
    with at(dt.date(2026, 3, 20)):
        response = client_for(enterprise).post(
            url("my_rectify", case.pk),
            {"text": "2名服务员已体检并取得健康合格证明。", "photos": [png("a.png"), png("b.png")]},
        )
        mine = client_for(enterprise).get(url("my_case", case.pk))
        theirs = client_for(inspector).get(url("case_detail", case.pk))

    assert response.status_code == 302
    report = RectificationReport.objects.get()
    assert (report.case_id, report.text, report.deadline, report.is_late, report.submitted_by) == (
        case.pk,
        "2名服务员已体检并取得健康合格证明。",
        DEADLINE,
        False,
        enterprise,
    )
    photos = list(report.photos.order_by("pk"))
    assert len(photos) == 2
    assert photos[0].file.read() == PNG
    record = AuditRecord.objects.filter(action="inspections.case.rectification_report").get()
    assert record.summary == f"企业报告检查案件 {case.reference} 的整改情况，附照片 2 张"
    assert record.actor_id == enterprise.pk
    assert case.status == CaseStatus.RECTIFYING
    for page in (mine, theirs):
        body = page.content.decode()
        assert "2名服务员已体检并取得健康合格证明。" in body
        assert body.count(url("rectification_photo", photos[0].pk)) == 2  # link and image
        assert 'data-testid="report-late"' not in body
    # The officer's 复查 starts from the section that shows the report.
    assert url("case_recheck", case.pk) in theirs.content.decode()
    assert [e.action for e in mine.context["timeline"]][-1] == (
        "inspections.case.rectification_report"
    )


def test_a_report_after_the_deadline_is_taken_and_marked_late(
    client_for, enterprise, inspector, rectifying_case
):
    case = rectifying_case
    with at(dt.date(2026, 3, 31)):
        before = client_for(enterprise).get(url("my_case", case.pk))
        response = client_for(enterprise).post(
            url("my_rectify", case.pk), {"text": "已整改。", "photos": [png()]}
        )
        theirs = client_for(inspector).get(url("case_detail", case.pk))

    assert 'data-testid="rectify-overdue"' in before.content.decode()
    assert response.status_code == 302
    report = RectificationReport.objects.get()
    assert report.is_late is True
    record = AuditRecord.objects.filter(action="inspections.case.rectification_report").get()
    assert record.summary == (
        f"企业报告检查案件 {case.reference} 的整改情况，附照片 1 张（逾期提交）"
    )
    assert theirs.content.decode().count('data-testid="report-late"') == 1


def test_the_photos_are_for_the_enterprise_and_the_agency_only(
    client, client_for, enterprise, inspector, outsider, zhoushan, rectifying_case
):
    with at(dt.date(2026, 3, 20)):
        report = services.report_rectification(
            rectifying_case, actor=enterprise, text="已整改。", photos=[png()]
        )
    photo = report.photos.get()
    other = testing.user(
        "other_ent",
        role=Role.ENTERPRISE,
        enterprise=testing.enterprise("舟山另一家宾馆有限公司", region=zhoushan),
    )
    path = url("rectification_photo", photo.pk)

    assert client_for(enterprise).get(path).status_code == 200
    assert b"".join(client_for(inspector).get(path).streaming_content) == PNG
    assert client_for(outsider).get(path).status_code == 404
    assert client_for(other).get(path).status_code == 404
    assert client_for(None).get(path).status_code == 302


def test_only_the_enterprise_of_the_case_reports_and_a_refusal_changes_nothing(
    client_for, inspector, outsider, zhoushan, rectifying_case
):
    other = testing.user(
        "other_ent",
        role=Role.ENTERPRISE,
        enterprise=testing.enterprise("舟山另一家宾馆有限公司", region=zhoushan),
    )
    with at(dt.date(2026, 3, 20)):
        by_other = client_for(other).post(url("my_rectify", rectifying_case.pk), {"text": "x"})
        by_inspector = client_for(inspector).post(
            url("my_rectify", rectifying_case.pk), {"text": "x"}
        )
        by_outsider = client_for(outsider).post(
            url("my_rectify", rectifying_case.pk), {"text": "x"}
        )

    assert (by_other.status_code, by_inspector.status_code, by_outsider.status_code) == (
        404,
        403,
        404,
    )
    assert RectificationReport.objects.count() == 0
    assert RectificationPhoto.objects.count() == 0


def test_a_report_is_refused_outside_the_rectification_and_with_wrong_photos(
    client_for, enterprise, notified_case
):
    with at(dt.date(2026, 3, 10)), pytest.raises(ValidationError) as early:
        services.report_rectification(notified_case, actor=enterprise, text="已整改。")
    assert early.value.messages == [
        "本次检查当前状态为“已预告”，只有责令改正、整改期间的检查可以报告整改情况。"
    ]


def test_more_than_nine_photos_or_a_disguised_file_is_refused_naming_it(
    client_for, enterprise, rectifying_case
):
    with at(dt.date(2026, 3, 20)):
        too_many = client_for(enterprise).post(
            url("my_rectify", rectifying_case.pk),
            {"text": "已整改。", "photos": [png(f"{n}.png") for n in range(10)]},
        )
        disguised = client_for(enterprise).post(
            url("my_rectify", rectifying_case.pk),
            {"text": "已整改。", "photos": [SimpleUploadedFile("假.jpg", b"%PDF-1.4 x")]},
        )
        empty = client_for(enterprise).post(url("my_rectify", rectifying_case.pk), {"text": ""})

    assert too_many.status_code == 400
    assert too_many.context["rectification_form"].errors["photos"] == [
        "整改照片最多 9 个，现选择了 10 个。"
    ]
    assert disguised.context["rectification_form"].errors["photos"] == [
        "整改照片“假.jpg”的内容不是 JPG 图片（扩展名与文件内容不符），请上传真实的 JPG 图片。"
    ]
    assert empty.context["rectification_form"].errors["text"] == ["这个字段是必填项。"]
    assert RectificationReport.objects.count() == 0


def test_the_recheck_after_a_report_closes_the_case(
    client_for, enterprise, inspector, rectifying_case
):
    with at(dt.date(2026, 3, 20)):
        services.report_rectification(rectifying_case, actor=enterprise, text="已整改。")
    with at(dt.date(2026, 3, 23)):
        form = client_for(inspector).get(url("case_recheck", rectifying_case.pk))
        response = client_for(inspector).post(
            url("case_recheck", rectifying_case.pk),
            {
                "passed": "1",
                "note": "现场核实已整改。",
                "rechecked_on": "2026-03-23",
                "confirm": "on",
            },
        )
        page = client_for(inspector).get(url("case_detail", rectifying_case.pk))
        refused = None
        try:
            services.report_rectification(rectifying_case, actor=enterprise, text="再报。")
        except ValidationError as error:
            refused = error.messages

    # The 复查 page shows what the enterprise reported.
    assert form.content.decode().count('data-testid="rectification-report"') == 1
    assert response.status_code == 302
    rectifying_case.refresh_from_db()
    assert rectifying_case.status == CaseStatus.CLOSED
    assert "复查 2026年3月23日：已整改。现场核实已整改。" in page.content.decode()
    assert refused == ["本次检查当前状态为“已办结”，只有责令改正、整改期间的检查可以报告整改情况。"]
    assert RectificationReport.objects.count() == 1


# --- Cards that no longer apply ----------------------------------------------------------------


def test_the_enterprise_page_drops_the_qr_the_self_check_and_the_booking_invitation_after_arrival(
    client_for, enterprise, notified_case
):
    with at(dt.date(2026, 3, 10)):
        before = client_for(enterprise).get(url("my_case", notified_case.pk)).content.decode()
    check_in_all(notified_case)
    with at(INSPECTION_DAY, 11):
        after = client_for(enterprise).get(url("my_case", notified_case.pk)).content.decode()

    for testid in ("checkin-qr", "self-check", "booking-card"):
        assert f'data-testid="{testid}"' in before
        assert f'data-testid="{testid}"' not in after
    assert 'data-testid="notice"' in after


def test_a_booking_made_stays_on_the_page_after_the_visit_without_its_cancel_button(
    client_for, enterprise, inspector, health_agency, notified_case
):
    with at(dt.date(2026, 3, 5)):
        slot = services.publish_slot(
            organisation=health_agency,
            starts_at=dt.datetime(2026, 3, 12, 14, tzinfo=SHANGHAI),
            ends_at=dt.datetime(2026, 3, 12, 15, tzinfo=SHANGHAI),
            place="线上视频",
            officer=notified_case.assignments.first().officer,
            actor=inspector,
        )
        services.book_guidance(notified_case, actor=enterprise, slot=slot)
    check_in_all(notified_case)
    with at(INSPECTION_DAY, 11):
        body = client_for(enterprise).get(url("my_case", notified_case.pk)).content.decode()

    assert 'data-testid="booking-card"' in body
    assert body.count('data-testid="booking"') == 1
    assert "取消预约" not in body


# --- The enterprise's self-check on the officer's page ----------------------------------------


@pytest.fixture
def health_certificate_guidance(admin_user, zhoushan, items):
    from zhifa.compliance import services as compliance

    version = compliance.create_version(
        region=zhoushan,
        data={
            "publisher": "舟山市卫生健康委员会",
            "label": "2026版",
            "title": "公共场所合规指导清单",
        },
        actor=admin_user,
    )
    item = compliance.add_item(
        version,
        data={
            "code": "GG-01",
            "field": "health",
            "title": "从业人员持有效健康合格证明上岗",
            "violations": "从业人员未取得或未及时更新健康合格证明",
            "legal_basis_law": "《公共场所卫生管理条例》",
            "legal_basis_article": "第七条",
            "liability": "责令限期改正，逾期不改的依法处罚",
            "advice": "建立从业人员健康证明台账，到期前一个月安排体检",
            "industries": "餐饮业",
            "inspection_item_codes": "WJ-02",
        },
        actor=admin_user,
    )
    compliance.publish_version(version, actor=admin_user)
    return item


def test_the_officer_sees_the_enterprise_self_check_and_its_correction_before_the_visit(
    client_for, enterprise, inspector, outsider, notified_case, health_certificate_guidance
):
    from zhifa.compliance import services as compliance
    from zhifa.compliance.models import Answer

    with at(dt.date(2026, 3, 10)):
        check = compliance.start_self_check(
            notified_case.enterprise, actor=enterprise, inspection_item_codes=["WJ-02"]
        )
        answer = check.answers.get(item=health_certificate_guidance)
        compliance.answer_item(
            answer, value=Answer.VIOLATES, note="1名服务员健康证明过期", actor=enterprise
        )
        compliance.record_correction(
            answer,
            corrected_on=dt.date(2026, 3, 10),
            evidence=SimpleUploadedFile("health.pdf", b"%PDF-1.4 receipt", "application/pdf"),
            note="已补办健康证明",
            actor=enterprise,
        )
        page = client_for(inspector).get(url("case_detail", notified_case.pk))

    body = page.content.decode()
    assert page.context["self_check"].checks == [check]
    assert body.count('data-testid="self-check-row"') == 1
    assert "对照公共场所合规指导清单自查（填写中）：共 1 项，不符合 1 项，已整改 1 项。" in body
    assert (
        "2026年3月10日 从业人员持有效健康合格证明上岗：发现“1名服务员健康证明过期”，"
        "已补办健康证明（附整改证明材料）"
    ) in body


def test_a_case_without_a_self_check_shows_no_self_check_section(
    client_for, inspector, notified_case
):
    with at(dt.date(2026, 3, 10)):
        page = client_for(inspector).get(url("case_detail", notified_case.pk))
    assert 'data-testid="case-self-check"' not in page.content.decode()


# --- Objections --------------------------------------------------------------------------------


def test_the_enterprise_objects_with_a_category_and_attachments_and_reads_the_deadline(
    client_for, enterprise, supervisor, justice_bureau, rectifying_case
):
    case = rectifying_case
    with at(dt.date(2026, 3, 17)):
        response = client_for(enterprise).post(
            url("my_object", case.pk),
            {
                "category": "facts",
                "text": "2名服务员的健康证明检查时仍在有效期内。",
                "attachments": [
                    SimpleUploadedFile("体检报告.pdf", b"%PDF-1.4 report"),
                    SimpleUploadedFile("现场.jpg", JPG),
                ],
            },
            follow=True,
        )
        answer_page = client_for(supervisor).get(
            url("objection_answer", Objection.objects.get().pk)
        )

    objection = Objection.objects.get()
    assert (objection.category, objection.get_category_display(), objection.answer_due) == (
        "facts",
        "检查结果与事实不符、证据不足",
        dt.date(2026, 3, 24),
    )
    assert sorted(a.filename for a in objection.attachments.all()) == ["体检报告.pdf", "现场.jpg"]
    body = response.content.decode()
    assert (
        "异议已提交执法监督机关，执法监督机关应于 2026年3月24日 前答复，答复后将在本页显示。"
        in body
    )
    assert "执法监督机关应于 2026年3月24日 前答复（提出之日起 5 个工作日，平台默认期限）" in body
    assert "体检报告.pdf" in answer_page.content.decode()
    attachment = objection.attachments.get(file__endswith=".pdf")
    assert client_for(supervisor).get(url("objection_file", attachment.pk)).status_code == 200


def test_an_objection_needs_a_category_and_takes_only_pdf_jpg_png(
    client_for, enterprise, rectifying_case
):
    with at(dt.date(2026, 3, 17)):
        no_category = client_for(enterprise).post(
            url("my_object", rectifying_case.pk), {"text": "不服。"}
        )
        docx = client_for(enterprise).post(
            url("my_object", rectifying_case.pk),
            {
                "category": "other",
                "text": "不服。",
                "attachments": [SimpleUploadedFile("a.docx", b"PK")],
            },
        )
    assert no_category.status_code == 400
    assert no_category.context["objection_form"].errors["category"] == ["请选择异议类别。"]
    assert docx.context["objection_form"].errors["attachments"] == [
        "附件“a.docx”的类型（.docx）不受支持，只接受 PDF 文件（.pdf）、JPG 图片（.jpg/.jpeg）、"
        "PNG 图片（.png）。"
    ]
    with at(dt.date(2026, 3, 17)), pytest.raises(ValidationError) as error:
        services.object_to_case(rectifying_case, actor=enterprise, text="不服。", category="x")
    assert error.value.message_dict == {"category": ["异议类别“x”不正确，请从列表中选择。"]}
    assert Objection.objects.count() == 0
    assert ObjectionAttachment.objects.count() == 0


def test_the_officers_hear_of_the_report_and_the_enterprise_of_the_answer(
    enterprise, supervisor, inspector, rectifying_case
):
    with at(dt.date(2026, 3, 17)):
        services.report_rectification(rectifying_case, actor=enterprise, text="已整改。")
        objection = services.object_to_case(
            rectifying_case, actor=enterprise, text="不服。", category="procedure"
        )
    with at(dt.date(2026, 3, 18)):
        services.answer_objection(objection, actor=supervisor, answer="检查程序合法。")
    told = Notification.objects.filter(
        kind__in=[Kind.RECTIFICATION_REPORTED, Kind.OBJECTION_ANSWERED]
    ).order_by("pk")
    assert [(n.kind, n.recipient.person_name) for n in told] == [
        (Kind.RECTIFICATION_REPORTED, inspector.person_name),
        (Kind.RECTIFICATION_REPORTED, "周执法"),
        (Kind.OBJECTION_ANSWERED, enterprise.person_name),
    ]


def test_the_enterprise_is_reminded_of_its_rectification_deadline_until_it_reports(
    enterprise, health_agency, rectifying_case
):
    # The deadline is Monday 03-30: reminders from three days before, daily once it has passed.
    for day in ("2026-03-26", "2026-03-27", "2026-03-27", "2026-03-31"):
        call_command("notify_deadlines", "--date", day)
    with at(dt.date(2026, 3, 31)):
        services.report_rectification(rectifying_case, actor=enterprise, text="已整改。")
    call_command("notify_deadlines", "--date", "2026-04-01")

    reminded = Notification.objects.filter(
        recipient=enterprise, kind__in=[Kind.DEADLINE_APPROACHING, Kind.DEADLINE_OVERDUE]
    ).order_by("pk")
    about = f"{health_agency.name}的检查（检查日期 2026-03-16）：报告整改情况期限为 2026-03-30"
    assert [(n.kind, n.title, n.body, n.url) for n in reminded] == [
        (
            Kind.DEADLINE_APPROACHING,
            f"报告整改情况期限将至：{health_agency.name}",
            f"{about}，还有 3 天。",
            url("my_case", rectifying_case.pk),
        ),
        (
            Kind.DEADLINE_OVERDUE,
            f"报告整改情况已逾期：{health_agency.name}",
            f"{about}，已逾期 1 天。",
            url("my_case", rectifying_case.pk),
        ),
    ]


# --- The public result -------------------------------------------------------------------------


def test_the_public_result_says_an_objection_is_being_handled_until_it_is_answered(
    client, enterprise, inspector, supervisor, rectifying_case
):
    with at(dt.date(2026, 3, 17)):
        services.publish_result(rectifying_case, actor=inspector)
        quiet = client.get(url("public_results")).content.decode()
        objection = services.object_to_case(
            rectifying_case, actor=enterprise, text="不服。", category="facts"
        )
        marked = client.get(url("public_results")).content.decode()
        services.answer_objection(objection, actor=supervisor, answer="已核实。")
        answered = client.get(url("public_results")).content.decode()

    assert quiet.count("有异议，正在处理") == 0
    assert marked.count("有异议，正在处理") == 1
    assert answered.count("有异议，正在处理") == 0


def test_the_api_takes_the_objection_category_and_returns_the_reply_deadline(
    client_for, enterprise, rectifying_case
):
    with at(dt.date(2026, 3, 17)):
        response = client_for(enterprise).post(
            f"/api/inspections/cases/{rectifying_case.pk}/objections",
            data={"text": "同一个月内检查了三次。", "category": "frequency"},
            content_type="application/json",
        )
        wrong = client_for(enterprise).post(
            f"/api/inspections/cases/{rectifying_case.pk}/objections",
            data={"text": "不服。", "category": "x"},
            content_type="application/json",
        )

    assert response.status_code == 201
    body = response.json()
    assert (body["category"], body["category_label"], body["answer_due"]) == (
        "frequency",
        "重复检查、检查过多过频",
        "2026-03-24",
    )
    assert wrong.status_code == 400
    assert Objection.objects.count() == 1
