"""The decision says what the law says: no outcome preselected once a problem was found, the
violation picked from the lists in force (an unknown code refused, naming it), and the provision
violated and the penalty provision recorded apart and each printed in its place."""

from __future__ import annotations

import datetime as dt
import io
import json
import re
import zoneinfo
from importlib import import_module

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.urls import reverse
from docx import Document as Docx
from pypdf import PdfReader

from zhifa.audit.models import AuditRecord
from zhifa.inspections import paperwork, services
from zhifa.inspections.models import CaseOutcome, CaseStatus, FindingResult, InspectionKind

pytestmark = pytest.mark.django_db

SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")
INSPECTION_DAY = dt.date(2026, 3, 16)
VIOLATED = "《公共场所卫生管理条例》第七条"
PENALTY = "《公共场所卫生管理条例》第十四条第（二）项"


def at(day: dt.date, hour: int = 10):
    moment = dt.datetime(day.year, day.month, day.day, hour, tzinfo=SHANGHAI)
    return time_machine.travel(moment, tick=False)


def url(name: str, *args) -> str:
    return reverse(f"inspections:{name}", args=args)


def stored(name: str) -> bytes:
    with default_storage.open(name, "rb") as handle:
        return handle.read()


def flat(text: str) -> str:
    """Text as a reader sees it, without the line breaks and spaces of the page layout."""
    return re.sub(r"\s+", "", text)


@pytest.fixture(autouse=True)
def _private_media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def inspected(
    inspector,
    second_inspector,
    approver,
    health_agency,
    zhoushan_enterprise,
    items,
    officer_one,
    officer_two,
):
    """``inspected(problem=True)`` → a case of 舟山市卫生健康委员会 after its on-site record: item
    WJ-01 compliant, WJ-02 (position 2) a problem unless ``problem`` is False."""

    def _make(*, problem: bool = True):
        with at(dt.date(2026, 3, 2)):
            case = services.create_case(
                organisation=health_agency,
                enterprise=zhoushan_enterprise,
                kind=InspectionKind.PLANNED,
                items=items,
                officers=[officer_one, officer_two],
                inspection_date=INSPECTION_DAY,
                actor=inspector,
            )
            services.submit_case(case, actor=inspector)
            services.approve_case(case, actor=approver, opinion="同意。")
            services.issue_notice(case, actor=inspector)
        with at(INSPECTION_DAY, 9):
            services.check_in(case, actor=inspector, code=case.checkin_code)
            services.check_in(case, actor=second_inspector, code=case.checkin_code)
            services.record_finding(case, actor=inspector, item=items[0], result="compliant")
            services.record_finding(
                case,
                actor=inspector,
                item=items[1],
                result=FindingResult.PROBLEM if problem else FindingResult.COMPLIANT,
                description="2名服务员健康合格证明已过期。" if problem else "",
            )
            services.finish_site_record(
                case, actor=inspector, present_person="陈经理（店长）", party_opinion="无异议。"
            )
        case.refresh_from_db()
        return case

    return _make


def decided_state(case) -> tuple:
    case.refresh_from_db()
    finding = case.findings.get(position=2)
    return (
        case.status,
        case.outcome,
        finding.chosen,
        finding.violation_code,
        finding.violated_provision,
        finding.penalty_provision,
        case.case_documents.count(),
    )


UNDECIDED = (CaseStatus.INSPECTED, "", "", "", "", "", 2)


# --- 处理结果 has no default once a problem was found ----------------------------------------


def test_the_outcome_is_not_preselected_when_a_finding_found_a_problem(
    client_for, inspector, inspected, health_lists
):
    case = inspected()
    page = url("case_decide", case.pk)
    data = {
        "f2_violation_code": "GC-JKZM",
        "f2_harm_level": "minor",
        "f2_corrected_on_site": "on",
        "f2_chosen": "none",
        "confirm": "on",
    }
    with at(INSPECTION_DAY, 11):
        shown = client_for(inspector).get(page)
        audit_count = AuditRecord.objects.count()
        refused = client_for(inspector).post(page, data)

    outcome = shown.context["form"]["outcome"]
    assert outcome.value() is None
    assert [value for value, _ in outcome.field.choices] == ["", "no_penalty", "rectify", "filed"]
    assert '<option value="" selected>请选择</option>' in shown.content.decode()
    assert "未发现问题" not in str(outcome)
    assert "未从三张清单中选择违法行为，仅按法律规定判断。" in shown.content.decode()
    assert refused.status_code == 200
    assert refused.context["form"].errors["outcome"] == [
        "现场检查记录了1个问题，请选择不予行政处罚、责令改正或立案查处（移交）。"
    ]
    assert "处理结果：现场检查记录了1个问题" in refused.content.decode()
    assert decided_state(case) == UNDECIDED
    assert AuditRecord.objects.count() == audit_count


