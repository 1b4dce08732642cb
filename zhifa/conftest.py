"""Named personas shared by all tests.

- inspector: 执法人员 of 舟山市卫生健康委员会
- approver: 执法机关负责人 of the same agency
- legal_reviewer: 法制审核人员 of the same agency
- supervisor: 执法监督人员 of 舟山市司法局 (sees the agencies of 舟山市)
- social_supervisor: 社会监督员 of 舟山市 (a 人大代表)
- enterprise: 企业用户 of 舟山海鲜酒楼有限公司
- outsider: 执法人员 of 晋中市市场监督管理局 (another province: sees nothing of 舟山)
- admin: 系统管理员
"""

from __future__ import annotations

import contextlib

import pytest

import zhifa_testing as testing
from zhifa.org.models import OrganisationKind, Role


@pytest.fixture(autouse=True, scope="session")
def _document_fonts_cut_before_any_test():
    # The compact font copies take about a minute to cut once (zhifa.documents.fontcache); cut
    # inside a browser test's request, they would hold its transaction and time the page out.
    from zhifa.documents import fontcache, layout

    with contextlib.suppress(Exception):
        fontcache.prepare(list(layout.fonts().values()))


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    """The personas' passwords need no real key stretching in tests."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def reseeded(transactional_db):
    """What the migrations seed (holidays, document kinds, 五个严禁/八个不得, 监督文书 kinds,
    complaint categories), put back for a transactional test after an earlier one flushed it."""
    from zhifa_testing.seeds import reseed_after_flush

    reseed_after_flush()


@pytest.fixture
def zhoushan(db):
    return testing.zhejiang_zhoushan()


@pytest.fixture
def jinzhong(db):
    return testing.shanxi_jinzhong()


@pytest.fixture
def health_agency(zhoushan):
    return testing.organisation(
        "舟山市卫生健康委员会", region=zhoushan, doc_prefix="舟卫", fields=[testing.field()]
    )


@pytest.fixture
def justice_bureau(zhoushan):
    return testing.organisation(
        "舟山市司法局", region=zhoushan, kind=OrganisationKind.SUPERVISOR, doc_prefix="舟司"
    )


@pytest.fixture
def jinzhong_market_agency(jinzhong):
    return testing.organisation(
        "晋中市市场监督管理局",
        region=jinzhong,
        doc_prefix="晋市监",
        fields=[testing.field("market", "市场监管")],
    )


@pytest.fixture
def inspector(health_agency):
    return testing.user(
        "inspector", role=Role.INSPECTOR, organisation=health_agency, display_name="王检查"
    )


@pytest.fixture
def approver(health_agency):
    return testing.user(
        "approver", role=Role.APPROVER, organisation=health_agency, display_name="李主任"
    )


@pytest.fixture
def legal_reviewer(health_agency):
    return testing.user(
        "legal", role=Role.LEGAL_REVIEWER, organisation=health_agency, display_name="张审核"
    )


@pytest.fixture
def social_supervisor(zhoushan):
    return testing.user(
        "social", role=Role.SOCIAL_SUPERVISOR, region=zhoushan, display_name="陈代表"
    )


@pytest.fixture
def supervisor(justice_bureau):
    return testing.user(
        "supervisor", role=Role.SUPERVISOR, organisation=justice_bureau, display_name="赵监督"
    )


@pytest.fixture
def zhoushan_enterprise(zhoushan):
    return testing.enterprise("舟山海鲜酒楼有限公司", region=zhoushan, industry="餐饮业")


@pytest.fixture
def enterprise(zhoushan_enterprise):
    """The enterprise persona: a user of 舟山海鲜酒楼有限公司."""
    return testing.user(
        "enterprise",
        role=Role.ENTERPRISE,
        enterprise=zhoushan_enterprise,
        display_name="陈经理",
    )


@pytest.fixture
def outsider(jinzhong_market_agency):
    return testing.user(
        "outsider", role=Role.INSPECTOR, organisation=jinzhong_market_agency, display_name="孙外地"
    )


@pytest.fixture
def admin_user(db):
    return testing.user("admin", role=Role.ADMIN, is_staff=True, is_superuser=True)


@pytest.fixture
def client_for(client):
    """``client_for(user)`` → a test client logged in as ``user`` (None: anonymous)."""

    def _login(user):
        client.logout()
        if user is not None:
            client.force_login(user)
        return client

    return _login


# --- Browser tests --------------------------------------------------------------------------
# Playwright drives Debian's Chromium (never a downloaded browser). `python3 run.py test`
# installs it when missing and it may; otherwise these tests skip saying why, except in CI
# (ZHIFA_REQUIRE_BROWSER=1), where a missing browser is a failure.

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def _chromium_path() -> str | None:
    import os
    from pathlib import Path

    candidate = os.environ.get("ZHIFA_CHROMIUM", "/usr/bin/chromium")
    return candidate if Path(candidate).exists() else None


@pytest.fixture(scope="session")
def chromium():
    import os

    path = _chromium_path()
    if path is None:
        reason = os.environ.get(
            "ZHIFA_BROWSER_SKIP_REASON", "未找到 Chromium（/usr/bin/chromium），浏览器测试跳过。"
        )
        if os.environ.get("ZHIFA_REQUIRE_BROWSER"):
            pytest.fail("CI 要求运行浏览器测试，但未找到 Chromium：" + reason)
        pytest.skip(reason)
    # Playwright's sync API runs an event loop in this thread; the ORM calls the tests make
    # around it are still synchronous, so Django's async-safety guard is lifted for them.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=path, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(chromium, live_server):
    context = chromium.new_context(base_url=live_server.url, locale="zh-CN", accept_downloads=True)
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()


@pytest.fixture
def browser_login(page):
    """``browser_login(user)`` signs ``user`` in through the real login form."""

    def _login(user):
        page.goto("/accounts/login/")
        page.get_by_label("用户名").fill(user.username)
        page.get_by_label("密码").fill(testing.DEMO_PASSWORD)
        page.get_by_role("button", name="登录").click()
        page.wait_for_load_state("networkidle")
        return page

    return _login
