"""A 文书 from draft to archive: numbered, rendered, hashed and stored at issue; delivered by
portal, e-mail, SMS or paper; corrected by a new document that voids the old one."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from pypdf import PdfReader

import zhifa_testing as testing
from zhifa.audit.models import AuditRecord
from zhifa.audit.services import verify_chain
from zhifa.audit.sm3 import sm3_hex
from zhifa.documents import services
from zhifa.documents.models import (
    Delivery,
    Document,
    DocumentKind,
    DocumentNumber,
    DocumentStatus,
    NumberStatus,
    SendStatus,
)
from zhifa.documents.services import (
    archive_document,
    confirm_receipt,
    correct_document,
    create_draft,
    deliver_document,
    issue_document,
    receipt_digest,
    update_draft,
)
from zhifa.registry.models import Contact
from zhifa_testing import RecordingSMSBackend

from .conftest import ISSUE_DATE

NUMBER_1 = "舟卫执预\u30142026\u30151号"
NUMBER_2 = "舟卫执预\u30142026\u30152号"


def stored(name: str) -> bytes:
    with default_storage.open(name, "rb") as handle:
        return handle.read()


def counts() -> tuple[int, int, int, int]:
    return (
        AuditRecord.objects.count(),
        DocumentNumber.objects.count(),
        Delivery.objects.count(),
        Document.objects.count(),
    )


def test_a_new_draft_takes_the_enterprise_as_recipient_and_the_kind_as_title(preview_draft):
    assert preview_draft.status == DocumentStatus.DRAFT
    assert preview_draft.recipient_name == "舟山海鲜酒楼有限公司"
    assert preview_draft.title == "行政执法检查预告通知书"
    assert preview_draft.region_id == "330900"
    assert preview_draft.number is None
    assert preview_draft.verification_code is None
    record = AuditRecord.objects.get(action="documents.document.create")
    assert record.summary == (
        "拟制文书草稿“行政执法检查预告通知书”（行政执法检查预告通知书），"
        "受送达人 舟山海鲜酒楼有限公司"
    )


def test_issue_numbers_renders_hashes_and_stores_the_document(preview_draft, inspector):
    document = issue_document(preview_draft, actor=inspector, issue_date=ISSUE_DATE)

    document.refresh_from_db()
    assert document.status == DocumentStatus.ISSUED
    assert document.number_text == NUMBER_1
    assert document.issue_date == ISSUE_DATE
    assert document.issued_by == inspector
    assert len(document.verification_code) == 10
    assert set(document.verification_code) <= set(services.CODE_ALPHABET)
    pdf = stored(document.pdf_file.name)
    docx = stored(document.docx_file.name)
    assert pdf.startswith(b"%PDF")
    assert docx.startswith(b"PK")
    assert document.pdf_sm3 == sm3_hex(pdf)
    assert document.docx_sm3 == sm3_hex(docx)
    number = DocumentNumber.objects.get()
    assert number.status == NumberStatus.USED
    assert (number.object_type, number.object_id) == ("documents.document", str(document.pk))
    assert document.context["number"] == NUMBER_1
    assert document.context["date"] == "2026-12-01"
    assert document.context["verification_url"] == (
        f"http://127.0.0.1:8000/documents/v/{document.verification_code}/"
    )
    # The verified wording of 国办发〔2024〕54号 (in force for documents from 2026-11-27).
    assert [s["title"] for s in document.context["prohibitions"]] == [
        "严禁逐利检查",
        "严禁干扰企业正常生产经营",
        "严禁任性处罚企业",
        "严禁下达检查指标",
        "严禁变相检查",
    ]
    text = "".join(page.extract_text() for page in PdfReader(document.pdf_file.path).pages)
    assert NUMBER_1 in text
    assert document.verification_code in text
    actions = list(AuditRecord.objects.order_by("seq").values_list("action", flat=True))
    assert actions == [
        "documents.document.create",
        "document_number.reserve",
        "documents.document.issue",
        "document_number.use",
    ]
    assert verify_chain().ok


def test_the_public_base_url_setting_builds_the_verification_link(
    settings, preview_draft, inspector
):
    settings.ZHIFA_PUBLIC_BASE_URL = "https://zhifa.example.gov.cn/"
    document = issue_document(preview_draft, actor=inspector, issue_date=ISSUE_DATE)
    assert document.context["verification_url"] == (
        f"https://zhifa.example.gov.cn/documents/v/{document.verification_code}/"
    )


def test_issuing_twice_is_refused_and_changes_nothing(issued_preview, inspector):
    before = counts()
    with pytest.raises(ValidationError) as caught:
        issue_document(issued_preview, actor=inspector)
    assert caught.value.messages == [
        f"文书“行政执法检查预告通知书”（{NUMBER_1}）当前为“已签发”，不能签发"
        "（只有“草稿”的文书可以签发）。"
    ]
    assert counts() == before


def test_an_issued_document_is_never_edited(issued_preview, inspector):
    before = counts()
    with pytest.raises(ValidationError) as caught:
        update_draft(issued_preview, data={"title": "改过的标题"}, actor=inspector)
    assert caught.value.messages == [
        f"文书“行政执法检查预告通知书”（{NUMBER_1}）当前为“已签发”，"
        "已签发的文书不能修改；如需更正，请制作更正文书。"
    ]
    issued_preview.refresh_from_db()
    assert issued_preview.title == "行政执法检查预告通知书"
    assert counts() == before


def test_archiving_an_undelivered_document_is_refused(issued_preview, inspector):
    before = counts()
    with pytest.raises(ValidationError) as caught:
        archive_document(issued_preview, actor=inspector)
    assert caught.value.messages == [
        f"文书“行政执法检查预告通知书”（{NUMBER_1}）当前为“已签发”，不能归档"
        "（只有“已送达”的文书可以归档）。"
    ]
    assert counts() == before


def test_delivering_a_draft_is_refused(preview_draft, inspector):
    before = counts()
    with pytest.raises(ValidationError) as caught:
        deliver_document(preview_draft, method="portal", actor=inspector)
    assert caught.value.messages == [
        "文书“行政执法检查预告通知书”（草稿）当前为“草稿”，不能平台送达"
        "（只有“已签发”的文书可以平台送达）。"
    ]
    assert counts() == before


def test_an_outsider_may_not_issue_another_agencys_draft(preview_draft, outsider):
    before = counts()
    with pytest.raises(PermissionDenied):
        issue_document(preview_draft, actor=outsider)
    preview_draft.refresh_from_db()
    assert preview_draft.status == DocumentStatus.DRAFT
    assert counts() == before


def test_the_enterprise_may_not_create_a_document(enterprise, health_agency, preview_kind):
    before = counts()
    with pytest.raises(PermissionDenied):
        create_draft(kind=preview_kind, organisation=health_agency, actor=enterprise)
    assert counts() == before


def test_a_failure_after_numbering_keeps_the_draft_stores_nothing_and_voids_the_number(
    inspector, preview_draft, tmp_path, monkeypatch
):
    # Every kind renders now (a kind without a spec prints as the generic supervision letter),
    # so the failure after the number is reserved is the store refusing the PDF: the DOCX
    # already stored must be removed again.
    draft = preview_draft
    real_save = default_storage.save

    def save_docx_only(name, content, *args, **kwargs):
        if name.endswith(".pdf"):
            raise OSError("存储空间已满")
        return real_save(name, content, *args, **kwargs)

    monkeypatch.setattr(default_storage, "save", save_docx_only)
    with pytest.raises(Exception) as caught:
        issue_document(draft, actor=inspector, issue_date=ISSUE_DATE)
    draft.refresh_from_db()
    assert draft.status == DocumentStatus.DRAFT
    assert draft.number is None
    assert not draft.pdf_file
    number = DocumentNumber.objects.get()
    assert number.text == "舟卫执预\u30142026\u30151号"
    assert number.status == NumberStatus.VOIDED
    assert number.void_reason.startswith("事务回滚，文号作废：")
    assert str(caught.value) in number.void_reason
    media = tmp_path / "media" / "documents"
    assert not media.exists() or not any(p.is_file() for p in media.rglob("*"))
    assert verify_chain().ok


# --- Correction -------------------------------------------------------------------------------


def test_a_correction_once_issued_voids_the_old_document_and_both_are_kept(
    issued_preview, inspector
):
    draft = correct_document(
        issued_preview, {"context": {"contact": "联系人：王检查，电话 0580-2000000"}}, inspector
    )
    assert draft.status == DocumentStatus.DRAFT
    assert draft.corrects == issued_preview
    assert draft.context["contact"] == "联系人：王检查，电话 0580-2000000"
    assert "number" not in draft.context
    issued_preview.refresh_from_db()
    assert issued_preview.voided_by is None

    new = issue_document(draft, actor=inspector, issue_date=ISSUE_DATE)

    issued_preview.refresh_from_db()
    assert new.number_text == NUMBER_2
    assert issued_preview.voided_by == new
    assert issued_preview.void_reason == f"已由更正文书 {NUMBER_2} 更正，本文书作废。"
    assert issued_preview.status == DocumentStatus.ISSUED
    assert issued_preview.pdf_file.name != new.pdf_file.name
    assert default_storage.exists(issued_preview.pdf_file.name)
    assert Document.objects.count() == 2
    void = AuditRecord.objects.get(action="documents.document.void")
    assert void.summary == f"文书 {NUMBER_1} 因更正作废，更正文书 {NUMBER_2}"
    assert verify_chain().ok


def test_a_voided_document_cannot_be_corrected_or_delivered_again(issued_preview, inspector):
    issue_document(
        correct_document(issued_preview, {}, inspector), actor=inspector, issue_date=ISSUE_DATE
    )
    before = counts()
    with pytest.raises(ValidationError) as caught:
        correct_document(issued_preview, {}, inspector)
    assert caught.value.messages == [
        f"文书“行政执法检查预告通知书”（{NUMBER_1}）已作废，不能更正。"
    ]
    with pytest.raises(ValidationError) as caught:
        deliver_document(issued_preview, method="portal", actor=inspector)
    assert caught.value.messages == [
        f"文书“行政执法检查预告通知书”（{NUMBER_1}）已作废，不能平台送达。"
    ]
    assert counts() == before


def test_a_second_correction_draft_is_refused_while_one_is_pending(issued_preview, inspector):
    first = correct_document(issued_preview, {}, inspector)
    before = counts()
    with pytest.raises(ValidationError) as caught:
        correct_document(issued_preview, {}, inspector)
    assert caught.value.messages == [
        f"文书“行政执法检查预告通知书”（{NUMBER_1}）已有待签发的更正草稿（编号 {first.pk}），"
        "请先签发或修改该草稿。"
    ]
    assert counts() == before


# --- Delivery ---------------------------------------------------------------------------------


def test_portal_delivery_waits_for_the_enterprise_to_sign_the_receipt(
    issued_preview, inspector, enterprise
):
    delivery = deliver_document(issued_preview, method="portal", actor=inspector)
    issued_preview.refresh_from_db()
    assert issued_preview.status == DocumentStatus.ISSUED
    assert delivery.is_pending

    confirmed = confirm_receipt(issued_preview, actor=enterprise)

    issued_preview.refresh_from_db()
    assert issued_preview.status == DocumentStatus.DELIVERED
    assert issued_preview.delivered_at == confirmed.confirmed_at
    assert confirmed.confirmed_by == enterprise
    assert confirmed.receipt_sm3 == receipt_digest(confirmed)
    record = AuditRecord.objects.get(action="documents.document.confirm_receipt")
    assert record.actor == enterprise
    assert record.after["delivery"]["receipt_sm3"] == confirmed.receipt_sm3
    assert verify_chain().ok


def test_only_the_recipient_signs_a_portal_receipt(issued_preview, inspector, zhoushan):
    deliver_document(issued_preview, method="portal", actor=inspector)
    other = testing.enterprise("舟山另一家有限公司", region=zhoushan)
    stranger = testing.user("other-ent", role="enterprise", enterprise=other)
    before = counts()
    with pytest.raises(PermissionDenied):
        confirm_receipt(issued_preview, actor=stranger)
    with pytest.raises(PermissionDenied):
        confirm_receipt(issued_preview, actor=inspector)
    assert counts() == before


def test_email_delivery_sends_the_pdf_through_the_mail_backend_after_commit(
    issued_preview, inspector, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        delivery = deliver_document(
            issued_preview, method="email", actor=inspector, address="boss@haixian.example.com"
        )
    # Recorded, not yet sent: the message waits for the delivery's commit.
    assert mail.outbox == []
    assert delivery.send_status == SendStatus.PENDING
    issued_preview.refresh_from_db()
    assert issued_preview.status == DocumentStatus.ISSUED
    assert len(callbacks) == 1

    callbacks[0]()
    delivery.refresh_from_db()
    assert delivery.send_status == SendStatus.SENT
    assert delivery.send_error == ""
    assert delivery.send_finished_at is not None
    issued_preview.refresh_from_db()
    assert issued_preview.status == DocumentStatus.DELIVERED
    assert issued_preview.delivered_at == delivery.send_finished_at
    assert delivery.address == "boss@haixian.example.com"
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["boss@haixian.example.com"]
    assert message.subject == f"舟山市卫生健康委员会：行政执法检查预告通知书（{NUMBER_1}）"
    (name, content, mimetype) = message.attachments[0]
    assert (name, mimetype) == (f"{NUMBER_1}.pdf", "application/pdf")
    assert sm3_hex(content) == issued_preview.pdf_sm3
    assert issued_preview.verification_code in message.body
    actions = list(
        AuditRecord.objects.filter(action__startswith="documents.document.email")
        .order_by("pk")
        .values_list("action", flat=True)
    )
    assert actions == ["documents.document.email_sent"]
    assert verify_chain().ok


def test_a_rolled_back_email_delivery_sends_nothing(
    issued_preview, inspector, django_capture_on_commit_callbacks
):
    before = counts()
    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        deliver_document(
            issued_preview, method="email", actor=inspector, address="boss@haixian.example.com"
        )
        raise RuntimeError("同一事务中的后续步骤失败")
    assert callbacks == []
    assert mail.outbox == []
    assert counts() == before
    issued_preview.refresh_from_db()
    assert issued_preview.status == DocumentStatus.ISSUED


def test_a_failed_email_is_recorded_on_the_delivery_and_the_document_stays_issued(
    settings, issued_preview, inspector, django_capture_on_commit_callbacks
):
    # Django's own SMTP backend against a port nobody listens on: the send really fails.
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", 9, 2
    with django_capture_on_commit_callbacks(execute=True):
        delivery = deliver_document(
            issued_preview, method="email", actor=inspector, address="boss@haixian.example.com"
        )
    delivery.refresh_from_db()
    assert delivery.send_status == SendStatus.FAILED
    assert delivery.send_error.startswith("ConnectionRefusedError：")
    assert delivery.send_outcome.startswith("，发送失败（ConnectionRefusedError：")
    assert Delivery.objects.get(pk=delivery.pk).send_status == SendStatus.FAILED
    issued_preview.refresh_from_db()
    assert issued_preview.status == DocumentStatus.ISSUED
    assert issued_preview.delivered_at is None
    record = AuditRecord.objects.filter(action="documents.document.email_failed").get()
    assert record.summary.startswith(
        f"电子邮件送达文书 {NUMBER_1} 至 boss@haixian.example.com："
        "发送失败（ConnectionRefusedError："
    )


def test_a_delivery_whose_send_is_recorded_cannot_be_sent_again(
    issued_preview, inspector, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        delivery = deliver_document(
            issued_preview, method="sms", actor=inspector, address="13800000001"
        )
    before = counts()
    with pytest.raises(ValidationError) as caught:
        services.send_delivery(delivery, actor=inspector)
    assert caught.value.messages == [
        "送达记录（短信送达 至 13800000001）当前为“已发送”，只有“待发送”的送达可以发送。"
    ]
    assert counts() == before


def test_email_delivery_defaults_to_the_primary_contact(
    issued_preview, inspector, zhoushan_enterprise, django_capture_on_commit_callbacks
):
    Contact.objects.create(
        enterprise=zhoushan_enterprise, name="陈经理", email="chen@haixian.example.com"
    )
    with django_capture_on_commit_callbacks(execute=True):
        delivery = deliver_document(issued_preview, method="email", actor=inspector)
    assert delivery.address == "chen@haixian.example.com"
    assert mail.outbox[0].to == ["chen@haixian.example.com"]


def test_a_bad_email_address_is_refused_and_nothing_is_sent(
    issued_preview, inspector, django_capture_on_commit_callbacks
):
    before = counts()
    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(ValidationError) as caught,
    ):
        deliver_document(issued_preview, method="email", actor=inspector, address="不是邮箱")
    assert caught.value.message_dict == {
        "address": ["电子邮箱“不是邮箱”不正确，请填写受送达人的电子邮箱。"]
    }
    assert callbacks == []
    assert mail.outbox == []
    issued_preview.refresh_from_db()
    assert issued_preview.status == DocumentStatus.ISSUED
    assert counts() == before


def test_sms_delivery_goes_through_the_console_backend(
    issued_preview, inspector, capsys, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        delivery = deliver_document(
            issued_preview, method="sms", actor=inspector, address="13800000001"
        )
    delivery.refresh_from_db()
    out = capsys.readouterr().out
    assert out == (
        "[短信] 发送至 13800000001：【舟山市卫生健康委员会】舟山海鲜酒楼有限公司：向您送达"
        f"《行政执法检查预告通知书》（{NUMBER_1}），查看与核验："
        f"http://127.0.0.1:8000/documents/v/{issued_preview.verification_code}/\n"
    )
    assert delivery.send_status == SendStatus.SENT
    issued_preview.refresh_from_db()
    assert issued_preview.status == DocumentStatus.DELIVERED


class UnreachableSMSBackend:
    """A gateway that does not answer, as an SMS provider's client raises then."""

    def send(self, mobile: str, message: str) -> None:
        raise ConnectionError("短信网关无响应")


