"""The supervision document set (issue 15): eleven kinds, their drafting-form fields, their legal
notes, and a kind a region adds in the admin without a spec of its own."""

from __future__ import annotations

import datetime as dt
import io
import os
import re
from importlib import import_module

import pytest
from docx import Document as DocxDocument
from pypdf import PdfReader

import zhifa_testing as testing
from zhifa.documents import rendering
from zhifa.documents.specs import (
    COMMON_OPTIONAL,
    COMMON_REQUIRED,
    DECISION_OPTIONS,
    GENERIC_LETTER,
    SPECS,
    SUPERVISION_KINDS,
    FormField,
    form_fields,
    spec_for,
)

SUPERVISION_CODES = [
    "supervision_notice",
    "supervision_opinion",
    "supervision_decision",
    "supervision_suggestion",
    "reminder_letter",
    "urging_letter",
    "file_request_notice",
    "summons_notice",
    "referral_letter",
    "review_decision",
    "rectification_report",
]
SEED_0009 = import_module("zhifa.documents.migrations.0009_seed_supervision_kinds")


@pytest.fixture(scope="module", autouse=True)
def fonts_installed() -> None:
    missing = rendering.missing_fonts()
    if missing:
        if os.environ.get("ZHIFA_REQUIRE_BROWSER"):
            pytest.fail("CI 要求文书字体齐全：" + "；".join(missing))
        pytest.skip("文书字体缺失：" + "；".join(missing))


def pdf_text(result: rendering.Rendered) -> list[str]:
    """Each page's text on one line, without its page number (— 1 —)."""
    return [
        re.sub(r"— \d+ —$", "", page.extract_text().replace("\n", ""))
        for page in PdfReader(io.BytesIO(result.pdf)).pages
    ]


def test_the_supervision_set_has_eleven_kinds_each_with_its_abbreviation() -> None:
    assert {code: (SPECS[code].name, SPECS[code].abbreviation) for code in SUPERVISION_CODES} == {
        "supervision_notice": ("行政执法监督通知书", "监通"),
        "supervision_opinion": ("行政执法监督意见书", "监意"),
        "supervision_decision": ("行政执法监督决定书", "监决"),
        "supervision_suggestion": ("行政执法监督建议书", "监建"),
        "reminder_letter": ("提示函", "提示"),
        "urging_letter": ("督办函", "督办"),
        "file_request_notice": ("调阅案卷通知书", "调卷"),
        "summons_notice": ("约谈通知书", "约谈"),
        "referral_letter": ("移送函", "移送"),
        "review_decision": ("复查决定书", "监复"),
        "rectification_report": ("整改（执行）情况报告", "整报"),
    }
    assert [code for code, spec in SPECS.items() if not spec.inspection] == SUPERVISION_CODES
    # 文书代字 are distinct across every kind, so no two kinds share a number sequence name.
    abbreviations = [spec.abbreviation for spec in SPECS.values()]
    assert len(abbreviations) == len(set(abbreviations))


def test_every_supervision_kind_states_its_purpose_and_the_articles_it_rests_on() -> None:
    assert list(SUPERVISION_KINDS) == SUPERVISION_CODES
    for code, (purpose, basis_note) in SUPERVISION_KINDS.items():
        assert purpose.endswith("。") and "\n" not in purpose, code
        assert "《" in basis_note, code
        # Never labelled as 重庆's template set: that set was not found.
        assert "三书两函" not in purpose + basis_note, code
        # A provincial rule is cited as a precedent (参照), never as if it bound every region.
        for province in ("山东省", "重庆市", "河南省"):
            if province in basis_note:
                assert "参照《" in basis_note, code
    assert SUPERVISION_KINDS["supervision_opinion"][1].startswith(
        "参照《山东省行政执法监督条例》第二十八条"
    )
    assert SUPERVISION_KINDS["review_decision"][1].startswith(
        "参照《重庆市行政执法监督条例》第二十一条"
    )
    # Only the verified national articles are cited: 第二条, 第四条第二款, 第六条第一款.
    national = {
        cited
        for _, note in SUPERVISION_KINDS.values()
        for cited in re.findall(r"《行政执法监督条例》(第[^（；]+)（", note)
    }
    assert national == {"第二条、第六条第一款", "第四条第二款"}


