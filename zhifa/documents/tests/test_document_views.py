"""The agency's document pages, the enterprise's inbox, downloads and the JSON API."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.files.storage import default_storage
from django.urls import reverse
from openpyxl import load_workbook

from zhifa.audit.models import AuditRecord
from zhifa.audit.sm3 import sm3_hex
from zhifa.documents.models import Document, DocumentNumber, DocumentStatus
from zhifa.documents.services import deliver_document, issue_document

NUMBER_1 = "舟卫执预\u30142026\u30151号"


def stored(name: str) -> bytes:
    with default_storage.open(name, "rb") as handle:
        return handle.read()


def test_the_inspector_lists_its_agencys_documents(client_for, inspector, issued_preview):
    response = client_for(inspector).get(reverse("documents:document_list"))
    assert response.status_code == 200
    assert [d.pk for d in response.context["page"]] == [issued_preview.pk]
    assert f">{NUMBER_1}</a>" in response.content.decode()


def test_the_list_filters_and_searches(
    client_for, inspector, issued_preview, health_agency, preview_kind
):
    from zhifa.documents.services import create_draft

    draft = create_draft(
        kind=preview_kind, organisation=health_agency, actor=inspector, recipient_name="王五"
    )
    client = client_for(inspector)
    url = reverse("documents:document_list")
    drafts = client.get(url, {"status": "draft"}).context["page"]
    by_number = client.get(url, {"q": "1号"}).context["page"]
    by_recipient = client.get(url, {"q": "王五"}).context["page"]
    issued = client.get(url, {"status": "issued", "year": "2026"}).context["page"]
    assert [d.pk for d in drafts] == [draft.pk]
    assert [d.pk for d in by_number] == [issued_preview.pk]
    assert [d.pk for d in by_recipient] == [draft.pk]
    assert [d.pk for d in issued] == [issued_preview.pk]


def test_the_list_exports_to_excel(client_for, inspector, issued_preview):
    response = client_for(inspector).get(reverse("documents:document_list"), {"export": "xlsx"})
    rows = list(load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))
    assert rows[0][:6] == ("文号", "文书种类", "标题", "制发机关", "受送达人", "状态")
    assert rows[1][:6] == (
        NUMBER_1,
        "行政执法检查预告通知书",
        "行政执法检查预告通知书",
        "舟山市卫生健康委员会",
        "舟山海鲜酒楼有限公司",
        "已签发",
    )
    assert rows[1][12] == issued_preview.pdf_sm3


def test_an_outsider_sees_nothing_and_gets_404(client_for, outsider, issued_preview):
    client = client_for(outsider)
    assert list(client.get(reverse("documents:document_list")).context["page"]) == []
    detail = reverse("documents:document_detail", args=[issued_preview.pk])
    assert client.get(detail).status_code == 404
    pdf = reverse("documents:document_download", args=[issued_preview.pk, "pdf"])
    assert client.get(pdf).status_code == 404


def test_the_supervisor_reads_the_agencys_documents_but_may_not_issue(
    client_for, supervisor, preview_draft
):
    client = client_for(supervisor)
    detail = reverse("documents:document_detail", args=[preview_draft.pk])
    assert client.get(detail).status_code == 200
    before = AuditRecord.objects.count()
    response = client.post(
        reverse("documents:document_issue", args=[preview_draft.pk]), {"confirm": "on"}
    )
    assert response.status_code == 403
    assert AuditRecord.objects.count() == before


def test_the_enterprise_sees_only_what_was_sent_to_it(
    client_for, enterprise, inspector, issued_preview, preview_draft
):
    client = client_for(enterprise)
    detail = reverse("documents:document_detail", args=[issued_preview.pk])
    assert client.get(detail).status_code == 404
    assert client.get(reverse("documents:document_list")).status_code == 403
    assert client.get(
        reverse("documents:document_detail", args=[preview_draft.pk])
    ).status_code == (404)
    deliver_document(issued_preview, method="portal", actor=inspector)
    inbox = client.get(reverse("documents:received_list"))
    assert [d.pk for d in inbox.context["page"]] == [issued_preview.pk]
    assert "确认签收" in inbox.content.decode()
    assert client.get(detail).status_code == 200


def test_the_enterprise_confirms_receipt_from_its_portal(
    client_for, enterprise, inspector, issued_preview
):
    deliver_document(issued_preview, method="portal", actor=inspector)
    client = client_for(enterprise)
    response = client.post(reverse("documents:confirm_receipt", args=[issued_preview.pk]))
    assert response.status_code == 302
    issued_preview.refresh_from_db()
    assert issued_preview.status == DocumentStatus.DELIVERED
    delivery = issued_preview.deliveries.get()
    assert delivery.confirmed_by == enterprise
    pdf = client.get(reverse("documents:document_download", args=[issued_preview.pk, "pdf"]))
    assert sm3_hex(b"".join(pdf.streaming_content)) == issued_preview.pdf_sm3


def test_another_enterprise_cannot_see_the_document(
    client_for, inspector, issued_preview, zhoushan
):
    import zhifa_testing as testing

    deliver_document(issued_preview, method="portal", actor=inspector)
    other = testing.enterprise("舟山另一家有限公司", region=zhoushan)
    stranger = testing.user("other-ent", role="enterprise", enterprise=other)
    client = client_for(stranger)
    assert list(client.get(reverse("documents:received_list")).context["page"]) == []
    detail = reverse("documents:document_detail", args=[issued_preview.pk])
    assert client.get(detail).status_code == 404


def test_issuing_without_confirmation_is_refused_and_changes_nothing(
    client_for, inspector, preview_draft
):
    before = (AuditRecord.objects.count(), DocumentNumber.objects.count())
    response = client_for(inspector).post(
        reverse("documents:document_issue", args=[preview_draft.pk]), {}
    )
    assert response.status_code == 200
    assert "请勾选确认后再办理。" in response.content.decode()
    preview_draft.refresh_from_db()
    assert preview_draft.status == DocumentStatus.DRAFT
    assert (AuditRecord.objects.count(), DocumentNumber.objects.count()) == before


def test_the_inspector_issues_from_the_page_and_downloads_the_files(
    client_for, inspector, preview_draft
):
    client = client_for(inspector)
    response = client.post(
        reverse("documents:document_issue", args=[preview_draft.pk]),
        {"confirm": "on", "issue_date": "2026-12-01"},
    )
    assert response.status_code == 302
    document = Document.objects.get(pk=preview_draft.pk)
    assert document.number_text == NUMBER_1
    detail = client.get(reverse("documents:document_detail", args=[document.pk])).content.decode()
    assert f'<code data-testid="pdf-sm3">{document.pdf_sm3}</code>' in detail
    pdf = client.get(reverse("documents:document_download", args=[document.pk, "pdf"]))
    assert pdf["Content-Type"] == "application/pdf"
    assert sm3_hex(b"".join(pdf.streaming_content)) == document.pdf_sm3
    docx = client.get(reverse("documents:document_download", args=[document.pk, "docx"]))
    assert sm3_hex(b"".join(docx.streaming_content)) == document.docx_sm3


def test_the_inspector_creates_a_draft_for_an_enterprise_by_its_uscc(
    client_for, inspector, zhoushan_enterprise, preview_kind
):
    response = client_for(inspector).post(
        reverse("documents:document_create"),
        {
            "kind": preview_kind.pk,
            "recipient_uscc": zhoushan_enterprise.uscc,
        },
    )
    assert response.status_code == 302
    document = Document.objects.get()
    assert response["Location"] == reverse("documents:document_edit", args=[document.pk])
    assert document.recipient_enterprise == zhoushan_enterprise
    assert document.recipient_name == "舟山海鲜酒楼有限公司"
    assert document.context == {}


def test_the_new_draft_form_asks_for_no_json(client_for, inspector):
    form = client_for(inspector).get(reverse("documents:document_create")).context["form"]
    assert list(form.fields) == ["kind", "recipient_uscc", "recipient_name", "title"]


def test_paper_delivery_through_the_page_stores_the_scan(client_for, inspector, issued_preview):
    from django.core.files.uploadedfile import SimpleUploadedFile

    response = client_for(inspector).post(
        reverse("documents:document_deliver", args=[issued_preview.pk]),
        {
            "confirm": "on",
            "method": "paper",
            "scan": SimpleUploadedFile("回证.jpg", b"\xff\xd8scan"),
        },
    )
    assert response.status_code == 302
    delivery = issued_preview.deliveries.get()
    assert stored(delivery.receipt_file.name) == b"\xff\xd8scan"
    assert delivery.receipt_file.name.endswith(".jpg")


class UnreachableSMSBackend:
    def send(self, mobile: str, message: str) -> None:
        raise ConnectionError("短信网关无响应")


def test_a_failed_sms_shows_on_the_documents_page(
    settings, client_for, inspector, issued_preview, django_capture_on_commit_callbacks
):
    settings.ZHIFA_SMS_BACKEND = f"{__name__}.UnreachableSMSBackend"
    client = client_for(inspector)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("documents:document_deliver", args=[issued_preview.pk]),
            {"confirm": "on", "method": "sms", "address": "13800000001"},
        )
    assert response.status_code == 302
    page = client.get(reverse("documents:document_detail", args=[issued_preview.pk]))
    html = page.content.decode()
    assert '<span class="badge err">发送失败</span> ConnectionError：短信网关无响应' in html
    issued_preview.refresh_from_db()
    assert issued_preview.status == DocumentStatus.ISSUED


def test_correcting_through_the_page_makes_a_draft(client_for, inspector, issued_preview):
    response = client_for(inspector).post(
        reverse("documents:document_correct", args=[issued_preview.pk]),
        {
            "recipient_name": "舟山海鲜酒楼有限公司",
            "title": "行政执法检查预告通知书",
            "c_contact": "联系人：王检查，电话 0580-2000001",
        },
    )
    assert response.status_code == 302
    draft = Document.objects.get(corrects=issued_preview)
    assert draft.status == DocumentStatus.DRAFT
    assert draft.context["contact"] == "联系人：王检查，电话 0580-2000001"
    assert draft.context["items"] == issued_preview.context["items"]
    assert "number" not in draft.context


def test_the_draft_is_edited_item_by_item(client_for, inspector, preview_draft):
    client = client_for(inspector)
    url = reverse("documents:document_edit", args=[preview_draft.pk])
    form = client.get(url).context["form"]
    assert form["c_contact"].label == "联系方式"
    assert form["c_self_check"].initial == "\n".join(preview_draft.context["self_check"])
    assert form["c_officers"].initial == "王海峰｜33090021001234\n陈晓雯｜33090021005678"
    assert form["c_officers"].help_text == (
        "每行一条，依次填写姓名、执法证号，以“｜”分隔。例如：王海峰｜33090021001234"
    )
    posted = {
        "recipient_name": "舟山海鲜酒楼有限公司",
        "title": "行政执法检查预告通知书",
        "c_inspection_time": "2026年12月15日上午9时",
        "c_self_check": "一、查看消毒记录\n\n二、查看健康证明",
        "c_officers": "王检查｜33090020001｜多余",
    }
    response = client.post(url, posted)
    assert response.status_code == 200
    assert (
        "执法人员第 1 行分成了 3 项，多于应填的 2 项（姓名、执法证号）：请删去多余的“｜”。"
        in response.content.decode()
    )
    preview_draft.refresh_from_db()
    assert preview_draft.context["inspection_time"] != "2026年12月15日上午9时"

    posted["c_officers"] = "王检查 | 33090020001\n\n陈检查"
    assert client.post(url, posted).status_code == 302
    preview_draft.refresh_from_db()
    assert preview_draft.context == {
        "inspection_time": "2026年12月15日上午9时",
        "self_check": ["一、查看消毒记录", "二、查看健康证明"],
        "officers": [
            {"name": "王检查", "cert_no": "33090020001"},
            {"name": "陈检查", "cert_no": ""},
        ],
    }


@pytest.mark.parametrize("persona", ["inspector", "enterprise", "outsider"])
def test_the_api_lists_only_visible_documents(request, client_for, persona, issued_preview):
    client = client_for(request.getfixturevalue(persona))
    body = client.get("/api/documents/").json()
    expected = [issued_preview.pk] if persona == "inspector" else []
    assert [item["id"] for item in body["items"]] == expected


def test_the_api_issues_a_draft(client_for, inspector, preview_draft):
    client = client_for(inspector)
    response = client.post(
        f"/api/documents/{preview_draft.pk}/issue",
        data={"issue_date": "2026-12-01"},
        content_type="application/json",
    )
    assert response.status_code == 200
    assert response.json()["number"] == NUMBER_1
    again = client.post(
        f"/api/documents/{preview_draft.pk}/issue", data={}, content_type="application/json"
    )
    assert again.status_code == 400
    assert again.json()["detail"] == (
        f"文书“行政执法检查预告通知书”（{NUMBER_1}）当前为“已签发”，不能签发"
        "（只有“草稿”的文书可以签发）。"
    )
    detail = client.get(f"/api/documents/{preview_draft.pk}").json()
    assert detail["pdf_sm3"] == Document.objects.get().pdf_sm3


def test_the_api_hides_other_agencies_documents(client_for, outsider, issued_preview):
    assert client_for(outsider).get(f"/api/documents/{issued_preview.pk}").status_code == 404


def test_the_api_downloads_the_issued_files_and_refuses_a_draft_an_unknown_format_and_outsiders(
    client_for, inspector, outsider, preview_draft
):
    client = client_for(inspector)
    draft = client.get(f"/api/documents/{preview_draft.pk}/file/pdf")
    issued_preview = issue_document(preview_draft, actor=inspector, issue_date=dt.date(2026, 12, 1))
    pdf = client.get(f"/api/documents/{issued_preview.pk}/file/pdf")
    docx = client.get(f"/api/documents/{issued_preview.pk}/file/docx")
    odt = client.get(f"/api/documents/{issued_preview.pk}/file/odt")
    hidden = client_for(outsider).get(f"/api/documents/{issued_preview.pk}/file/pdf")

    assert pdf["Content-Type"] == "application/pdf"
    assert sm3_hex(b"".join(pdf.streaming_content)) == issued_preview.pdf_sm3
    assert sm3_hex(b"".join(docx.streaming_content)) == issued_preview.docx_sm3
    assert (draft.status_code, draft.json()) == (
        404,
        {"detail": "该文书尚未签发，没有可下载的文件。"},
    )
    assert (odt.status_code, odt.json()) == (
        404,
        {"detail": "没有这种文件格式，可下载 pdf 或 docx。"},
    )
    assert hidden.status_code == 404


def test_the_menu_leads_agencies_to_documents_and_enterprises_to_their_inbox(
    client_for, inspector, enterprise
):
    inspector_menu = dict(client_for(inspector).get(reverse("home")).context["nav_items"])
    enterprise_menu = dict(client_for(enterprise).get(reverse("home")).context["nav_items"])
    assert inspector_menu["文书"] == "/documents/"
    assert enterprise_menu["收到的文书"] == "/documents/received/"
    assert "文书" not in enterprise_menu


def test_an_agency_receives_and_signs_a_supervision_document(
    client_for, justice_bureau, health_agency, inspector, outsider
):
    import zhifa_testing as testing
    from zhifa.documents.models import DocumentKind
    from zhifa.documents.rendering import sample_context
    from zhifa.documents.services import (
        STANDARD_KEYS,
        create_draft,
        deliver_document,
        issue_document,
    )

    bureau_user = testing.user("sup2", role="supervisor", organisation=justice_bureau)
    kind = DocumentKind.objects.get(code="reminder_letter")
    content = {k: v for k, v in sample_context("reminder_letter").items() if k not in STANDARD_KEYS}
    draft = create_draft(
        kind=kind,
        organisation=justice_bureau,
        actor=bureau_user,
        recipient_organisation=health_agency,
        context=content,
    )
    document = issue_document(draft, actor=bureau_user)
    detail = reverse("documents:document_detail", args=[document.pk])
    assert client_for(inspector).get(detail).status_code == 404

    deliver_document(document, method="portal", actor=bureau_user)
    client = client_for(inspector)
    inbox = client.get(reverse("documents:received_list")).context["page"]
    assert [d.pk for d in inbox] == [document.pk]
    assert client.get(detail).context["can_confirm"] is True
    assert client.post(reverse("documents:confirm_receipt", args=[document.pk])).status_code == 302
    document.refresh_from_db()
    assert document.status == DocumentStatus.DELIVERED
    assert document.deliveries.get().confirmed_by == inspector
    assert client_for(outsider).get(detail).status_code == 404


def test_the_api_refuses_issue_to_a_reader_of_another_role(client_for, supervisor, preview_draft):
    before = AuditRecord.objects.count()
    response = client_for(supervisor).post(
        f"/api/documents/{preview_draft.pk}/issue", data={}, content_type="application/json"
    )
    assert response.status_code == 403
    assert response.json() == {"detail": "只能办理本机构制发的文书。"}
    assert AuditRecord.objects.count() == before