def test_the_sms_backend_is_a_setting(
    settings, issued_preview, inspector, django_capture_on_commit_callbacks
):
    settings.ZHIFA_SMS_BACKEND = "zhifa_testing.RecordingSMSBackend"
    RecordingSMSBackend.sent = []
    with django_capture_on_commit_callbacks(execute=True):
        deliver_document(issued_preview, method="sms", actor=inspector, address="13800000001")
    assert [mobile for mobile, _ in RecordingSMSBackend.sent] == ["13800000001"]


def test_a_failed_sms_is_recorded_with_its_reason(
    settings, issued_preview, inspector, django_capture_on_commit_callbacks
):
    settings.ZHIFA_SMS_BACKEND = f"{__name__}.UnreachableSMSBackend"
    with django_capture_on_commit_callbacks(execute=True):
        delivery = deliver_document(
            issued_preview, method="sms", actor=inspector, address="13800000001"
        )
    delivery.refresh_from_db()
    assert (delivery.send_status, delivery.send_error) == (
        SendStatus.FAILED,
        "ConnectionError：短信网关无响应",
    )
    issued_preview.refresh_from_db()
    assert issued_preview.status == DocumentStatus.ISSUED
    assert AuditRecord.objects.get(action="documents.document.sms_failed").summary == (
        f"短信送达文书 {NUMBER_1} 至 13800000001：发送失败（ConnectionError：短信网关无响应）"
    )


