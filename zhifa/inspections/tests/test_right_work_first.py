"""The right work first (issue 17): 待办 and home start with today and count every case; a late
notice is flagged from the draft on; the approver reads what he approves."""

from __future__ import annotations

import datetime as dt
import re
import zoneinfo

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.urls import reverse

from zhifa.inspections import services
from zhifa.inspections.models import CaseStatus, InspectionKind

pytestmark = pytest.mark.django_db

SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")
# A Monday; its notice is due by Monday 2026-03-09 (the 5th working day before).
INSPECTION_DAY = dt.date(2026, 3, 16)
LAST_NOTICE_DAY = dt.date(2026, 3, 9)


def at(day: dt.date, hour: int = 10):
    moment = dt.datetime(day.year, day.month, day.day, hour, tzinfo=SHANGHAI)
    return time_machine.travel(moment, tick=False)


def url(name: str, *args) -> str:
    return reverse(f"inspections:{name}", args=args)


def counts(response) -> dict[str, int]:
    return {e["section"].key: e["count"] for e in response.context["sections"]}


def listed(response, key: str) -> list[int]:
    entry = next(e for e in response.context["sections"] if e["section"].key == key)
    return [row["case"].pk for row in entry["rows"]]


@pytest.fixture
def new_case(inspector, health_agency, zhoushan_enterprise, items, officer_one, officer_two):
    def _make(**overrides):
        values = {
            "organisation": health_agency,
            "enterprise": zhoushan_enterprise,
            # Complaint checks do not count against the yearly cap, so many can be made.
            "kind": InspectionKind.PLANNED,
            "items": items,
            "officers": [officer_one, officer_two],
            "inspection_date": INSPECTION_DAY,
            "actor": inspector,
        }
        values.update(overrides)
        return services.create_case(**values)

    return _make


def complaint(new_case, **overrides):
    return new_case(
        kind=InspectionKind.COMPLAINT, exemption_reason="群众举报泳池水质浑浊。", **overrides
    )


# --- 待办 -------------------------------------------------------------------------------------


def test_the_inspector_inbox_counts_all_twelve_drafts_and_lists_ten_with_a_link_to_all(
    client_for, inspector, new_case
):
    with at(dt.date(2026, 3, 2)):
        drafts = [complaint(new_case).pk for _ in range(12)]
        response = client_for(inspector).get(url("inbox"))
        everything = client_for(inspector).get(url("inbox") + "?section=fix")

    assert counts(response) == {
        "today": 0,
        "fix": 12,
        "notify": 0,
        "visit": 0,
        "on_site": 0,
        "decide": 0,
        "recheck": 0,
        "publish": 0,
    }
    assert listed(response, "fix") == drafts[:10]
    body = response.content.decode()
    assert "草稿与未获批准（<span" in body
    assert 'data-testid="inbox-count-fix">12<' in body
    assert 'data-testid="inbox-count-notify">0<' in body
    assert "查看全部 12 项" in body
    assert counts(everything) == {"fix": 12}
    assert listed(everything, "fix") == drafts


def test_the_approver_sees_what_awaits_his_approval_and_not_the_inspectors_drafts(
    client_for, inspector, approver, new_case
):
    with at(dt.date(2026, 3, 2)):
        complaint(new_case)
        submitted = complaint(new_case)
        services.submit_case(submitted, actor=inspector)
        response = client_for(approver).get(url("inbox"))

    assert counts(response) == {"today": 0, "approve": 1, "makeup": 0}
    assert listed(response, "approve") == [submitted.pk]


def test_a_colleague_sees_only_the_cases_he_asked_for_or_inspects_in(
    client_for, inspector, second_inspector, health_agency, new_case, officer_one
):
    from zhifa_testing import officer

    third = officer("郑第三", organisation=health_agency)
    with at(dt.date(2026, 3, 2)):
        with_him = complaint(new_case)
        without_him = complaint(new_case, officers=[officer_one, third])
        response = client_for(second_inspector).get(url("inbox"))

    assert without_him.pk not in listed(response, "fix")
    assert listed(response, "fix") == [with_him.pk]


def test_today_lists_the_notice_due_today_and_then_the_inspection_of_the_day(
    client_for, inspector, approver, new_case
):
    with at(dt.date(2026, 3, 2)):
        case = new_case()
        services.submit_case(case, actor=inspector)
        services.approve_case(case, actor=approver, opinion="同意。")
    with at(LAST_NOTICE_DAY):
        notice_day = client_for(inspector).get(url("inbox"))
        services.issue_notice(case, actor=inspector)
    with at(INSPECTION_DAY, 8):
        inspection_day = client_for(inspector).get(url("inbox"))
        home = client_for(inspector).get(reverse("home"))

    assert listed(notice_day, "today") == [case.pk]
    assert listed(inspection_day, "today") == [case.pk]
    assert listed(inspection_day, "visit") == [case.pk]
    assert counts(inspection_day)["notify"] == 0
    found = re.findall(r'data-testid="count-([a-z_]+)">(\d+)<', home.content.decode())
    assert found[:8] == [
        ("today", "1"),
        ("fix", "0"),
        ("notify", "0"),
        ("visit", "1"),
        ("on_site", "0"),
        ("decide", "0"),
        ("recheck", "0"),
        ("publish", "0"),
    ]