def test_the_decision_options_are_the_four_of_the_shandong_regulation() -> None:
    assert DECISION_OPTIONS == ("责令限期履行", "责令补正或者改正", "撤销", "确认违法或者无效")


def fields(code: str) -> list[tuple[str, str, bool]]:
    return [(f.name, f.label, f.many) for f in form_fields(code)]


LETTER = [
    ("matter", "事由", False),
    ("facts", "事实", True),
    ("problems", "发现的问题", True),
    ("basis", "法律依据", True),
    ("requests_heading", "要求标题", False),
    ("requests", "要求", True),
    ("reply_deadline", "回复期限", False),
    ("contact", "联系人及电话", False),
]


@pytest.mark.parametrize(
    "code",
    [
        "supervision_notice",
        "supervision_opinion",
        "supervision_decision",
        "supervision_suggestion",
        "reminder_letter",
        "urging_letter",
    ],
)
def test_a_supervision_letter_is_drafted_from_the_eight_shared_fields(code: str) -> None:
    assert fields(code) == LETTER


def test_the_other_kinds_ask_for_their_own_fields_with_their_own_labels() -> None:
    assert fields("file_request_notice") == [
        ("matter", "事由", False),
        ("requests", "调阅案卷", True),
        ("basis", "法律依据", True),
        ("reply_deadline", "报送期限", False),
        ("contact", "联系人及电话", False),
    ]
    assert fields("summons_notice") == [
        ("matter", "事由", False),
        ("problems", "发现的问题", True),
        ("basis", "法律依据", True),
        ("requests", "约谈安排", True),
        ("reply_deadline", "名单报送期限", False),
        ("contact", "联系人及电话", False),
    ]
    assert fields("referral_letter") == [
        ("matter", "事由", False),
        ("facts", "事实", True),
        ("basis", "法律依据", True),
        ("requests", "移送材料", True),
        ("reply_deadline", "告知期限", False),
        ("contact", "联系人及电话", False),
    ]
    assert fields("review_decision") == [
        ("matter", "申请复查的决定", False),
        ("facts", "复查查明的事实", True),
        ("basis", "法律依据", True),
        ("requests", "复查决定", True),
        ("reply_deadline", "执行报告期限", False),
        ("contact", "联系人及电话", False),
    ]
    # Written by the agency in reply: the letter answered, measures, result, evidence, contact.
    assert fields("rectification_report") == [
        ("answered", "所复文书名称及文号", False),
        ("measures", "整改（执行）措施", True),
        ("result", "整改（执行）结果", False),
        ("evidence", "证明材料", True),
        ("contact", "联系人及电话", False),
    ]
    assert all(isinstance(f, FormField) for f in form_fields("rectification_report"))


@pytest.mark.parametrize("code", SUPERVISION_CODES)
def test_required_and_known_placeholders_are_exactly_what_the_default_template_uses(
    code: str,
) -> None:
    spec = SPECS[code]
    assert spec.required == frozenset((*COMMON_REQUIRED, *spec.fields))
    assert spec.known == spec.required | frozenset(COMMON_OPTIONAL)
    assert rendering.check_template(code, rendering.default_template(code)) == []
    # A list field is printed with "for", a text field is not: the drafting form follows that.
    sample = rendering.sample_context(code)
    for field in form_fields(code):
        assert isinstance(sample[field.name], list) == field.many, (code, field.name)


@pytest.mark.parametrize("code", SUPERVISION_CODES)
def test_each_kind_renders_its_sample_with_every_item_and_signs_on_a_page_with_body_text(
    code: str,
) -> None:
    context = rendering.sample_context(code)
    assert rendering.context_problems(code, context) == []
    result = rendering.render(code, context)
    paragraphs = DocxDocument(io.BytesIO(result.docx)).paragraphs
    docx_text = "\n".join(p.text for p in paragraphs)
    headings = [p.text for p in paragraphs if p.style is not None and p.style.name == "ZF Heading"]
    assert len(headings) >= 2
    pages = pdf_text(result)
    flat = "".join(pages)
    for name in SPECS[code].fields:
        values = context[name] if isinstance(context[name], list) else [context[name]]
        for value in values:
            assert value in docx_text, (code, name)
            assert value in flat, (code, name)
    assert "{{" not in docx_text and "{%" not in docx_text
    # The last page carries the signature, the date, the 核验码 and the end of the body.
    last = pages[-1]
    assert context["issuer"] + rendering.date_text(context["date"]) in last
    assert "核验码：K7Q4-M2XD" in last
    assert last.index(context["contact"]) < last.index(rendering.date_text(context["date"]))
    # No heading ends a page alone.
    for page in pages[:-1]:
        for heading in headings:
            assert not page.endswith(heading), (code, page[-40:])