def test_no_problem_stays_the_default_only_when_every_finding_found_none(
    client_for, inspector, inspected
):
    case = inspected(problem=False)
    with at(INSPECTION_DAY, 11):
        shown = client_for(inspector).get(url("case_decide", case.pk))
        done = client_for(inspector).post(
            url("case_decide", case.pk), {"outcome": "no_problem", "confirm": "on"}
        )

    outcome = shown.context["form"]["outcome"]
    assert (outcome.value(), outcome.field.choices) == (
        "no_problem",
        [("no_problem", "未发现问题")],
    )
    assert done.status_code == 302
    case.refresh_from_db()
    assert (case.status, case.outcome) == (CaseStatus.CLOSED, CaseOutcome.NO_PROBLEM)


def test_the_service_refuses_a_decision_without_an_outcome(inspector, inspected, health_lists):
    case = inspected()
    with at(INSPECTION_DAY, 11), pytest.raises(ValidationError) as error:
        services.decide_case(case, actor=inspector, outcome="", decisions={})

    assert error.value.message_dict == {"outcome": ["请选择处理结果。"]}
    assert decided_state(case) == UNDECIDED


# --- The violation is picked from the lists in force --------------------------------------------


def test_typing_part_of_a_name_lists_the_matching_violations_of_the_lists_in_force(
    client_for, inspector, inspected, health_lists
):
    case = inspected()
    search = url("case_violations", case.pk, 2)
    with at(INSPECTION_DAY, 11):
        by_name = client_for(inspector).get(search, {"f2_violation_code": "健康合格"})
        by_code = client_for(inspector).get(search, {"f2_violation_code": "wsxk"})
        by_item = client_for(inspector).get(search, {"f2_violation_code": "BY-0"})
        nothing = client_for(inspector).get(search, {"f2_violation_code": "消防"})
        empty = client_for(inspector).get(search, {"f2_violation_code": " "})

    assert [c.violation_code for c in by_name.context["choices"]] == ["GC-JKZM"]
    body = by_name.content.decode()
    assert body.count('data-testid="violation-option"') == 1
    assert "不予处罚清单 BY-01、从轻处罚清单 CQ-01；违反 《公共场所卫生管理条例》第七条" in body
    assert '?code=GC-JKZM"' in body
    assert [c.violation_code for c in by_code.context["choices"]] == ["GC-WSXK"]
    assert [c.violation_code for c in by_item.context["choices"]] == ["GC-JKZM", "GC-WSXK"]
    assert flat(nothing.content.decode()) == flat(
        '<p class="muted">本机关现行裁量清单中没有与“消防”相符的违法行为；'
        "清单未列入的，此项留空，按行政处罚法判断。</p>"
    )
    assert empty.content.decode().strip() == ""


def test_the_search_says_when_the_agency_has_no_lists_in_force(client_for, inspector, inspected):
    case = inspected()
    with at(INSPECTION_DAY, 11):
        response = client_for(inspector).get(
            url("case_violations", case.pk, 2), {"f2_violation_code": "健康"}
        )

    assert response.context["choices"] == []
    assert "本机关尚未公布现行裁量清单，此项留空，按行政处罚法判断。" in response.content.decode()


def test_the_picker_is_only_for_the_agencys_writers_and_only_for_a_problem(
    client_for, inspector, outsider, enterprise, inspected, health_lists
):
    case = inspected()
    with at(INSPECTION_DAY, 11):
        anonymous = client_for(None).get(url("case_violations", case.pk, 2), {"q": "健康"})
        foreign = client_for(outsider).get(url("case_violations", case.pk, 2), {"q": "健康"})
        firm = client_for(enterprise).get(url("case_violation_pick", case.pk, 2), {"code": "BY-01"})
        compliant = client_for(inspector).get(url("case_violations", case.pk, 1), {"q": "健康"})
        unknown = client_for(inspector).get(url("case_violation_pick", case.pk, 2), {"code": "X"})

    assert anonymous.status_code == 302
    assert anonymous["Location"].startswith("/accounts/login/")
    # The enterprise sees its own case but may not decide it.
    assert (foreign.status_code, firm.status_code) == (404, 403)
    assert (compliant.status_code, unknown.status_code) == (404, 404)


