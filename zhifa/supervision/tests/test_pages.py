from __future__ import annotations

import datetime as dt
import io

import openpyxl
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from zhifa.audit.models import AuditRecord
from zhifa.supervision import selectors, services
from zhifa.supervision.models import LetterStatus, SupervisionLetter
from zhifa.supervision.tests.conftest import CONTENT

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def detail(letter):
    return reverse("supervision:letter_detail", args=[letter.pk])


def test_supervisor_drafts_from_a_chinese_form_never_json(
    client_for, supervisor, health_agency, opinion_type, clock
):
    client = client_for(supervisor)
    url = reverse("supervision:letter_new") + f"?type={opinion_type.pk}"
    page = client.get(url)
    assert page.status_code == 200
    text = page.content.decode()
    assert (
        "回复期限（工作日）" in text and "发现的问题" in text and "{" not in text.split("<form")[1]
    )
    response = client.post(
        url,
        {
            "type": opinion_type.pk,
            "addressee": health_agency.pk,
            "method": "routine",
            "reply_working_days": 15,
            **CONTENT,
        },
    )
    letter = SupervisionLetter.objects.get()
    assert response.status_code == 302 and response["Location"] == detail(letter)
    assert letter.reply_working_days == 15
    assert letter.document.context["requests"] == [
        "对未经审批的检查予以纠正。",
        "对相关人员开展执法培训。",
    ]


def test_control_characters_are_refused_and_nothing_is_drafted(
    client_for, supervisor, health_agency, opinion_type
):
    client = client_for(supervisor)
    url = reverse("supervision:letter_new") + f"?type={opinion_type.pk}"
    response = client.post(
        url,
        {
            "type": opinion_type.pk,
            "addressee": health_agency.pk,
            "method": "routine",
            "reply_working_days": 15,
            **{**CONTENT, "matter": "含有\x07控制字符"},
        },
    )
    assert response.status_code == 200
    assert "事由" in response.content.decode()
    assert SupervisionLetter.objects.count() == 0


def test_agency_signs_for_and_replies_with_evidence_through_the_inbox(
    client_for, issued, inspector
):
    client = client_for(inspector)
    inbox = client.get(reverse("supervision:inbox"))
    assert issued.document.number_text in inbox.content.decode()
    assert client.post(reverse("supervision:letter_receive", args=[issued.pk])).status_code == 302
    response = client.post(
        reverse("supervision:letter_reply", args=[issued.pk]),
        {"text": "已纠正。", "files": [SimpleUploadedFile("整改照片.pdf", PDF)]},
    )
    assert response.status_code == 302
    issued.refresh_from_db()
    assert issued.status == LetterStatus.REPLIED
    evidence = issued.replies.get().evidence.get()
    assert evidence.name == "整改照片.pdf"
    download = client.get(reverse("supervision:evidence_file", args=[evidence.pk]))
    assert download.status_code == 200


def test_an_executable_as_evidence_is_refused_and_nothing_changes(client_for, received, inspector):
    client = client_for(inspector)
    before = AuditRecord.objects.count()
    client.post(
        reverse("supervision:letter_reply", args=[received.pk]),
        {"text": "已纠正。", "files": [SimpleUploadedFile("病毒.exe", b"MZ\x90\x00")]},
    )
    received.refresh_from_db()
    assert received.status == LetterStatus.RECEIVED
    assert received.replies.count() == 0
    assert AuditRecord.objects.count() == before


def test_the_agency_does_not_see_a_draft_addressed_to_it(client_for, draft, inspector):
    client = client_for(inspector)
    assert client.get(detail(draft)).status_code == 404
    assert client.get(reverse("supervision:inbox")).context["total"] == 0


def test_another_agency_and_an_enterprise_get_404(client_for, issued, other_inspector, enterprise):
    assert client_for(other_inspector).get(detail(issued)).status_code == 404
    assert client_for(enterprise).get(detail(issued)).status_code == 404
    assert client_for(enterprise).get(reverse("supervision:inbox")).status_code == 403


def test_a_supervisor_of_another_province_gets_404(client_for, issued, jinzhong):
    import zhifa_testing as testing
    from zhifa.org.models import OrganisationKind, Role

    bureau = testing.organisation("晋中市司法局", region=jinzhong, kind=OrganisationKind.SUPERVISOR)
    stranger = testing.user("jz_supervisor", role=Role.SUPERVISOR, organisation=bureau)
    assert client_for(stranger).get(detail(issued)).status_code == 404


