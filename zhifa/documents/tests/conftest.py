from __future__ import annotations

import pytest

from zhifa.documents.models import DocumentKind


def kind(code: str, name: str, abbreviation: str, sort_order: int = 100) -> DocumentKind:
    """The seeded kind (transactional tests flush the seed, so it is recreated when missing)."""
    obj, _ = DocumentKind.objects.get_or_create(
        code=code, defaults={"name": name, "abbreviation": abbreviation, "sort_order": sort_order}
    )
    return obj


@pytest.fixture
def preview_kind(db):
    return kind("inspection_preview_notice", "行政执法检查预告通知书", "执预", 30)


@pytest.fixture
def notice_kind(db):
    return kind("inspection_notice", "行政检查通知书", "检通", 40)


# --- Documents (文书) --------------------------------------------------------------------------

ISSUE_DATE = __import__("datetime").date(2026, 12, 1)


@pytest.fixture(autouse=True)
def _private_media(settings, tmp_path):
    """Issued files go to a directory of this test's own."""
    settings.MEDIA_ROOT = tmp_path / "media"


def preview_content() -> dict:
    """The kind's own content of a 预告通知书 (the platform fills in number, date, code…)."""
    from zhifa.documents.rendering import sample_context
    from zhifa.documents.services import STANDARD_KEYS

    return {
        key: value
        for key, value in sample_context("inspection_preview_notice").items()
        if key not in STANDARD_KEYS
    }


@pytest.fixture
def preview_draft(inspector, health_agency, zhoushan_enterprise, preview_kind):
    from zhifa.documents.services import create_draft

    return create_draft(
        kind=preview_kind,
        organisation=health_agency,
        actor=inspector,
        recipient_enterprise=zhoushan_enterprise,
        context=preview_content(),
    )


@pytest.fixture
def issued_preview(preview_draft, inspector):
    from zhifa.documents.services import issue_document

    return issue_document(preview_draft, actor=inspector, issue_date=ISSUE_DATE)


# --- Batches (批量签发) -------------------------------------------------------------------------


def draft_for(name: str, serial: int, *, agency, actor, kind, zhoushan, complete: bool = True):
    import zhifa_testing as testing
    from zhifa.documents.services import create_draft

    enterprise = testing.enterprise(name, region=zhoushan, serial=serial)
    content = preview_content() if complete else {"contact": "王检查 0580-2000000"}
    return create_draft(
        kind=kind,
        organisation=agency,
        actor=actor,
        recipient_enterprise=enterprise,
        context=content,
    )


@pytest.fixture
def drafts(inspector, health_agency, preview_kind, zhoushan):
    """Four drafts of 预告通知书; the second lacks its content."""
    names = ["东港水产有限公司", "定海渔具商行", "普陀民宿有限公司", "岱山船舶修造厂"]
    return [
        draft_for(
            name,
            100 + i,
            agency=health_agency,
            actor=inspector,
            kind=preview_kind,
            zhoushan=zhoushan,
            complete=(i != 1),
        )
        for i, name in enumerate(names)
    ]