def test_a_bad_mobile_number_is_refused(issued_preview, inspector, capsys):
    before = counts()
    with pytest.raises(ValidationError) as caught:
        deliver_document(issued_preview, method="sms", actor=inspector, address="12345")
    assert caught.value.message_dict == {"address": ["手机号“12345”不正确，请填写 11 位手机号码。"]}
    assert capsys.readouterr().out == ""
    assert counts() == before


def test_paper_delivery_stores_the_scanned_receipt_with_its_hash(issued_preview, inspector):
    scan = ContentFile(b"%PDF-1.4 scanned receipt", name="回证.pdf")
    delivery = deliver_document(issued_preview, method="paper", actor=inspector, scan=scan)
    assert stored(delivery.receipt_file.name) == b"%PDF-1.4 scanned receipt"
    assert delivery.receipt_file_sm3 == sm3_hex(b"%PDF-1.4 scanned receipt")
    issued_preview.refresh_from_db()
    assert issued_preview.status == DocumentStatus.DELIVERED


def test_paper_delivery_without_a_scan_is_refused(issued_preview, inspector):
    before = counts()
    with pytest.raises(ValidationError) as caught:
        deliver_document(issued_preview, method="paper", actor=inspector)
    assert caught.value.message_dict == {"scan": ["纸质送达须上传受送达人签收的送达回证扫描件。"]}
    assert counts() == before