def test_picking_a_violation_fills_its_code_and_both_provisions(
    client_for, inspector, inspected, health_lists
):
    case = inspected()
    with at(INSPECTION_DAY, 11):
        picked = client_for(inspector).get(
            url("case_violation_pick", case.pk, 2), {"code": "GC-JKZM"}
        )

    row = picked.context["row"]
    assert (row["code"].value(), [f.value() for f in row["provisions"]]) == (
        "GC-JKZM",
        [VIOLATED, PENALTY],
    )
    body = picked.content.decode()
    assert 'value="GC-JKZM"' in body
    assert f">\n{VIOLATED}</textarea>" in body
    assert f">\n{PENALTY}</textarea>" in body
    assert (
        "已选择 GC-JKZM：公共场所直接为顾客服务的人员未获得健康合格证明而从事本职工作"
        "（不予处罚清单 BY-01、从轻处罚清单 CQ-01）。"
    ) in body
    assert decided_state(case) == UNDECIDED


def test_a_code_typed_without_the_search_is_taken_and_fills_the_provisions_left_blank(
    client_for, inspector, inspected, health_lists
):
    case = inspected()
    with at(INSPECTION_DAY, 11):
        preview = client_for(inspector).post(
            url("case_decide", case.pk),
            {
                "f2_violation_code": " by-01 ",
                "f2_penalty_provision": "《公共场所卫生管理条例》第十四条",
                "f2_harm_level": "minor",
                "f2_corrected_on_site": "on",
                "preview": "1",
            },
        )

    form = preview.context["form"]
    assert form["f2_violation_code"].value() == "GC-JKZM"
    assert form["f2_violated_provision"].value() == VIOLATED
    # What the officer typed stays as typed.
    assert form["f2_penalty_provision"].value() == "《公共场所卫生管理条例》第十四条"
    assert preview.context["rows"][0]["evaluation"].proposed.label == "不予处罚"
    assert decided_state(case) == UNDECIDED


def test_an_unknown_code_is_refused_naming_the_code(client_for, inspector, inspected, health_lists):
    case = inspected()
    data = {
        "outcome": "rectify",
        "rectify_working_days": "10",
        "f2_violation_code": "GC-JKZN",
        "f2_violated_provision": VIOLATED,
        "f2_penalty_provision": PENALTY,
        "f2_chosen": "ordinary",
        "confirm": "on",
    }
    with at(INSPECTION_DAY, 11):
        audit_count = AuditRecord.objects.count()
        preview = client_for(inspector).post(
            url("case_decide", case.pk), {**data, "preview": "1", "confirm": ""}
        )
        refused = client_for(inspector).post(url("case_decide", case.pk), data)

    message = (
        "裁量清单中没有编码为「GC-JKZN」的事项：请输入违法行为名称或编码，"
        "从本机关现行裁量清单中查找并选择；清单未列入的违法行为，请将此项留空，按行政处罚法判断。"
    )
    assert preview.context["form"].errors == {"f2_violation_code": [message]}
    assert refused.context["form"].errors == {"f2_violation_code": [message]}
    assert f"第2项违法行为：{message}" in refused.content.decode()
    assert decided_state(case) == UNDECIDED
    assert AuditRecord.objects.count() == audit_count


def test_the_service_refuses_an_unknown_code_even_without_lists(inspector, inspected):
    case = inspected()
    decision = {"chosen": "ordinary", "violation_code": "GC-JKZM", "violated_provision": VIOLATED}
    with at(INSPECTION_DAY, 11), pytest.raises(ValidationError) as error:
        services.decide_case(
            case, actor=inspector, outcome=CaseOutcome.FILED, decisions={2: decision}
        )

    assert error.value.message_dict == {
        "findings.2.violation_code": [
            "裁量清单中没有编码为「GC-JKZM」的事项：本机关尚未公布现行裁量清单，"
            "请将此项留空，按行政处罚法判断。"
        ]
    }
    assert decided_state(case) == UNDECIDED