def test_the_decision_prints_its_decisions_and_the_right_to_apply_for_review() -> None:
    flat = "".join(
        pdf_text(
            rendering.render(
                "supervision_decision", rendering.sample_context("supervision_decision")
            )
        )
    )
    assert "四、监督决定" in flat
    assert "1．责令补正或者改正：" in flat
    assert "2．确认违法或者无效：" in flat
    assert "请你单位于2026年12月27日前执行本决定，并将执行情况书面报告本机关。" in flat
    assert "你单位对本决定不服的，可以在规定期限内向本机关申请复查。" in flat


def test_the_rectification_report_is_the_agencys_letter_to_the_bureau() -> None:
    context = rendering.sample_context("rectification_report")
    assert (context["issuer"], context["recipient"]) == ("舟山市普陀区卫生健康局", "舟山市司法局")
    flat = "".join(pdf_text(rendering.render("rectification_report", context)))
    assert flat.startswith(
        "舟山市普陀区卫生健康局舟普卫整报〔2026〕12号整改（执行）情况报告舟山市司法局："
    )
    assert "《行政执法监督意见书》（舟司监意〔2026〕12号）收悉。" in flat
    assert "三、证明材料1．局务会议纪要（2026年12月5日）。2．培训签到表及课件。特此报告。" in flat
    assert "2026年12月20日" in flat


def test_a_kind_without_a_spec_gets_the_generic_letter_form_template_and_sample() -> None:
    # 专项监督检查通知书, added by a region in the admin.
    assert spec_for("special_check_notice") is GENERIC_LETTER
    assert spec_for("supervision_opinion") is SPECS["supervision_opinion"]
    assert fields("special_check_notice") == [(name, label, many) for name, label, many in LETTER]
    assert (
        rendering.default_template("special_check_notice")
        == (rendering.TEMPLATE_DIR / "supervision_letter.docx").read_bytes()
    )
    context = rendering.sample_context("special_check_notice")
    assert rendering.context_problems("special_check_notice", context) == []
    assert rendering.unprintable_in("special_check_notice", context) == []
    assert (
        rendering.check_template(
            "special_check_notice", rendering.default_template("urging_letter")
        )
        == []
    )


@pytest.mark.django_db(transaction=True)
def test_the_new_kinds_are_seeded_and_the_seed_is_reversible() -> None:
    from django.apps import apps

    from zhifa.documents.models import DocumentKind

    SEED_0009.seed(apps, None)  # transactional tests flush the migration's rows
    rows = list(
        DocumentKind.objects.filter(code__in=[c for c, _, _ in SEED_0009.KINDS])
        .order_by("sort_order")
        .values_list("code", "name", "abbreviation", "sort_order")
    )
    assert rows == [
        ("supervision_notice", "行政执法监督通知书", "监通", 160),
        ("file_request_notice", "调阅案卷通知书", "调卷", 170),
        ("summons_notice", "约谈通知书", "约谈", 180),
        ("referral_letter", "移送函", "移送", 190),
        ("review_decision", "复查决定书", "监复", 200),
        ("rectification_report", "整改（执行）情况报告", "整报", 210),
    ]
    # A region renamed one: seeding again leaves it as it is.
    DocumentKind.objects.filter(code="summons_notice").update(name="约谈函")
    SEED_0009.seed(apps, None)
    assert DocumentKind.objects.get(code="summons_notice").name == "约谈函"
    # Reversing supervision 0003 first removes the 监督文书种类 resting on these kinds.
    codes = [c for c, _, _ in SEED_0009.KINDS]
    apps.get_model("supervision", "LetterType").objects.filter(kind__code__in=codes).delete()
    SEED_0009.unseed(apps, None)
    assert not DocumentKind.objects.filter(code__in=codes).exists()


