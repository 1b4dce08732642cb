"""Every page each persona can reach works on a 390×844 phone and a 1366×900 laptop (issue 17):
no horizontal overflow of the page, no console error, no failed request, and a favicon.

The pages are those ``zhifa_testing.pages.pages_for`` finds by following the persona's links on
the access-matrix world (a row of every model). One browser context per persona is reused across
its pages, each page loaded once and measured at both sizes; every failure is reported at once,
naming the size, the page and the reason.
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any

import pytest
from django.test import Client

from zhifa_testing import pages

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SIZES = {"手机 390×844": (390, 844), "电脑 1366×900": (1366, 900)}
# persona → username in the world (None: a visitor not signed in).
PERSONAS: dict[str, str | None] = {
    "执法人员": "inspector",
    "执法机关负责人": "approver",
    "法制审核人员": "legal",
    "执法监督人员": "supervisor",
    "监督机关负责人": "supervisor_head",
    "社会监督员": "social",
    "企业用户": "enterprise",
    "系统管理员": "admin",
    "未登录访客": None,
}

# Whether the page is wider than the window, and what sticks out (the widest element whose right
# edge passes the window's, named by tag, class and a little text) to say where to look.
OVERFLOW_JS = """() => {
  const root = document.documentElement;
  if (root.scrollWidth <= root.clientWidth) return null;
  let worst = null;
  for (const el of document.body.querySelectorAll('*')) {
    const box = el.getBoundingClientRect();
    if (box.right > root.clientWidth + 1 && (!worst || box.width < worst.width)) {
      const inner = el.querySelectorAll('*').length;
      if (inner < 8) worst = {width: box.width, el};
    }
  }
  const what = worst ? worst.el.tagName.toLowerCase() + (worst.el.className ? '.' +
    String(worst.el.className).trim().split(/\\s+/).join('.') : '') + ' “' +
    (worst.el.textContent || '').trim().slice(0, 30) + '”' : '';
  return {scroll: root.scrollWidth, client: root.clientWidth, what};
}"""

# To look at the pages: ZHIFA_LAYOUT_SCREENSHOTS=<folder> saves a screenshot of each visit.
SHOTS = (
    Path(os.environ["ZHIFA_LAYOUT_SCREENSHOTS"])
    if os.environ.get("ZHIFA_LAYOUT_SCREENSHOTS")
    else None
)


def _session_cookie(user: Any) -> str | None:
    if user is None:
        return None
    client = Client()
    client.force_login(user)
    return client.cookies["sessionid"].value


class Watch:
    """What went wrong on the current page, collected from the browser's events."""

    def __init__(self, base: str) -> None:
        self.base = base
        self.path = ""
        self.problems: list[str] = []

    def console(self, message: Any) -> None:
        if message.type == "error":
            self.problems.append(f"控制台错误：{message.text[:200]}")

    def failed(self, request: Any) -> None:
        # Aborted: the test went on to the next page before the browser fetched the icon (which
        # it does after the page's load event); a request the server refused shows as its status.
        if "ERR_ABORTED" not in (request.failure or ""):
            self.problems.append(f"请求失败：{request.url} {request.failure}")

    def response(self, response: Any) -> None:
        if response.status >= 400 and response.url.startswith(self.base):
            self.problems.append(f"{response.url.removeprefix(self.base)} 答复 {response.status}")