def test_a_decision_without_either_provision_names_the_missing_one(
    client_for, inspector, inspected
):
    case = inspected()
    data = {
        "outcome": "filed",
        "f2_chosen": "ordinary",
        "f2_violated_provision": VIOLATED,
        "confirm": "on",
    }
    with at(INSPECTION_DAY, 11):
        refused = client_for(inspector).post(url("case_decide", case.pk), data)

    assert refused.context["form"].errors == {
        "f2_penalty_provision": [
            "请填写第2项处罚（责令改正）依据，如《公共场所卫生管理条例》第十四条。"
        ]
    }
    assert decided_state(case) == UNDECIDED


# --- Each provision recorded apart and printed in its place -------------------------------------


def test_a_picked_violation_records_both_provisions_from_the_lists(
    inspector, inspected, health_lists
):
    case = inspected()
    with at(INSPECTION_DAY, 11):
        services.decide_case(
            case,
            actor=inspector,
            outcome=CaseOutcome.NO_PENALTY,
            decisions={
                2: {
                    "chosen": "none",
                    "violation_code": "GC-JKZM",
                    "harm_level": "minor",
                    "corrected_on_site": True,
                }
            },
        )

    assert decided_state(case) == (
        CaseStatus.CLOSED,
        CaseOutcome.NO_PENALTY,
        "none",
        "GC-JKZM",
        VIOLATED,
        PENALTY,
        3,
    )
    record = AuditRecord.objects.filter(action="inspections.case.decide").get()
    decision = record.after["decisions"]["2"]
    assert (decision["violated_provision"], decision["penalty_provision"]) == (VIOLATED, PENALTY)
    document = case.case_documents.get(step="decision").document
    assert document.context["facts"] == (
        "你单位于2026年3月16日检查中被发现：2名服务员健康合格证明已过期的行为，"
        "违反了《公共场所卫生管理条例》第七条的规定。"
    )
    assert document.context["basis"] == "《中华人民共和国行政处罚法》第三十三条第一款"
    assert document.context["reason"] == (
        "你单位初次违法且危害后果轻微并及时改正；"
        "属于舟山市卫生健康 2026版不予处罚清单第 BY-01 项所列情形。"
    )
    text = flat(
        "\n".join(p.text for p in Docx(io.BytesIO(stored(document.docx_file.name))).paragraphs)
    )
    assert (
        "本机关认为，你单位初次违法且危害后果轻微并及时改正；属于舟山市卫生健康2026版"
        "不予处罚清单第BY-01项所列情形。根据《中华人民共和国行政处罚法》第三十三条第一款的规定，"
        "决定如下："
    ) in text
    for doubled in ("。；", "。，", "。。", "建议"):
        assert doubled not in text


def test_the_rectification_order_names_the_violated_and_the_penalty_provision_in_their_places(
    inspector, inspected
):
    case = inspected()
    with at(INSPECTION_DAY, 11):
        services.decide_case(
            case,
            actor=inspector,
            outcome=CaseOutcome.RECTIFY,
            decisions={
                2: {
                    "chosen": "ordinary",
                    # Typed with the punctuation and the words the document adds itself.
                    "violated_provision": f"{VIOLATED}。",
                    "penalty_provision": f"{PENALTY}的规定。",
                }
            },
            rectify_working_days=10,
            requirements=["为从业人员办理健康合格证明"],
        )

    finding = case.findings.get(position=2)
    assert (finding.violated_provision, finding.penalty_provision) == (
        f"{VIOLATED}。",
        f"{PENALTY}的规定。",
    )
    document = case.case_documents.get(step="decision").document
    assert document.kind.code == "rectification_order"
    assert document.context["violations"] == [
        {
            "fact": "2名服务员健康合格证明已过期",
            "violated": VIOLATED,
            "penalty": PENALTY,
            "basis": VIOLATED,
        }
    ]
    assert document.context["order_basis"] == PENALTY
    sentence = "1.2名服务员健康合格证明已过期的行为，违反了《公共场所卫生管理条例》第七条的规定。"
    order = (
        "依据《公共场所卫生管理条例》第十四条第（二）项的规定，"
        "现责令你单位于2026年3月30日前改正，并按下列要求整改："
    )
    docx_text = flat(
        "\n".join(p.text for p in Docx(io.BytesIO(stored(document.docx_file.name))).paragraphs)
    )
    pdf_text = flat(
        "".join(
            p.extract_text() for p in PdfReader(io.BytesIO(stored(document.pdf_file.name))).pages
        )
    )
    for text in (docx_text, pdf_text):
        assert sentence in text
        assert order in text
        for doubled in ("。，", "。。", "。的", "的规定的规定", "的行为的行为"):
            assert doubled not in text


