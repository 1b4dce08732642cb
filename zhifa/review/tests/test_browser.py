"""A supervisor reviews a sampled case file in a real Chromium and starts a supervision
document from the 不合格 result."""

from __future__ import annotations

import datetime as dt

import pytest

from zhifa.review import services
from zhifa.review.models import CaseReview, Grade
from zhifa.supervision.models import LetterStatus, SupervisionLetter

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("reseeded"),
]


def test_supervisor_marks_a_veto_item_in_a_sampled_file_and_gets_the_supervision_link(
    browser_login, supervisor, standard, case, health_agency
):
    spot = services.announce_spot_check(
        actor=supervisor,
        agency=health_agency,
        title="第三季度案卷抽查",
        period_start=dt.date(2026, 7, 1),
        period_end=dt.date(2026, 9, 30),
        count=1,
        source_name="福彩3D 开奖号码",
        source_where="中国福利彩票网",
        reveal_date=dt.date.today() + dt.timedelta(days=1),
    )
    spot.reveal_date = dt.date.today()
    spot.save(update_fields=["reveal_date"])
    services.draw_spot_check(spot, actor=supervisor, value="5 2 9")
    review = CaseReview.objects.get(spot_check=spot)

    page = browser_login(supervisor)
    page.goto(f"/review/spot-checks/{spot.pk}/")
    page.get_by_role("link", name=case.reference).click()
    assert case.reference in page.get_by_role("heading", level=1).inner_text()
    assert page.get_by_test_id("case-officers").locator("li").count() == 2
    page.get_by_label("触及否决项：证据不充分").check()
    page.get_by_label("证据不充分：说明").fill("检查记录所称的检测结果没有附卷。")
    page.get_by_role("button", name="保存评分").click()
    page.get_by_label("我已核对，确认此操作不可撤回").check()
    page.get_by_role("button", name="完成评查").click()

    assert page.get_by_test_id("grade").inner_text() == "不合格"
    link = page.get_by_test_id("make-supervision-document")
    assert link.inner_text() == "制作监督文书"
    assert (
        link.get_attribute("href")
        == f"/supervision/letters/new/?source=case_review&source_pk={review.pk}"
    )
    review.refresh_from_db()
    assert (review.grade, review.reviewer) == (Grade.FAIL, supervisor)

    # One click on: the 意见书 form arrives prefilled from the review, addressed to the agency.
    link.click()
    assert page.get_by_role("heading", level=1).inner_text() == "拟制行政执法监督意见书"
    assert page.get_by_label("受文单位").input_value() == str(health_agency.pk)
    assert "证据不充分" in page.locator("[name=problems]").input_value()
    page.locator("[name=basis]").fill("《中华人民共和国行政处罚法》第四十六条")
    page.locator("[name=requests]").fill("补充检测结果，重新审查该案证据。")
    page.locator("[name=contact]").fill("联系人：赵监督，电话：0580-2039876。")
    page.get_by_role("button", name="保存草稿").click()
    letter = SupervisionLetter.objects.get(source_code="case_review", source_pk=review.pk)
    assert (letter.case, letter.addressee, letter.status) == (
        case,
        health_agency,
        LetterStatus.DRAFT,
    )
