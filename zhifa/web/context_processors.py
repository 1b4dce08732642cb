"""The menu: one ordered list of entries, each shown when ``access.can`` allows the capability its
page declares (``@requires``), so no entry leads to a 403."""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.http import HttpRequest
from django.urls import NoReverseMatch, resolve, reverse

from zhifa.core import access
from zhifa.web.public import public_nav


@dataclass(frozen=True)
class MenuEntry:
    label: str
    # A URL name, or a path when it starts with "/".
    url: str
    # The object the page is about (one's own enterprise); no object, no entry.
    about: Callable[[Any], Any] | None = None
    # Only for a page outside our routes (the admin site, the API's docs) or one that forwards
    # some users elsewhere: the capability that stands for it. Every other entry asks what its
    # page declares with ``@requires``.
    action: str | None = None

    def href(self, obj: Any = None) -> str:
        if self.url.startswith("/"):
            return self.url
        return reverse(self.url, args=[obj.pk] if obj is not None else None)

    def required_action(self) -> str:
        if self.action is not None:
            return self.action
        return _page_action(self.url)


@functools.cache
def _page_action(url_name: str) -> str:
    """The capability the page of ``url_name`` declares, read once: the menu and the page can
    then never disagree."""
    view = resolve(_sample_path(url_name)).func
    requirement = access.requirement_of(view)
    if requirement is None:
        raise access.ImproperlyDeclared(f"菜单项指向的页面 {url_name} 没有访问声明（@requires）。")
    return requirement.action


def _sample_path(url_name: str) -> str:
    try:
        return reverse(url_name)
    except NoReverseMatch:
        return reverse(url_name, args=[0])


MENU: tuple[MenuEntry, ...] = (
    # The same address is the public home for a visitor, whose menu is ``public_nav``.
    MenuEntry("首页", "home", action="signed_in"),
    MenuEntry("待办", "inspections:inbox"),
    MenuEntry("消息", "notifications:inbox"),
    # The supervising side (issue 15): the bureau's own work first, for those who do it.
    MenuEntry("监督文书", "supervision:workspace"),
    MenuEntry("监督文书台账", "supervision:ledger"),
    MenuEntry("监督文书收件箱", "supervision:inbox"),
    # The agency's side of the problem list (issue 16): the items handed to it to answer.
    MenuEntry("投诉办理", "complaints:inbox"),
    MenuEntry("案卷评查", "review:review_list"),
    MenuEntry("日常抽查", "review:spot_check_list"),
    MenuEntry("专项监督", "review:campaign_list"),
    MenuEntry("执法培训", "training:session_list"),
    MenuEntry("社会监督员", "social:supervisor_list"),
    MenuEntry("抽取伴随监督员", "social:draw_list"),
    MenuEntry("社会监督反映问题", "social:problem_list"),
    # The list also shows an agency the items handed to it, and an enterprise its own; their
    # entries are 投诉办理 and their own pages: the bureau's entry is for the bureau.
    MenuEntry("问题清单", "complaints:list", action="complaints.supervise"),
    MenuEntry("挽回损失统计", "complaints:totals"),
    MenuEntry("我的伴随监督", "social:mine"),
    MenuEntry("企业名录", "registry:enterprise_list"),
    MenuEntry("执法人员", "org:officer_list"),
    MenuEntry("机构", "org:organisation_list"),
    MenuEntry("检查事项", "plans:item_list"),
    MenuEntry("年度计划", "plans:plan_list"),
    MenuEntry("双随机抽取", "draws:draw_list"),
    # The list sends an enterprise or a social supervisor on to their own list (我的检查, 伴随监督),
    # which have their own entries: offer it to those who may read the agency's record.
    MenuEntry("检查案件", "inspections:case_list", action="case.view_internal"),
    MenuEntry("裁量评估", "discretion:evaluate"),
    MenuEntry("文书", "documents:document_list"),
    MenuEntry("文号台账", "documents:number_list"),
    MenuEntry(
        "本企业信息",
        "registry:enterprise_detail",
        about=lambda user: user.enterprise if user.is_enterprise_user else None,
    ),
    MenuEntry("收到的文书", "documents:received_list"),
    MenuEntry("我的检查", "inspections:my_cases"),
    MenuEntry("企业自查", "compliance:self_check_list"),
    MenuEntry("我的投诉", "complaints:mine"),
    MenuEntry("伴随检查案件", "inspections:accompany_list"),
    MenuEntry("工作日", "workdays:calendar"),
    # Published plans, draws, results and lists are public (一公开): signed in or not.
    MenuEntry("计划公开", "plans:public_plan_list"),
    MenuEntry("抽取公示", "draws:public_list"),
    MenuEntry("检查结果公示", "inspections:public_results"),
    MenuEntry("合规指导", "compliance:version_list"),
    MenuEntry("裁量清单", "discretion:public_list"),
    # Agency readers may open the lists in scope too; the entry is for those who keep them.
    MenuEntry("裁量清单维护", "discretion:manage_list", action="discretion.manage"),
    MenuEntry("审计链", "audit:record_list"),
    MenuEntry("热线回传失败", "hotline:callback_list"),
    MenuEntry("系统管理", "admin:index", action="system.admin"),
    MenuEntry("接口文档", "/api/docs", action="signed_in"),
)


def menu_for(user: Any) -> list[tuple[str, str]]:
    """(label, address) of every entry ``user`` may open, in menu order."""
    items: list[tuple[str, str]] = []
    for entry in MENU:
        obj = None
        if entry.about is not None:
            obj = entry.about(user) if access.signed_in(user) else None
            if obj is None:
                continue
        if access.can(user, entry.required_action(), obj):
            items.append((entry.label, entry.href(obj)))
    return items


# The bottom tab bar of a phone: the four or five places each role goes to every day, by their
# menu labels, for the first role the user holds in this order. Only entries of the user's own
# menu are shown, so a tab never leads to a 403.
TABS: tuple[tuple[tuple[str, ...], tuple[str, ...]], ...] = (
    (("enterprise",), ("首页", "我的检查", "收到的文书", "我的投诉", "企业自查")),
    (("inspector", "approver", "legal_reviewer"), ("首页", "待办", "检查案件", "企业名录")),
    (("supervisor", "supervision_head"), ("首页", "问题清单", "监督文书", "案卷评查")),
    (("social_supervisor",), ("首页", "待办", "我的伴随监督", "伴随检查案件")),
    (("admin",), ("首页", "待办", "检查案件", "系统管理")),
)


def tabs_for(user: Any, items: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """(label, address) of the user's tabs among his menu ``items``; none for a visitor."""
    if not access.signed_in(user):
        return []
    for roles, labels in TABS:
        if user.has_role(*roles):
            by_label = dict(items)
            return [(label, by_label[label]) for label in labels if label in by_label]
    return []


def _current(tabs: list[tuple[str, str]], path: str) -> str | None:
    """The tab the page belongs to: the longest address the path starts with (待办 at
    /inspections/inbox/ rather than 检查案件 at /inspections/); 首页 only on itself."""
    matching = [href for _, href in tabs if path == href or (href != "/" and path.startswith(href))]
    return max(matching, key=len, default=None)


def navigation(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    signed_in = access.signed_in(user)
    items = menu_for(user)
    tabs = tabs_for(user, items)
    current = _current(tabs, request.path)
    return {
        "nav_items": items,
        "tab_items": [(label, href, href == current) for label, href in tabs],
        # The signed-out menu (issue 17): the public home, the public pages and 登录.
        "public_nav": [] if signed_in else public_nav(),
    }
