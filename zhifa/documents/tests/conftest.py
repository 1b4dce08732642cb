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