def test_the_enterprise_home_starts_with_today_and_the_notice_to_sign(
    client_for, inspector, approver, enterprise, new_case
):
    with at(dt.date(2026, 3, 2)):
        case = new_case()
        services.submit_case(case, actor=inspector)
        services.approve_case(case, actor=approver, opinion="同意。")
        services.issue_notice(case, actor=inspector)
        home = client_for(enterprise).get(reverse("home"))

    found = re.findall(r'data-testid="count-([a-z_]+)">(\d+)<', home.content.decode())
    assert found == [
        ("today", "0"),
        ("confirm", "1"),
        ("prepare", "1"),
        ("rectify", "0"),
        ("rate", "0"),
    ]
    assert f'href="{url("my_case", case.pk)}"' in home.content.decode()


# --- A late notice, flagged from the draft on -----------------------------------------------


def test_a_case_saved_after_its_last_notice_day_is_flagged_on_its_page_inbox_and_approval(
    client_for, inspector, approver, new_case
):
    with at(dt.date(2026, 3, 10)):
        case = new_case()
        page = client_for(inspector).get(url("case_detail", case.pk))
        services.submit_case(case, actor=inspector)
        approval = client_for(approver).get(url("case_approve", case.pk))
        services.approve_case(case, actor=approver, opinion="同意。")
        inbox = client_for(inspector).get(url("inbox"))

    expected = (
        "预告已逾期：预告通知书最迟应于2026年3月9日发出（检查日2026年3月16日前5个工作日），"
        "已经逾期；今天发出预告，最早可于2026年3月17日实施检查，请修改检查日期。"
    )
    for response in (page, approval, inbox):
        assert expected in response.content.decode()
    assert inbox.content.decode().count('data-testid="late-notice"') == 1


def test_a_case_on_time_and_an_exempt_case_are_not_flagged(inspector, new_case):
    with at(dt.date(2026, 3, 2)):
        on_time = new_case()
        exempt = complaint(new_case, inspection_date=dt.date(2026, 3, 3))

    assert services.late_notice(on_time, dt.date(2026, 3, 9)) == ""
    assert services.late_notice(exempt, dt.date(2026, 3, 4)) == ""
    assert services.late_notice(on_time, dt.date(2026, 3, 10)).startswith(
        "预告通知书最迟应于2026年3月9日发出"
    )


def test_batch_notice_lists_the_late_case_apart_and_issues_the_others(
    client_for, inspector, approver, new_case, health_agency, zhoushan
):
    from zhifa_testing import enterprise as make_enterprise

    other = make_enterprise("舟山浴室有限公司", region=zhoushan)
    with at(dt.date(2026, 3, 2)):
        late = new_case()
        on_time = new_case(enterprise=other, inspection_date=dt.date(2026, 3, 20))
        for case in (late, on_time):
            services.submit_case(case, actor=inspector)
            services.approve_case(case, actor=approver, opinion="同意。")
    with at(dt.date(2026, 3, 10)):
        page = client_for(inspector).get(url("batch_notice"))
        refused = client_for(inspector).post(
            url("batch_notice"), {"cases": [late.pk, on_time.pk], "confirm": "on"}
        )
        issued = client_for(inspector).post(
            url("batch_notice"), {"cases": [on_time.pk], "confirm": "on"}
        )

    assert [case.pk for case, _ in page.context["rows"]] == [on_time.pk]
    assert [case.pk for case, _ in page.context["late"]] == [late.pk]
    assert 'data-testid="late-cases"' in page.content.decode()
    # The late one cannot be chosen at all.
    assert refused.status_code == 200
    assert list(refused.context["form"].errors) == ["cases"]
    assert issued.status_code == 302
    late.refresh_from_db()
    assert late.status == CaseStatus.APPROVED


# --- The approval page ----------------------------------------------------------------------


def test_the_approver_reads_officers_certificates_items_basis_reason_and_the_yearly_cap(
    client_for, inspector, approver, new_case, officer_one, officer_two
):
    with at(dt.date(2026, 3, 2)):
        case = new_case(reason="2026年度双随机抽查，抽中该单位。")
        services.submit_case(case, actor=inspector)
        response = client_for(approver).get(url("case_approve", case.pk))

    body = response.content.decode()
    facts = response.context["approval"]
    assert [(o.name, standing) for o, standing in facts.officers] == [
        ("王检查", ""),
        ("周执法", ""),
    ]
    assert f"执法证 {officer_one.cert_no}，有效期" in body
    assert "依据：《公共场所卫生管理条例》第八条" in body
    assert "依据：《公共场所卫生管理条例》第七条" in body
    assert "2026年度双随机抽查，抽中该单位。" in body
    assert (facts.year, facts.counted, facts.cap) == (2026, 1, 2)
    assert (
        "舟山海鲜酒楼有限公司 2026 年已安排涉企行政检查 1 次（含本次），各部门合计每年上限 2 次。"
        in body
    )