def test_a_delivered_document_is_archived(
    issued_preview, inspector, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        deliver_document(issued_preview, method="sms", actor=inspector, address="13800000001")
    archived = archive_document(issued_preview, actor=inspector, reference="2026-WS-0001")
    assert archived.status == DocumentStatus.ARCHIVED
    assert archived.archive_reference == "2026-WS-0001"
    assert archived.archived_by == inspector
    with pytest.raises(ValidationError) as caught:
        archive_document(archived, actor=inspector)
    assert caught.value.messages == [
        f"文书“行政执法检查预告通知书”（{NUMBER_1}）当前为“已归档”，不能归档"
        "（只有“已送达”的文书可以归档）。"
    ]
    assert verify_chain().ok


def test_a_supervision_document_carries_no_prohibitions(justice_bureau, health_agency):
    supervisor_user = testing.user(
        "sup2", role="supervisor", organisation=justice_bureau, display_name="钱监督"
    )
    kind = DocumentKind.objects.get_or_create(
        code="supervision_suggestion",
        defaults={"name": "行政执法监督建议书", "abbreviation": "监建"},
    )[0]
    from zhifa.documents.rendering import sample_context

    content = {
        k: v
        for k, v in sample_context("supervision_suggestion").items()
        if k not in services.STANDARD_KEYS
    }
    draft = create_draft(
        kind=kind,
        organisation=justice_bureau,
        actor=supervisor_user,
        recipient_organisation=health_agency,
        context=content,
    )
    document = issue_document(draft, actor=supervisor_user, issue_date=dt.date(2026, 12, 2))
    assert document.number_text == "舟司监建\u30142026\u30151号"
    assert document.context["prohibitions"] == []
    assert document.recipient_name == "舟山市卫生健康委员会"


def test_an_incomplete_draft_is_refused_before_a_number_is_taken(
    inspector, health_agency, zhoushan_enterprise, preview_kind
):
    draft = create_draft(
        kind=preview_kind,
        organisation=health_agency,
        actor=inspector,
        recipient_enterprise=zhoushan_enterprise,
        context={"contact": "王检查 0580-2000000"},
    )
    before = counts()
    with pytest.raises(ValidationError) as caught:
        issue_document(draft, actor=inspector, issue_date=ISSUE_DATE)
    (message,) = caught.value.messages
    assert message.startswith("文书“行政执法检查预告通知书”（草稿）的内容不完整，不能签发：缺少")
    assert "（inspection_time）" in message
    assert message.endswith("请先修改草稿补全内容。")
    draft.refresh_from_db()
    assert draft.status == DocumentStatus.DRAFT
    assert counts() == before