@pytest.mark.django_db
def test_a_supervisor_issues_a_document_of_a_kind_the_region_added_itself(
    justice_bureau, health_agency
) -> None:
    from zhifa.documents.models import DocumentKind
    from zhifa.documents.services import STANDARD_KEYS, create_draft, issue_document

    supervisor = testing.user(
        "sup_kinds", role="supervisor", organisation=justice_bureau, display_name="钱监督"
    )
    kind = DocumentKind.objects.create(
        code="special_check_notice", name="专项监督检查通知书", abbreviation="专督"
    )
    content = {
        k: v
        for k, v in rendering.sample_context("special_check_notice").items()
        if k not in STANDARD_KEYS
    }
    draft = create_draft(
        kind=kind,
        organisation=justice_bureau,
        actor=supervisor,
        recipient_organisation=health_agency,
        context=content,
    )
    document = issue_document(draft, actor=supervisor, issue_date=dt.date(2026, 12, 2))
    assert document.number_text == "舟司专督\u30142026\u30151号"
    assert document.title == "专项监督检查通知书"
    document.pdf_file.open("rb")
    try:
        flat = "".join(
            p.extract_text().replace("\n", "") for p in PdfReader(document.pdf_file).pages
        )
    finally:
        document.pdf_file.close()
    assert "舟司专督〔2026〕1号专项监督检查通知书舟山市卫生健康委员会：" in flat
    assert "现函告如下：" in flat


def _content(code: str) -> dict:
    from zhifa.documents.services import STANDARD_KEYS

    return {k: v for k, v in rendering.sample_context(code).items() if k not in STANDARD_KEYS}


@pytest.mark.django_db
@pytest.mark.parametrize("code", [c for c in SUPERVISION_CODES if c != "rectification_report"])
def test_a_supervisor_issues_each_kind_to_an_agency_with_the_bureaus_number(
    code: str, justice_bureau, health_agency
) -> None:
    from zhifa.documents.models import DocumentKind
    from zhifa.documents.services import create_draft, issue_document

    supervisor = testing.user(
        "sup_kinds", role="supervisor", organisation=justice_bureau, display_name="钱监督"
    )
    kind = DocumentKind.objects.get_or_create(
        code=code, defaults={"name": SPECS[code].name, "abbreviation": SPECS[code].abbreviation}
    )[0]
    draft = create_draft(
        kind=kind,
        organisation=justice_bureau,
        actor=supervisor,
        recipient_organisation=health_agency,
        context=_content(code),
    )
    document = issue_document(draft, actor=supervisor, issue_date=dt.date(2026, 12, 2))
    assert document.number_text == f"舟司{SPECS[code].abbreviation}〔2026〕1号"
    assert document.recipient_organisation == health_agency
    assert document.context["prohibitions"] == []


@pytest.mark.django_db
def test_the_agency_issues_its_rectification_report_to_the_bureau(
    inspector, justice_bureau, health_agency
) -> None:
    from zhifa.documents.models import DocumentKind
    from zhifa.documents.services import create_draft, issue_document

    kind = DocumentKind.objects.get_or_create(
        code="rectification_report",
        defaults={"name": "整改（执行）情况报告", "abbreviation": "整报"},
    )[0]
    draft = create_draft(
        kind=kind,
        organisation=health_agency,
        actor=inspector,
        recipient_organisation=justice_bureau,
        context=_content("rectification_report"),
    )
    document = issue_document(draft, actor=inspector, issue_date=dt.date(2026, 12, 20))
    assert document.number_text == "舟卫整报〔2026〕1号"
    assert document.recipient_name == "舟山市司法局"
    assert document.context["issuer"] == "舟山市卫生健康委员会"


def test_an_empty_section_is_left_out_and_the_headings_stay_numbered_in_order() -> None:
    # A 督办函 prefilled from a complaint: no problems found yet, no legal basis typed.
    context = rendering.sample_context("urging_letter") | {"problems": [], "basis": []}
    flat = "".join(pdf_text(rendering.render("urging_letter", context)))
    assert "发现的问题" not in flat and "法律依据" not in flat
    assert "一、基本情况2026年1月至10月" in flat
    assert "二、督办事项1．核实企业反映问题并依法处理。" in flat
    assert "三、" not in flat
    # With every section filled in, four headings in order.
    flat = "".join(
        pdf_text(rendering.render("urging_letter", rendering.sample_context("urging_letter")))
    )
    positions = [
        flat.index(h) for h in ("一、基本情况", "二、发现的问题", "三、法律依据", "四、督办事项")
    ]
    assert positions == sorted(positions)