def _visit_all(
    chromium: Any, base: str, paths: list[str], cookie: str | None, shot_prefix: str
) -> list[tuple[str, str, str]]:
    """(size, path, reason) of every problem found. Each page is loaded once, on the phone, and
    then measured at each size by resizing the window: the layout is CSS media queries, which
    follow the window, so a second load would only repeat the same requests (and double the
    time). Console errors, failed requests and the icon belong to the load, not to a size."""
    first = next(iter(SIZES.values()))
    context = chromium.new_context(
        base_url=base, locale="zh-CN", viewport={"width": first[0], "height": first[1]}
    )
    if cookie is not None:
        context.add_cookies([{"name": "sessionid", "value": cookie, "url": base}])
    page = context.new_page()
    page.set_default_timeout(20_000)
    watch = Watch(base)
    page.on("console", watch.console)
    page.on("requestfailed", watch.failed)
    page.on("response", watch.response)
    found: list[tuple[str, str, str]] = []
    icons: set[str] = set()
    every_size = "各尺寸"
    try:
        for path in paths:
            watch.problems = []
            page.set_viewport_size({"width": first[0], "height": first[1]})
            page.goto(path, wait_until="load")
            for size_name, (width, height) in SIZES.items():
                page.set_viewport_size({"width": width, "height": height})
                if SHOTS:
                    name = re.sub(r"[^0-9A-Za-z]+", "_", path).strip("_") or "home"
                    page.screenshot(path=str(SHOTS / f"{shot_prefix}-{width}-{name}.png"))
                overflow = page.evaluate(OVERFLOW_JS)
                if overflow:
                    found.append(
                        (
                            size_name,
                            path,
                            f"页面横向溢出 {overflow['scroll']}px > {overflow['client']}px："
                            f"{overflow['what']}",
                        )
                    )
            icon = page.evaluate(
                "() => { const l = document.querySelector('link[rel~=icon]'); "
                "return l ? l.href : null; }"
            )
            if icon is None:
                found.append((every_size, path, "页面没有网站图标（link rel=icon）"))
            else:
                icons.add(icon)
            found.extend((every_size, path, problem) for problem in watch.problems)
        for icon in sorted(icons | {base + "/favicon.ico"}):
            status = page.request.get(icon).status
            if status != 200:
                found.append((every_size, icon.removeprefix(base), f"网站图标答复 {status}"))
    finally:
        context.close()
    return found


def test_every_page_of_every_persona_fits_a_phone_and_a_laptop(chromium, live_server, tmp_path):
    from zhifa.org.models import User

    with pages.world_at_moment(tmp_path):
        users = {name: User.objects.get(username=name) for name in PERSONAS.values() if name}
        failures: list[str] = []
        visited = 0
        for persona, username in PERSONAS.items():
            user = users.get(username) if username else None
            client = Client()
            if user is not None:
                client.force_login(user)
            paths = pages.pages_for(client)
            assert len(paths) > 3, f"{persona}只找到 {paths}"
            cookie = _session_cookie(user)
            visited += len(paths)
            visits = _visit_all(chromium, live_server.url, paths, cookie, username or "anonymous")
            for size_name, path, reason in visits:
                failures.append(f"{persona} · {size_name} · {path}：{reason}")
    assert not failures, (
        f"{len(failures)} 处问题（共访问 {visited} 页，各量两种尺寸）：\n  " + "\n  ".join(failures)
    )


def test_the_overflow_check_names_what_sticks_out(chromium):
    context = chromium.new_context(viewport={"width": 390, "height": 844})
    try:
        page = context.new_page()
        page.set_content(
            '<body><p>说明</p><div class="wide" style="width:600px">宽表格</div></body>'
        )
        overflow = page.evaluate(OVERFLOW_JS)
        page.set_content('<body><div style="max-width:100%">窄</div></body>')
        fits = page.evaluate(OVERFLOW_JS)
    finally:
        context.close()
    assert overflow["scroll"] > overflow["client"]
    assert overflow["what"] == "div.wide “宽表格”"
    assert fits is None


def test_on_a_phone_the_menu_opens_behind_its_button_and_the_tabs_stay(
    page, browser_login, inspector
):
    page.set_viewport_size({"width": 390, "height": 844})
    browser_login(inspector)
    menu = page.get_by_role("navigation", name="主导航")
    assert not menu.is_visible()
    assert page.get_by_test_id("tabbar").inner_text().split() == [
        "首页",
        "待办",
        "检查案件",
        "企业名录",
    ]
    page.get_by_test_id("menu-button").click()
    assert menu.is_visible()
    assert menu.get_by_role("link", name="文号台账").is_visible()
    assert page.get_by_role("button", name="退出").is_visible()
    if SHOTS:
        page.screenshot(path=str(SHOTS / "inspector-390-menu-open.png"))
    page.get_by_test_id("menu-button").click()
    assert not menu.is_visible()
    page.set_viewport_size({"width": 1366, "height": 900})
    assert menu.is_visible()
    assert not page.get_by_test_id("menu-button").is_visible()
    assert not page.get_by_test_id("tabbar").is_visible()
