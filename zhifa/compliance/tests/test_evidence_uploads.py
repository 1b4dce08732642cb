"""A self-check correction's evidence is held to the shared upload limit and type allow-list."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile

from zhifa.compliance import services


@pytest.fixture
def gap(demo_version, enterprise):
    check = services.start_self_check(
        enterprise.enterprise, actor=enterprise, inspection_item_codes=["SJ-SP-04"]
    )
    answer = check.answers.get(item__code="HG-SP-04")
    return services.answer_item(answer, value="violates", note="健康证过期", actor=enterprise)


def _refused(gap, enterprise, evidence) -> list[str]:
    with pytest.raises(ValidationError) as refused:
        services.record_correction(
            gap, corrected_on=dt.date.today(), evidence=evidence, actor=enterprise
        )
    gap.refresh_from_db()
    assert (gap.corrected_on, gap.evidence.name) == (None, "")
    return refused.value.message_dict["evidence"]


def test_evidence_whose_content_is_not_its_type_is_refused(gap, enterprise):
    evidence = ContentFile(b"<html><script></script></html>", name="整改照片.png")
    assert _refused(gap, enterprise, evidence) == [
        "整改证明材料“整改照片.png”的内容不是 PNG 图片（扩展名与文件内容不符），"
        "请上传真实的 PNG 图片。"
    ]


def test_evidence_over_the_upload_limit_is_refused(gap, enterprise, settings):
    settings.ZHIFA_UPLOAD_MAX_MB = 1
    evidence = ContentFile(b"%PDF-1.7\n" + b"0" * (2 * 1024 * 1024), name="整改报告.pdf")
    assert _refused(gap, enterprise, evidence) == [
        "整改证明材料“整改报告.pdf”有 2.0 MB，超过 1.0 MB 的上限，请压缩或拆分后重新上传。"
    ]
