"""``self_corrections``: what the inspection case reads to know a gap was corrected before it."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile

from zhifa.audit.models import AuditRecord
from zhifa.compliance import services
from zhifa.compliance.models import Answer
from zhifa.compliance.selectors import self_corrections


@pytest.fixture
def gap(demo_version, enterprise):
    check = services.start_self_check(
        enterprise.enterprise, actor=enterprise, inspection_item_codes=["SJ-SP-04", "SJ-SP-06"]
    )
    answer = check.answers.get(item__code="HG-SP-04")
    return services.answer_item(answer, value="violates", note="健康证过期", actor=enterprise)


def _evidence() -> ContentFile:
    return ContentFile(b"\xff\xd8\xff\xe0 photo", name="整改照片.jpg")


def test_a_corrected_gap_is_returned_with_date_code_and_evidence(gap, enterprise):
    today = dt.date.today()
    services.record_correction(
        gap, corrected_on=today, evidence=_evidence(), note="已复检", actor=enterprise
    )
    [correction] = self_corrections(enterprise.enterprise)
    assert correction.corrected_on == today
    assert correction.item_code == "HG-SP-04"
    assert correction.inspection_item_codes == ("SJ-SP-04",)
    assert correction.note == "已复检"
    assert correction.problem == "健康证过期"
    assert correction.evidence.read() == b"\xff\xd8\xff\xe0 photo"
    record = AuditRecord.objects.get(action="compliance.selfcheck.correct")
    assert record.region_id == "330900"
    assert record.after["corrected_on"] == today.isoformat()


def test_filters_by_inspection_item_code_guidance_code_and_date(gap, enterprise):
    today = dt.date.today()
    services.record_correction(gap, corrected_on=today, evidence=_evidence(), actor=enterprise)
    company = enterprise.enterprise
    assert [c.item_code for c in self_corrections(company, item_codes=["SJ-SP-04"])] == ["HG-SP-04"]
    assert [c.item_code for c in self_corrections(company, item_codes=["HG-SP-04"])] == ["HG-SP-04"]
    assert self_corrections(company, item_codes=["SJ-SP-06"]) == []
    assert self_corrections(company, since=today + dt.timedelta(days=1)) == []
    assert len(self_corrections(company, since=today)) == 1


def test_an_uncorrected_gap_and_another_enterprise_are_not_returned(
    gap, enterprise, other_enterprise_user
):
    assert self_corrections(enterprise.enterprise) == []
    assert self_corrections(other_enterprise_user.enterprise) == []


def test_a_correction_needs_evidence_and_a_past_date_and_changes_nothing_when_refused(
    gap, enterprise
):
    count = AuditRecord.objects.count()
    with pytest.raises(ValidationError) as caught:
        services.record_correction(
            gap,
            corrected_on=dt.date.today() + dt.timedelta(days=3),
            evidence=ContentFile(b"", name=""),
            actor=enterprise,
        )
    assert set(caught.value.message_dict) == {"corrected_on", "evidence"}
    gap.refresh_from_db()
    assert gap.corrected_on is None
    assert not gap.evidence
    assert AuditRecord.objects.count() == count


def test_a_complying_item_cannot_be_marked_corrected(gap, enterprise):
    other = gap.self_check.answers.get(item__code="HG-SP-07")
    services.answer_item(other, value=Answer.COMPLIES, actor=enterprise)
    with pytest.raises(ValidationError, match="不是“不符合”"):
        services.record_correction(
            other, corrected_on=dt.date.today(), evidence=_evidence(), actor=enterprise
        )
    other.refresh_from_db()
    assert other.corrected_on is None


def test_another_enterprise_may_not_correct(gap, other_enterprise_user):
    with pytest.raises(PermissionDenied):
        services.record_correction(
            gap, corrected_on=dt.date.today(), evidence=_evidence(), actor=other_enterprise_user
        )
    gap.refresh_from_db()
    assert gap.corrected_on is None


def _preview_notice(inspector, agency, recipient):
    from zhifa.documents.models import DocumentKind
    from zhifa.documents.services import create_draft

    kind, _ = DocumentKind.objects.get_or_create(
        code="inspection_preview_notice",
        defaults={"name": "行政执法检查预告通知书", "abbreviation": "执预", "sort_order": 30},
    )
    return create_draft(
        kind=kind, organisation=agency, actor=inspector, recipient_enterprise=recipient
    )


def test_a_self_check_links_the_advance_notice_it_was_built_from(
    demo_version, enterprise, inspector, health_agency
):
    notice = _preview_notice(inspector, health_agency, enterprise.enterprise)
    check = services.start_self_check(
        enterprise.enterprise, actor=enterprise, inspection_item_codes=["SJ-SP-01"], notice=notice
    )
    assert check.notice == notice
    assert sorted(check.answers.values_list("item__code", flat=True)) == ["HG-SP-01", "HG-SP-02"]


def test_a_notice_sent_to_another_enterprise_is_refused(
    demo_version, enterprise, other_enterprise_user, inspector, health_agency
):
    from zhifa.compliance.models import SelfCheck

    notice = _preview_notice(inspector, health_agency, other_enterprise_user.enterprise)
    with pytest.raises(ValidationError) as caught:
        services.start_self_check(
            enterprise.enterprise,
            actor=enterprise,
            inspection_item_codes=["SJ-SP-01"],
            notice=notice,
        )
    assert caught.value.message_dict == {
        "notice": ["该检查预告通知书不是发给本企业的，不能据以自查。"]
    }
    assert SelfCheck.objects.count() == 0
