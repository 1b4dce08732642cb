"""Searching the published lists: segmentation, ranking, filters, highlighting, publication."""

from __future__ import annotations

from zhifa.compliance import search, services
from zhifa.compliance.selectors import search_items
from zhifa.compliance.tests.conftest import item_data


def test_the_licence_question_finds_the_expired_licence_item_first(demo_version):
    hits = search_items("食品经营许可证过期", limit=5)
    assert hits[0].code == "HG-SP-02"
    assert hits[0].title == "食品经营许可证过期未延续仍继续经营"
    # Adjacent matches merge into one mark.
    assert str(hits[0].title_html) == (
        "<mark>食品经营许可证过期</mark>未<mark>延续</mark>仍继续<mark>经营</mark>"
    )


def test_a_colloquial_word_is_expanded_to_the_lists_term(demo_version):
    hits = search_items("危废台账", limit=3)
    assert hits[0].code == "HG-ST-16"
    assert "危险废物" in search.query_terms("危废台账")


def test_the_field_filter_keeps_only_that_field(demo_version):
    hits = search_items("健康证", limit=20)
    assert {"market", "health"} <= {h.field for h in hits}
    health = search_items("健康证", field="health", limit=20)
    assert health[0].code == "HG-WS-02"
    assert {h.field for h in health} == {"health"}


def test_the_industry_filter_keeps_items_of_that_industry_and_general_ones(demo_version):
    hits = search.search("许可证", industry="住宿业", limit=100).hits
    codes = {h.code for h in hits}
    assert "HG-WS-01" in codes  # 公共场所卫生许可证: 住宿业
    assert "HG-ST-03" not in codes  # 排污许可证: manufacturing only
    assert all(not h.industries or "住宿业" in h.industries for h in hits)


def test_highlighting_escapes_html_in_the_text():
    html = str(search.highlight("<b>食品</b> & 食品", ["食品"]))
    assert html == "&lt;b&gt;<mark>食品</mark>&lt;/b&gt; &amp; <mark>食品</mark>"


def test_a_query_with_markup_is_never_echoed_unescaped(demo_version):
    results = search.search("<script>alert(1)</script>食品", limit=3)
    for hit in results.hits:
        assert "<script>" not in str(hit.title_html)
        assert "<script>" not in str(hit.snippet_html)


def test_paging_returns_the_next_results_and_the_same_total(demo_version):
    first = search.search("安全", limit=5)
    second = search.search("安全", limit=5, offset=5)
    assert first.total == second.total
    assert first.total > 10
    assert not {h.code for h in first.hits} & {h.code for h in second.hits}


def test_a_query_of_stopwords_only_finds_nothing(demo_version):
    results = search.search("怎么办", limit=5)
    assert results.total == 0
    assert results.hits == []


def test_drafts_are_not_searched_until_published(draft, curator):
    services.add_item(draft, data=item_data(code="Z-1", title="独一无二的鲍鱼条目"), actor=curator)
    assert search_items("鲍鱼") == []
    services.publish_version(draft, actor=curator)
    hits = search_items("鲍鱼")
    assert [h.code for h in hits] == ["Z-1"]


def test_a_superseded_version_leaves_the_index(demo_version, curator, zhoushan):
    assert search_items("危废台账", limit=1)[0].version_id == demo_version.pk
    new = services.create_version(
        region=zhoushan,
        data={"publisher": demo_version.publisher, "label": "2026版", "title": "新版"},
        actor=curator,
    )
    services.add_item(new, data=item_data(code="N-1"), actor=curator)
    services.publish_version(new, actor=curator)
    assert search_items("危废台账") == []
