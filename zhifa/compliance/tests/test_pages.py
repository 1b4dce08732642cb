"""Pages: the published lists and the search are public; curating needs a curator; self-checks
are their enterprise's alone."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from zhifa.audit.models import AuditRecord
from zhifa.compliance import services
from zhifa.compliance.models import (
    Answer,
    GuidanceVersion,
    SelfCheck,
    SelfCheckAnswer,
    SelfCheckStatus,
    VersionStatus,
)


def test_anyone_reads_the_published_lists_without_login(client, demo_version):
    response = client.get(reverse("compliance:version_list"))
    assert response.status_code == 200
    assert "舟山市涉企行政执法合规指导清单" in response.content.decode()
    detail = client.get(reverse("compliance:version_detail", args=[demo_version.pk]))
    assert detail.status_code == 200
    assert detail.context["total"] == 108
    item = demo_version.items.get(code="HG-AQ-12")
    page = client.get(reverse("compliance:item_detail", args=[item.pk]))
    assert page.status_code == 200
    assert "《中华人民共和国安全生产法》第四十二条" in page.content.decode()


def test_the_search_page_highlights_matches_without_login(client, demo_version):
    response = client.get(reverse("compliance:search"), {"q": "食品经营许可证过期"})
    assert response.status_code == 200
    assert response.context["results"].hits[0].code == "HG-SP-02"
    assert "<mark>食品经营许可证过期</mark>" in response.content.decode()
    choices = response.context["form"].fields["industry"].choices
    assert choices[0] == ("", "全部行业")
    assert ("餐饮业", "餐饮业") in choices
    assert len(choices) == 17  # the 16 industries the demo items name, and "all"


def test_the_search_page_escapes_the_query(client, demo_version):
    response = client.get(reverse("compliance:search"), {"q": "<img src=x>食品"})
    body = response.content.decode()
    assert "<img src=x>" not in body
    assert "&lt;img src=x&gt;食品" in body


def test_a_draft_is_hidden_from_the_public_and_other_users(client_for, draft, inspector):
    url = reverse("compliance:version_detail", args=[draft.pk])
    assert client_for(None).get(url).status_code == 404
    assert client_for(inspector).get(url).status_code == 404


def test_a_curator_sees_and_publishes_the_draft_after_confirming(client_for, draft, curator):
    from zhifa.compliance.tests.conftest import item_data

    services.add_item(draft, data=item_data(), actor=curator)
    client = client_for(curator)
    url = reverse("compliance:version_publish", args=[draft.pk])
    refused = client.post(url, {})
    assert refused.status_code == 200
    draft.refresh_from_db()
    assert draft.status == VersionStatus.DRAFT
    response = client.post(url, {"confirm": "on"})
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.status == VersionStatus.PUBLISHED


def test_the_publish_page_names_each_item_citing_a_repealed_law(client_for, draft, curator):
    from zhifa.compliance.tests.conftest import item_data

    services.add_item(draft, data=item_data(legal_basis_law="《大气污染防治法》"), actor=curator)
    response = client_for(curator).post(
        reverse("compliance:version_publish", args=[draft.pk]), {"confirm": "on"}
    )

    assert response.status_code == 200
    assert response.context["form"].non_field_errors() == [
        "清单“舟山市合规指导清单（2026版）”引用了已废止的法律，请改正后再公布：",
        "条目 T-01：《中华人民共和国大气污染防治法》已于2026年8月15日废止"
        "（《中华人民共和国生态环境法典》第一千二百四十二条），请改引《中华人民共和国生态环境法典》",
    ]
    draft.refresh_from_db()
    assert draft.status == VersionStatus.DRAFT


def test_a_list_published_before_a_repeal_warns_its_readers_that_the_basis_changed(
    client, draft, curator
):
    from zhifa.compliance.tests.conftest import item_data

    item = services.add_item(
        draft, data=item_data(legal_basis_law="《中华人民共和国大气污染防治法》"), actor=curator
    )
    with time_machine.travel(dt.date(2026, 8, 14)):
        services.publish_version(draft, actor=curator)

    with time_machine.travel(dt.date(2026, 11, 27)):
        page = client.get(reverse("compliance:item_detail", args=[item.pk]))
    with time_machine.travel(dt.date(2026, 8, 14)):
        before = client.get(reverse("compliance:item_detail", args=[item.pk]))

    assert (
        "（依据已废止：《中华人民共和国大气污染防治法》已于2026年8月15日废止"
        "（《中华人民共和国生态环境法典》第一千二百四十二条），请改引《中华人民共和国生态环境法典》）"
        in page.content.decode()
    )
    assert 'data-testid="repealed"' not in before.content.decode()


def test_an_inspector_may_not_publish(client_for, draft, inspector, curator):
    from zhifa.compliance.tests.conftest import item_data

    services.add_item(draft, data=item_data(), actor=curator)
    response = client_for(inspector).post(
        reverse("compliance:version_publish", args=[draft.pk]), {"confirm": "on"}
    )
    assert response.status_code == 404
    draft.refresh_from_db()
    assert draft.status == VersionStatus.DRAFT


def test_the_import_page_lists_every_bad_row(client_for, draft, curator):
    content = "条目编码,执法领域,合规事项\nA-1,市场监管,\nA-2,航天,标题\n".encode()
    response = client_for(curator).post(
        reverse("compliance:version_import", args=[draft.pk]),
        {"file": SimpleUploadedFile("清单.csv", content)},
    )
    assert response.status_code == 200
    report = response.context["report"]
    assert report.file_error.startswith("第 1 行表头缺少必填列：常见违法行为")
    assert draft.items.count() == 0


# --- Self-checks -------------------------------------------------------------------------------


@pytest.fixture
def self_check(demo_version, enterprise):
    return services.start_self_check(enterprise.enterprise, actor=enterprise)


def test_a_self_check_by_industry_lists_the_items_for_that_industry(self_check, demo_version):
    codes = set(self_check.answers.values_list("item__code", flat=True))
    expected = {
        i.code for i in demo_version.items.all() if not i.industries or "餐饮业" in i.industries
    }
    assert codes == expected
    assert "HG-SP-04" in codes
    assert "HG-ST-16" not in codes
    assert self_check.basis == "industry"
    assert self_check.industry == "餐饮业"


def test_a_self_check_from_notice_items_maps_them_to_guidance(demo_version, enterprise):
    check = services.start_self_check(
        enterprise.enterprise, actor=enterprise, inspection_item_codes=["SJ-SP-04", "SJ-SP-06"]
    )
    codes = sorted(check.answers.values_list("item__code", flat=True))
    assert codes == ["HG-SP-04", "HG-SP-07", "HG-SP-08"]
    assert check.inspection_item_codes == ["SJ-SP-04", "SJ-SP-06"]


def test_an_outsider_enterprise_gets_404_for_anothers_self_check(
    client_for, self_check, other_enterprise_user, supervisor, inspector
):
    url = reverse("compliance:self_check_detail", args=[self_check.pk])
    assert client_for(other_enterprise_user).get(url).status_code == 404
    report = reverse("compliance:self_check_report", args=[self_check.pk])
    assert client_for(other_enterprise_user).get(report).status_code == 404
    answer = self_check.answers.first()
    post = client_for(other_enterprise_user).post(
        reverse("compliance:self_check_answer", args=[self_check.pk, answer.pk]),
        {"answer": "complies"},
    )
    assert post.status_code == 404
    answer.refresh_from_db()
    assert answer.answer == Answer.PENDING
    # Agencies and supervisors do not list self-checks.
    assert client_for(supervisor).get(reverse("compliance:self_check_list")).status_code == 403
    assert client_for(inspector).get(url).status_code == 404


def test_the_enterprise_answers_completes_and_prints_its_report(client_for, self_check, enterprise):
    client = client_for(enterprise)
    answers = list(self_check.answers.select_related("item").order_by("item__position"))
    for answer in answers:
        value = "violates" if answer.item.code == "HG-SP-04" else "complies"
        note = "两名厨师健康证过期" if value == "violates" else ""
        response = client.post(
            reverse("compliance:self_check_answer", args=[self_check.pk, answer.pk]),
            {"answer": value, "note": note},
        )
        assert response.status_code == 302
    response = client.post(reverse("compliance:self_check_complete", args=[self_check.pk]))
    assert response.status_code == 302
    self_check.refresh_from_db()
    assert self_check.status == SelfCheckStatus.COMPLETED
    report = client.get(reverse("compliance:self_check_report", args=[self_check.pk]))
    body = report.content.decode()
    assert report.context["gaps"][0].item.code == "HG-SP-04"
    assert "存在问题：两名厨师健康证过期" in body
    assert "建立从业人员健康档案" in body  # the item's advice
    assert (
        f"共 {len(answers)} 项：未填写 0 项，符合 {len(answers) - 1} 项，不符合 1 项，不适用 0 项。"
        in body
    )


def test_completing_with_unanswered_items_is_refused_and_changes_nothing(self_check, enterprise):
    count = AuditRecord.objects.count()
    with pytest.raises(Exception, match="未填写自查结论"):
        services.complete_self_check(self_check, actor=enterprise)
    self_check.refresh_from_db()
    assert self_check.status == SelfCheckStatus.IN_PROGRESS
    assert AuditRecord.objects.count() == count


def test_a_gap_is_marked_corrected_with_evidence(client_for, self_check, enterprise):
    answer = self_check.answers.get(item__code="HG-SP-04")
    services.answer_item(answer, value="violates", note="健康证过期", actor=enterprise)
    today = dt.date.today()
    response = client_for(enterprise).post(
        reverse("compliance:self_check_correct", args=[self_check.pk, answer.pk]),
        {
            "corrected_on": today.isoformat(),
            "note": "两人已复检取得健康证明",
            "evidence": SimpleUploadedFile("健康证明.pdf", b"%PDF-1.4 test"),
        },
    )
    assert response.status_code == 302
    answer.refresh_from_db()
    assert answer.corrected_on == today
    assert answer.evidence.name.endswith(".pdf")
    assert answer.evidence.read() == b"%PDF-1.4 test"
    download = client_for(enterprise).get(
        reverse("compliance:self_check_evidence", args=[self_check.pk, answer.pk])
    )
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == b"%PDF-1.4 test"


def test_only_enterprise_users_start_self_checks(client_for, supervisor, demo_version):
    response = client_for(supervisor).get(reverse("compliance:self_check_start"))
    assert response.status_code == 403
    assert SelfCheck.objects.count() == 0
    assert SelfCheckAnswer.objects.count() == 0
    assert GuidanceVersion.objects.count() == 1


def test_a_curator_adds_and_edits_an_item_of_a_draft(client_for, draft, curator):
    client = client_for(curator)
    data = {
        "code": "P-1",
        "field": "ecology",
        "title": "危险废物贮存",
        "violations": "露天堆放",
        "legal_basis_law": "《中华人民共和国固体废物污染环境防治法》",
        "legal_basis_article": "第八十一条",
        "legal_basis_text": "",
        "liability": "依照第一百一十二条处罚。",
        "advice": "建设贮存间。",
        "industries": "化学原料和化学制品制造业",
        "inspection_item_codes": "ST-GF-02",
    }
    response = client.post(reverse("compliance:item_create", args=[draft.pk]), data)
    assert response.status_code == 302
    item = draft.items.get()
    assert (item.code, item.field.code, item.industries) == (
        "P-1",
        "ecology",
        ["化学原料和化学制品制造业"],
    )
    edit = client.get(reverse("compliance:item_edit", args=[item.pk]))
    assert edit.context["form"].initial["inspection_item_codes"] == "ST-GF-02"
    response = client.post(
        reverse("compliance:item_edit", args=[item.pk]), {**data, "advice": "按标准建设贮存间。"}
    )
    assert response.status_code == 302
    item.refresh_from_db()
    assert item.advice == "按标准建设贮存间。"
    assert AuditRecord.objects.filter(action="compliance.item.update").count() == 1


def test_an_item_of_a_published_list_cannot_be_edited_through_the_page(
    client_for, demo_version, curator
):
    item = demo_version.items.get(code="HG-SP-01")
    response = client_for(curator).post(
        reverse("compliance:item_edit", args=[item.pk]),
        {"code": "HG-SP-01", "field": "market", "title": "改"},
    )
    assert response.status_code == 200
    item.refresh_from_db()
    assert item.title == "未取得食品经营许可从事餐饮服务或食品销售"


def test_the_report_downloads_as_a_pdf_when_the_fonts_are_there(client_for, self_check, enterprise):
    from zhifa.documents import rendering

    if rendering.missing_fonts():
        pytest.skip("文书字体缺失，PDF 报告不能生成。")
    response = client_for(enterprise).get(
        reverse("compliance:self_check_report_pdf", args=[self_check.pk])
    )
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF-")


def test_a_report_the_fonts_cannot_print_is_not_laid_out_and_the_page_says_why(
    client_for, self_check, enterprise
):
    from zhifa.documents import rendering

    if rendering.missing_fonts():
        pytest.skip("文书字体缺失，PDF 报告不能生成。")
    company = self_check.enterprise
    company.name = "舟山\U00013000酒楼有限公司"  # a character no CJK face has
    company.save(update_fields=["name"])
    client = client_for(enterprise)
    response = client.get(reverse("compliance:self_check_report_pdf", args=[self_check.pk]))
    assert response.status_code == 302
    assert response["Location"] == reverse("compliance:self_check_report", args=[self_check.pk])
    page = client.get(response["Location"])
    assert [str(m) for m in page.context["messages"]] == [
        "暂不能生成 PDF，请使用打印页面：文书中有文书字体无法显示的字符：“𓀀”（U+13000）。"
        "请改用常用字，或由系统管理员配置包含这些字符的字体后再试。"
    ]


def test_another_enterprise_cannot_download_the_pdf(client_for, self_check, other_enterprise_user):
    response = client_for(other_enterprise_user).get(
        reverse("compliance:self_check_report_pdf", args=[self_check.pk])
    )
    assert response.status_code == 404