def test_the_approver_of_an_exempt_case_reads_its_stated_reason(
    client_for, inspector, approver, new_case
):
    with at(dt.date(2026, 3, 2)):
        case = complaint(new_case)
        services.submit_case(case, actor=inspector)
        response = client_for(approver).get(url("case_approve", case.pk))

    body = response.content.decode()
    assert "本案为举报投诉核查，批准即同意免于预告，理由：群众举报泳池水质浑浊。" in body
    assert "举报投诉核查不计入年度检查次数上限" in body


@pytest.mark.parametrize(
    "reason", ["举报投诉核查", "举报投诉核查，依法免于预告。", "依法免予预告检查"]
)
def test_an_exemption_reason_that_only_repeats_the_kind_is_refused(new_case, reason):
    with at(dt.date(2026, 3, 2)), pytest.raises(ValidationError) as refused:
        new_case(kind=InspectionKind.COMPLAINT, exemption_reason=reason)

    assert refused.value.message_dict["exemption_reason"] == [
        "免于预告理由不能只写检查类型“举报投诉核查”，请写明具体情形（如举报反映的问题、危及安全的"
        "情况），供负责人审批时判断。"
    ]


# --- Pickers --------------------------------------------------------------------------------


def test_the_inspector_finds_an_enterprise_by_name_or_code_among_those_he_may_see(
    client_for, inspector, zhoushan_enterprise, jinzhong
):
    from zhifa_testing import enterprise as make_enterprise

    make_enterprise("晋中海鲜酒楼有限公司", region=jinzhong)
    client = client_for(inspector)
    by_name = client.get(url("enterprise_options"), {"q": "海鲜酒楼"})
    by_code = client.get(url("enterprise_options"), {"q": zhoushan_enterprise.uscc[:8].lower()})
    too_short = client.get(url("enterprise_options"), {"q": "海"})
    nothing = client.get(url("enterprise_options"), {"q": "不存在的公司"})

    assert [e.pk for e in by_name.context["found"]] == [zhoushan_enterprise.pk]
    assert [e.pk for e in by_code.context["found"]] == [zhoushan_enterprise.pk]
    assert f'data-uscc="{zhoushan_enterprise.uscc}"' in by_name.content.decode()
    assert "晋中海鲜酒楼有限公司" not in by_name.content.decode()
    assert list(too_short.context["found"]) == []
    assert "没有找到名称或代码含“不存在的公司”的企业。" in nothing.content.decode()


def test_the_enterprise_and_the_supervisor_may_not_search_enterprises_for_a_case(
    client_for, enterprise, supervisor
):
    for user in (enterprise, supervisor):
        assert client_for(user).get(url("enterprise_options"), {"q": "海鲜"}).status_code == 403


def test_the_inspector_starts_a_case_from_the_enterprise_page_with_it_filled_in_and_himself_lead(
    client_for, inspector, zhoushan_enterprise, officer_one, officer_two
):
    with at(dt.date(2026, 3, 2)):
        page = client_for(inspector).get(
            reverse("registry:enterprise_detail", args=[zhoushan_enterprise.pk])
        )
        form_page = client_for(inspector).get(
            url("case_create") + f"?enterprise={zhoushan_enterprise.pk}"
        )

    start = url("case_create") + f"?enterprise={zhoushan_enterprise.pk}"
    assert f'href="{start}"' in page.content.decode()
    form = form_page.context["form"]
    assert form.initial["uscc"] == zhoushan_enterprise.uscc
    assert (form.initial["lead"], form.initial["officers"]) == (officer_one.pk, [officer_one.pk])
    body = form_page.content.decode()
    assert f'value="{zhoushan_enterprise.uscc}"' in body
    assert "已选择：舟山海鲜酒楼有限公司" in body


def test_the_officer_list_greys_out_a_suspended_and_an_expired_colleague_without_the_reason(
    client_for, inspector, health_agency, officer_one, expired_officer
):
    from zhifa_testing import officer

    suspended = officer(
        "冯暂停",
        organisation=health_agency,
        cert_status="suspended",
        cert_status_reason="涉嫌违纪正在调查",
    )
    with at(dt.date(2026, 3, 2)):
        response = client_for(inspector).get(url("case_create"))

    body = response.content.decode()
    assert f"冯暂停（执法证 {suspended.cert_no}，暂停执法）" in body
    assert f"吴过期（执法证 {expired_officer.cert_no}，执法证已过期）" in body
    assert "涉嫌违纪" not in body
    boxes = re.findall(r'<input type="checkbox" name="officers" value="(\d+)"([^>]*)>', body)
    assert {int(pk): "disabled" in rest for pk, rest in boxes} == {
        officer_one.pk: False,
        expired_officer.pk: True,
        suspended.pk: True,
    }
    assert 'data-testid="enterprise-search"' in body
