from __future__ import annotations

from typing import Any

from django import template
from django.http import QueryDict
from django.template.base import Node, NodeList, Parser, Token
from django.template.context import Context
from django.template.loader import render_to_string

register = template.Library()

# Not a filter: which page of the list is shown.
NOT_FILTERS = frozenset({"page"})


def active_filter_count(query: QueryDict) -> int:
    """How many filters the request sets: its parameters, less the page number, with a value.
    An empty field (“全部”, a cleared search box) is sent as ``q=`` and filters nothing."""
    return sum(
        1
        for key in query
        if key not in NOT_FILTERS and any(value.strip() for value in query.getlist(key))
    )


class FilterFoldNode(Node):
    def __init__(self, nodelist: NodeList, suffix: Any) -> None:
        self.nodelist = nodelist
        self.suffix = suffix

    def render(self, context: Context) -> str:
        request = context.get("request")
        suffix = self.suffix.resolve(context) if self.suffix is not None else ""
        return render_to_string(
            "web/_filter_fold.html",
            {
                "count": active_filter_count(request.GET) if request is not None else 0,
                "toggle_id": f"filter-toggle{'-' + str(suffix) if suffix else ''}",
                "form": self.nodelist.render(context),
            },
        )


@register.tag
def filter_fold(parser: Parser, token: Token) -> FilterFoldNode:
    """``{% filter_fold %}<form class="filters">…</form>{% endfilter_fold %}``: on a phone the
    list's filter form folds behind one “筛选（n）” button, so the list, not the form, fills the
    first screen; on a wider screen the form shows as before. A page with two folds names the
    second: ``{% filter_fold "items" %}``."""
    bits = token.split_contents()
    if len(bits) > 2:
        raise template.TemplateSyntaxError("filter_fold takes at most one argument")
    nodelist = parser.parse(("endfilter_fold",))
    parser.delete_first_token()
    return FilterFoldNode(nodelist, parser.compile_filter(bits[1]) if len(bits) == 2 else None)