def test_overdue_shows_red_on_both_sides(client_for, received, supervisor, inspector):
    import time_machine

    with time_machine.travel(dt.datetime(2026, 12, 30, 10, tzinfo=dt.UTC), tick=False):
        bureau_page = client_for(supervisor).get(reverse("supervision:workspace")).content.decode()
        assert 'data-testid="count-overdue" class="error">1<' in bureau_page
        inbox = client_for(inspector).get(reverse("supervision:inbox")).content.decode()
        assert 'class="badge err" data-testid="overdue">逾期<' in inbox
        assert selectors.workspace_counts(supervisor) == {
            "awaiting_review": 0,
            "awaiting_sign": 0,
            "awaiting_reply": 0,
            "overdue": 1,
            "replies_to_verify": 0,
            "review_requests": 0,
        }


def test_ledger_exports_exact_rows(
    client_for, replied, supervisor, head, health_agency, opinion_type
):
    services.draft_letter(
        actor=supervisor, letter_type=opinion_type, addressee=health_agency, content=CONTENT
    )
    response = client_for(supervisor).get(reverse("supervision:ledger_export"))
    assert response.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    rows = [list(row) for row in sheet.iter_rows(values_only=True)]
    assert rows[0][:5] == ["文书种类", "文号", "受文单位", "监督方式", "状态"]
    assert len(rows) == 3
    replied_row = next(r for r in rows[1:] if r[4] == "已回复")
    assert replied_row[:4] == [
        "行政执法监督意见书",
        replied.document.number_text,
        "舟山市卫生健康委员会",
        "日常监督",
    ]
    assert replied_row[7] == "2026-12-29"
    page = client_for(supervisor).get(reverse("supervision:ledger") + "?status=replied")
    assert page.context["total"] == 1
    [row] = page.context["summary"]["agency"]
    assert row.counts == {"issued": 1, "delivered": 1, "replied": 1, "overdue": 0, "closed": 0}


def test_an_inspector_may_not_open_the_ledger(client_for, inspector):
    assert client_for(inspector).get(reverse("supervision:ledger")).status_code == 403


def test_a_decision_ordering_correction_shows_on_the_case(
    client_for, supervisor, head, approver, inspector, decision_type, zhoushan_enterprise, clock
):
    from zhifa.inspections.models import InspectionCase

    case = _case(inspector, zhoushan_enterprise)
    letter = services.draft_letter(
        actor=supervisor,
        letter_type=decision_type,
        addressee=case.organisation,
        content=CONTENT,
        case=case,
        orders_correction=True,
    )
    services.submit_letter(letter, actor=supervisor)
    services.review_letter(letter, actor=head, approve=True)
    services.sign_letter(letter, actor=head)
    page = client_for(approver).get(reverse("inspections:case_detail", args=[case.pk]))
    text = page.content.decode()
    assert 'data-testid="supervision-decisions"' in text
    assert letter.document.number_text in text
    assert InspectionCase.objects.count() == 1


def _case(inspector, enterprise):
    from zhifa.inspections.models import InspectionCase, InspectionKind

    return InspectionCase.objects.create(
        reference="舟卫检〔2026〕31号",
        verify_code="V31",
        checkin_code="C31",
        organisation=inspector.organisation,
        region=enterprise.region,
        enterprise=enterprise,
        kind=InspectionKind.SPECIAL,
        title="医疗废物专项检查",
        inspection_date=dt.date(2026, 11, 20),
        requested_by=inspector,
    )


def test_a_supervisor_drafts_from_the_case_page_with_the_case_prefilled(
    client_for, supervisor, inspector, zhoushan_enterprise, opinion_type
):
    case = _case(inspector, zhoushan_enterprise)
    page = client_for(supervisor).get(reverse("inspections:case_detail", args=[case.pk]))
    start = f"{reverse('supervision:letter_new')}?source=case&amp;source_pk={case.pk}"
    assert start in page.content.decode()
    form = client_for(supervisor).get(start.replace("&amp;", "&"))
    assert form.status_code == 200
    assert form.context["letter_type"] == opinion_type
    assert form.context["form"].initial["addressee"] == inspector.organisation_id
    assert "舟卫检〔2026〕31号" in form.context["form"].initial["matter"]
