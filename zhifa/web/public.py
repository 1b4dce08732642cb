"""The public entrance (issue 17): what a visitor who is not signed in can open, each with one
plain line on what it is. The public home at ``/`` and the signed-out menu read this one list."""

from __future__ import annotations

from dataclasses import dataclass

from django.urls import reverse


@dataclass(frozen=True)
class PublicPage:
    title: str
    url: str  # a URL name
    line: str
    # The shorter label of the signed-out menu; empty: the page is not in that menu.
    nav: str = ""

    @property
    def href(self) -> str:
        return reverse(self.url)


PUBLIC_PAGES: tuple[PublicPage, ...] = (
    PublicPage(
        "计划公开",
        "plans:public_plan_list",
        "各执法部门今年打算检查哪些事项、检查多少次，年初就公开。",
        nav="计划公开",
    ),
    PublicPage(
        "抽取公示",
        "draws:public_list",
        "检查对象是随机抽出来的：每次抽取的名单、时间和任何人都能复核的抽取记录。",
        nav="抽取公示",
    ),
    PublicPage(
        "检查结果公示",
        "inspections:public_results",
        "检查结束后，检查了哪家企业、查了什么、结果如何。",
        nav="检查结果",
    ),
    PublicPage(
        "合规指导",
        "compliance:version_list",
        "企业常见的违法情形、法律依据和怎样做才合规，企业可以对照自查。",
        nav="合规指导",
    ),
    PublicPage(
        "三张清单",
        "discretion:public_list",
        "哪些轻微违法可以不罚、从轻或减轻处罚（免罚、从轻、减轻三张清单）。",
        nav="三张清单",
    ),
    PublicPage(
        "文书核验",
        "verify_entry",
        "收到执法文书？输入文书上的核验码，查它是不是真的、内容有没有被改过。",
        nav="文书核验",
    ),
    PublicPage(
        "反映问题",
        "complaints:file",
        "遇到乱检查、乱罚款等执法问题，无需登录即可反映，提交后得到查询码。",
        nav="反映问题",
    ),
    PublicPage(
        "查询办理进度",
        "complaints:track",
        "凭反映问题时得到的查询码，查看办理到哪一步、结果如何。",
    ),
)


def public_nav() -> list[tuple[str, str]]:
    """(label, address) of the signed-out menu: the public home, the public pages, 登录."""
    return [
        ("公开首页", reverse("home")),
        *[(page.nav, page.href) for page in PUBLIC_PAGES if page.nav],
        ("登录", reverse("login")),
    ]
