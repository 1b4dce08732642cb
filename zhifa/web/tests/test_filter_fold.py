"""The 筛选 button that folds a list's filters on a phone counts the filters the request sets."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.http import QueryDict

from zhifa.web.templatetags.filter_tags import active_filter_count

pytestmark = pytest.mark.django_db


def test_the_count_leaves_out_the_page_number_and_empty_fields():
    assert active_filter_count(QueryDict("")) == 0
    assert active_filter_count(QueryDict("page=3")) == 0
    assert active_filter_count(QueryDict("q=%20&status=&page=2")) == 0
    assert active_filter_count(QueryDict("q=%E8%88%9F%E5%B1%B1&status=&kind=special&page=2")) == 2
    assert active_filter_count(QueryDict("types=a&types=b&overdue=on")) == 2


def test_the_inspectors_case_list_counts_the_filters_set(client_for, inspector):
    folded = client_for(inspector).get("/inspections/").content.decode()
    assert 'data-testid="filter-toggle" aria-hidden="true">筛选</label>' in folded
    assert 'aria-label="筛选条件，展开或收起"' in folded
    filtered = client_for(inspector).get("/inspections/?q=%E8%88%9F%E5%B1%B1&kind=special&page=1")
    html = filtered.content.decode()
    assert 'data-testid="filter-toggle" aria-hidden="true">筛选（2）</label>' in html
    assert 'aria-label="筛选条件（已设 2 项），展开或收起"' in html


# Get forms styled as filters that are not a list's filters (by template, and the page a form
# goes to when not its own): a search page's own search box, the search for people to add, the
# working-day calculators and the choice of an agency to add an item to.
NOT_LIST_FILTERS = {
    "compliance/_search_form.html → compliance:search",
    "training/attendee_add.html",
    "workdays/calendar.html → workdays:calendar",
    "plans/item_list.html → plans:item_create",
}


def test_every_lists_filter_form_is_folded():
    apps = Path(__file__).resolve().parents[2]
    unfolded = []
    for template in sorted(apps.glob("*/templates/**/*.html")):
        name = template.as_posix().split("/templates/", 1)[1]
        source = template.read_text()
        for form in re.finditer(r'<form method="get"[^>]*class="filters[^>]*>', source):
            action = re.search(r"action=\"{% url '([^']+)'", form.group(0))
            key = f"{name} → {action.group(1)}" if action else name
            before = source[: form.start()]
            folded = before.count("{% filter_fold") > before.count("{% endfilter_fold")
            if not folded and key not in NOT_LIST_FILTERS:
                unfolded.append(key)
    assert unfolded == []
