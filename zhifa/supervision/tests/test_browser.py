"""The journey of a supervision letter in the browser: the supervisor drafts a 监督意见书, the
bureau's head reviews and signs it, the agency signs for it and replies with evidence, the
supervisor verifies and closes; an overdue letter produces a 提示函 and then a 督办函 draft."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.urls import reverse

import zhifa_testing as testing
from zhifa.supervision import services
from zhifa.supervision.models import LetterStatus, LetterType, SupervisionLetter
from zhifa.supervision.tests.conftest import CONTENT

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("reseeded"),
]
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture(autouse=True)
def _private_media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def clock():
    # Signing counts the reply period in working days: on the real clock, a run in late
    # December would reach into a year whose holidays no package has yet.
    moment = dt.datetime(2026, 12, 1, 9, 0, tzinfo=dt.timezone(dt.timedelta(hours=8)))
    with time_machine.travel(moment, tick=True):
        yield


@pytest.fixture
def open_as(chromium, live_server):
    contexts = []

    def _open(user):
        context = chromium.new_context(base_url=live_server.url, locale="zh-CN")
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(20_000)
        page.on("dialog", lambda dialog: dialog.accept())
        page.goto("/accounts/login/")
        page.get_by_label("用户名").fill(user.username)
        page.get_by_label("密码").fill(testing.DEMO_PASSWORD)
        with page.expect_navigation(wait_until="load"):
            page.get_by_role("button", name="登录").click()
        return page

    yield _open
    for context in contexts:
        context.close()


@pytest.fixture
def head(justice_bureau):
    from zhifa.org.models import Role, RoleGrant

    user = testing.user("head", role=Role.SUPERVISOR, organisation=justice_bureau)
    RoleGrant.objects.create(user=user, role=Role.SUPERVISION_HEAD, organisation=justice_bureau)
    return user


def test_an_opinion_goes_from_draft_to_closed_and_an_overdue_one_is_escalated(
    clock, open_as, supervisor, head, inspector, health_agency, tmp_path
):
    opinion = LetterType.objects.get(region=None, kind__code="supervision_opinion")
    page = open_as(supervisor)
    page.goto(reverse("supervision:letter_new") + f"?type={opinion.pk}")
    page.get_by_label("受文单位").select_option(label="舟山市卫生健康委员会")
    page.get_by_label("回复期限（工作日）").fill("20")
    for name in ("matter", "facts", "basis", "requests_heading", "requests", "contact"):
        page.locator(f"[name={name}]").fill(CONTENT[name])
    page.get_by_role("button", name="保存草稿").click()
    page.get_by_role("button", name="送审核").click()
    assert "已送审核" in page.content()
    letter = SupervisionLetter.objects.get()
    assert letter.status == LetterStatus.SUBMITTED

    page = open_as(head)
    page.goto(reverse("supervision:letter_detail", args=[letter.pk]))
    page.get_by_label("审核结论").select_option("approve")
    page.get_by_role("button", name="提交审核意见").click()
    page.get_by_label("我已核对，确认办理").check()
    page.get_by_role("button", name="签发并送达").click()
    page.wait_for_selector("text=已签发，文书已送达")
    letter.refresh_from_db()
    assert letter.status == LetterStatus.ISSUED

    page = open_as(inspector)
    page.goto(reverse("supervision:inbox"))
    page.get_by_role("link", name="行政执法监督意见书").click()
    page.get_by_role("button", name="签收").click()
    page.get_by_label("整改（执行）情况报告").fill("已对未经审批的检查予以纠正，并组织培训。")
    evidence = tmp_path / "整改佐证.pdf"
    evidence.write_bytes(PDF)
    page.get_by_label("佐证材料").set_input_files(str(evidence))
    page.get_by_role("button", name="报送整改（执行）情况").click()
    page.wait_for_selector("text=已报送整改（执行）情况")
    letter.refresh_from_db()
    assert letter.status == LetterStatus.REPLIED

    page = open_as(supervisor)
    page.goto(reverse("supervision:letter_detail", args=[letter.pk]))
    assert page.get_by_role("link", name="整改佐证.pdf").is_visible()
    page.get_by_role("button", name="核查通过，办结").click()
    page.wait_for_selector("text=已核查办结")
    letter.refresh_from_db()
    assert letter.status == LetterStatus.CLOSED

    # An overdue letter: a 提示函 on the first working day late, a 督办函 six working days late.
    late = services.draft_letter(
        actor=supervisor,
        letter_type=opinion,
        addressee=health_agency,
        content=CONTENT,
        reply_working_days=1,
    )
    services.submit_letter(late, actor=supervisor)
    services.review_letter(late, actor=head, approve=True)
    services.sign_letter(late, actor=head, issue_date=dt.date(2026, 11, 2))
    assert late.reply_due == dt.date(2026, 11, 3)
    services.escalate_overdue(dt.date(2026, 11, 4))
    services.escalate_overdue(dt.date(2026, 11, 11))
    page.goto(reverse("supervision:workspace"))
    drafts = page.locator("#drafts + div")
    assert drafts.get_by_role("link", name="提示函").count() == 1
    assert drafts.get_by_role("link", name="督办函").count() == 1