def test_the_order_lists_each_penalty_provision_once(inspected, inspector):
    case = inspected()
    finding = case.findings.get(position=2)
    finding.description = "2名服务员健康合格证明已过期的行为；"
    finding.violated_provision = "《公共场所卫生管理条例》第七条的规定"
    finding.penalty_provision = PENALTY
    other = case.findings.get(position=1)
    other.description = ""
    other.violated_provision = ""
    other.penalty_provision = PENALTY

    context = paperwork.rectification_order(case, requirements=[], problems=[finding, other])

    assert [(v["fact"], v["violated"]) for v in context["violations"]] == [
        ("2名服务员健康合格证明已过期", VIOLATED),
        # A decision from before the provisions were recorded apart: the item's own basis.
        ("公共场所卫生许可证持证情况", "《公共场所卫生管理条例》第八条"),
    ]
    assert context["order_basis"] == PENALTY


def test_the_api_records_both_provisions_and_refuses_an_unknown_code_by_field(
    client_for, inspector, inspected, health_lists
):
    case = inspected()
    api = client_for(inspector)

    def decide(decision):
        return api.post(
            f"/api/inspections/cases/{case.pk}/decide",
            data=json.dumps({"outcome": "no_penalty", "decisions": {"2": decision}}),
            content_type="application/json",
        )

    with at(INSPECTION_DAY, 11):
        refused = decide({"chosen": "none", "violation_code": "GC-XX"})
        unchanged = decided_state(case)
        done = decide(
            {
                "chosen": "none",
                "violation_code": "GC-JKZM",
                "harm_level": "minor",
                "corrected_on_site": True,
                "penalty_provision": "《公共场所卫生管理条例》第十四条",
            }
        )

    assert refused.status_code == 400
    assert refused.json()["errors"] == {
        "decisions.2.violation_code": [
            "裁量清单中没有编码为「GC-XX」的事项：请输入违法行为名称或编码，"
            "从本机关现行裁量清单中查找并选择；清单未列入的违法行为，请将此项留空，"
            "按行政处罚法判断。"
        ]
    }
    assert unchanged == UNDECIDED
    assert done.status_code == 200
    finding = done.json()["findings"][1]
    assert (
        finding["violation_code"],
        finding["violated_provision"],
        finding["penalty_provision"],
    ) == ("GC-JKZM", VIOLATED, "《公共场所卫生管理条例》第十四条")


def test_the_migration_fills_the_violated_provision_only_where_the_lists_weighed_agree():
    migration = import_module("zhifa.inspections.migrations.0004_decision_provisions")
    weighed = {
        "items": [
            {"violation_basis": "《公共场所卫生管理条例》第七条、第十四条第（二）项"},
            {"violation_basis": "《公共场所卫生管理条例》第七条、第十四条第（二）项"},
        ]
    }
    disagreeing = {
        "items": [
            {"violation_basis": "《公共场所卫生管理条例》第七条、第十四条"},
            {"violation_basis": "《公共场所卫生管理条例实施细则》第十条、第三十八条"},
        ]
    }

    assert migration.violated_from_evaluation(weighed) == VIOLATED
    assert migration.violated_from_evaluation(disagreeing) == ""
    assert migration.violated_from_evaluation({"items": []}) == ""
    assert migration.violated_from_evaluation({}) == ""


def test_a_no_penalty_decision_against_the_proposal_gives_the_officers_reason_once(
    inspected, inspector
):
    case = inspected()
    finding = case.findings.get(position=2)
    finding.violated_provision = VIOLATED
    finding.evaluation = {"items": [], "statutory": []}
    finding.deviation_reason = "该条规定先责令限期改正，逾期不改正的方予处罚。"

    context = paperwork.no_penalty_decision(case, problems=[finding])

    assert context["facts"] == (
        "你单位于2026年3月16日检查中被发现：2名服务员健康合格证明已过期的行为，"
        "违反了《公共场所卫生管理条例》第七条的规定。"
    )
    assert context["reason"] == "该条规定先责令限期改正，逾期不改正的方予处罚。"
    assert context["basis"] == "《中华人民共和国行政处罚法》第三十三条第一款"
