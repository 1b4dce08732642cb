"""The complainant's pages: filing from the enterprise portal (anonymous or signed in), the
receipt with the tracking code, following the item with the code, and the 评价 that closes
(销号) or reopens it; 我的投诉 of the signed-in enterprise."""

from __future__ import annotations

import datetime as dt
import html as html_lib
import re

import pytest
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

import zhifa_testing as testing
from zhifa.audit.models import AuditRecord
from zhifa.complaints import public_views, services
from zhifa.complaints.models import (
    Category,
    Channel,
    Complaint,
    ComplaintEvent,
    ComplaintFile,
    RecoveredLoss,
    Status,
)
from zhifa.complaints.tests.conftest import SI_LUAN
from zhifa.inspections.models import CaseStatus, InspectionCase, InspectionKind
from zhifa.org.models import Role

pytestmark = pytest.mark.django_db

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
PDF = b"%PDF-1.4\n" + b"0" * 64
CONTENT = "11月20日上午，市卫健委执法人员到店检查，要求购买指定厂家的消毒柜，否则罚款。"


@pytest.fixture(autouse=True)
def _fresh_counters():
    # The wrong-code counter lives in the cache, which outlives one test.
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def world(clock, justice_bureau, health_agency, zhoushan):
    return {"bureau": justice_bureau, "agency": health_agency, "region": zhoushan}


def _form(place, **changes):
    data = {
        "category": SI_LUAN,
        "region": place.pk,
        "agency": "舟山市卫生健康委员会",
        "agency_id": "",
        "title": "",
        "content": CONTENT,
        "tags": "消毒柜 指定厂家",
        "anonymous": "named",
        "complainant_name": "周老板",
        "complainant_phone": "138-0000-0002",
        "complainant_email": "",
        "complainant_enterprise_name": "定海好味小吃店",
    }
    data.update(changes)
    return data


def _text(response) -> str:
    return html_lib.unescape(response.content.decode())


def _errors(response, field: str) -> list[str]:
    page = response.content.decode()
    return [
        html_lib.unescape(found)
        for found in re.findall(rf'data-testid="error-{field}">([^<]*)<', page)
    ]


def _stored() -> tuple[int, int, int, int]:
    return (
        Complaint.objects.count(),
        ComplaintFile.objects.count(),
        ComplaintEvent.objects.count(),
        AuditRecord.objects.count(),
    )


def _track(client, code: str):
    return client.post("/complaints/track/", {"code": code})


# --- Filing ------------------------------------------------------------------------------------


def test_an_anonymous_visitor_sees_the_four_classes_the_regions_and_the_limits(client, world):
    response = client.get("/complaints/file/")

    page = _text(response)
    assert response.status_code == 200
    for name in (
        "乱收费、乱罚款、乱检查、乱查封",
        "违规异地执法和趋利性执法",
        "执法标准不一致、要求不统一、加重企业负担",
        "滥用职权、徇私枉法、该罚不罚、“吃拿卡要”、粗暴执法",
    ):
        assert name in page
    assert '<optgroup label="浙江省">' in page
    assert '<option value="330900">舟山市</option>' in page
    assert (
        "照片或 PDF：JPG 图片（JPG/JPEG）、PNG 图片（PNG）、PDF 文件（PDF）；最多 9 个，"
        "每个不超过 20 MB，一次提交合计不超过 60 MB。"
    ) in page
    assert "被反映的执法机关看不到是谁反映的。" in page
    assert "匿名反映" in page
    # A visitor who is not signed in is offered no inspections of anyone.
    assert '<input type="radio" name="case"' not in page


def test_a_region_sub_category_is_grouped_under_its_class(client, world, zhoushan):
    si_luan = Category.objects.get(code=SI_LUAN)
    Category.objects.create(
        code="zs-zhiding", name="指定购买商品或服务", parent=si_luan, region=zhoushan
    )

    page = _text(client.get("/complaints/file/"))

    top = page.index('value="si-luan"')
    sub = page.index('value="zs-zhiding"')
    next_class = page.index('value="quli-zhifa"')
    assert top < sub < next_class
    assert 'class="choice sub" data-prefix="3309"' in page


def test_an_anonymous_visitor_files_a_complaint_and_reads_its_tracking_code(client, world):
    response = client.post("/complaints/file/", _form(world["region"]))

    assert response.status_code == 302
    assert response["Location"] == "/complaints/file/done/"
    item = Complaint.objects.get()
    assert item.channel == Channel.PORTAL
    assert item.status == Status.RECEIVED
    assert item.region == world["region"]
    assert item.agency == world["agency"]
    assert item.category.code == SI_LUAN
    assert item.content == CONTENT
    assert (
        item.title == "11月20日上午，市卫健委执法人员到店检查，要求购买指定厂家的消毒柜，否则罚款。"
    )
    assert item.tags == ["消毒柜", "指定厂家"]
    assert item.complainant_name == "周老板"
    assert item.complainant_phone == "138-0000-0002"
    assert item.complainant_enterprise is None
    assert item.complainant_enterprise_name == "定海好味小吃店"
    assert item.filed_by is None
    assert item.is_anonymous is False

    receipt = client.get("/complaints/file/done/")
    page = _text(receipt)
    code = item.tracking_code
    grouped = f"{code[:4]} {code[4:8]} {code[8:]}"
    assert f'data-testid="tracking-code">{grouped}</p>' in page
    assert f'data-testid="complaint-number">{item.number}</p>' in page
    assert "请保存查询码" in page
    assert "承办单位一般应在 5 个工作日内答复" in page
    assert 'href="/complaints/track/item/"' in page
    # The code is in no address of the page.
    assert f"?code={code}" not in page and f"/{code}" not in page


def test_the_anonymous_choice_stores_no_contact_details(client, world):
    response = client.post(
        "/complaints/file/",
        _form(world["region"], anonymous="anonymous", complainant_email="zhou@example.cn"),
    )

    assert response.status_code == 302
    item = Complaint.objects.get()
    assert item.channel == Channel.ANONYMOUS
    assert item.is_anonymous is True
    assert (
        item.complainant_name,
        item.complainant_phone,
        item.complainant_email,
        item.complainant_enterprise_name,
    ) == ("", "", "", "")


def test_a_photo_and_a_pdf_are_stored_with_the_item(client, world):
    data = _form(world["region"])
    data["files"] = [
        SimpleUploadedFile("门店.png", PNG, content_type="image/png"),
        SimpleUploadedFile("收据.pdf", PDF, content_type="application/pdf"),
    ]

    response = client.post("/complaints/file/", data)

    assert response.status_code == 302
    item = Complaint.objects.get()
    assert sorted(f.name for f in item.files.all()) == ["收据.pdf", "门店.png"]
    assert sorted(f.stage for f in item.files.all()) == ["intake", "intake"]


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"content": "  "}, "content", "请填写反映内容。"),
        (
            {"content": "查" * 4001},
            "content",
            "反映内容不能超过 4000 个字，现有 4001 个字。",
        ),
        ({"category": ""}, "category", "请选择问题类别。"),
        ({"category": "bogus"}, "category", "未知的问题类别，请从问题类别清单中选择。"),
        ({"region": ""}, "region", "请选择问题发生地。"),
        ({"region": "140700"}, "region", "请从列表中选择问题发生地（设有司法局的地区）。"),
        (
            {"agency": "不存在的局"},
            "agency",
            "在舟山市没有找到名称含“不存在的局”的行政执法机关，请从提示列表中选择；不清楚可留空。",
        ),
        (
            {"complainant_phone": "一三八"},
            "complainant_phone",
            "联系电话只能包含数字、空格、“-”和“+”。",
        ),
        ({"complainant_email": "zhou-at-example"}, "complainant_email", "电子邮箱格式不正确。"),
        (
            {"title": "消毒柜\x00"},
            "title",
            "问题摘要：含有不可见的控制字符（第 4 个字符，U+0000），请删除后重新填写。",
        ),
        ({"tags": " ".join(f"标签{n}" for n in range(11))}, "tags", "标签最多 10 个，现有 11 个。"),
        ({"anonymous": "maybe"}, "anonymous", None),
    ],
)
def test_a_bad_input_is_refused_naming_the_field_and_nothing_is_stored(
    client, world, changes, field, message
):
    before = _stored()

    response = client.post("/complaints/file/", _form(world["region"], **changes))

    assert response.status_code == 200
    assert _stored() == before
    page = _text(response)
    if message is not None:
        assert _errors(response, field) == [message]
        assert message in page.split('data-testid="form-errors"')[1]
    else:
        assert "请选择反映方式。" in page
    # What the user typed stays on the page.
    if field != "content":
        assert CONTENT in page
    if field != "complainant_phone":
        assert 'value="138-0000-0002"' in page


def test_an_unknown_category_of_another_region_is_refused_by_the_service(client, world):
    shanxi = testing.shanxi_jinzhong()
    si_luan = Category.objects.get(code=SI_LUAN)
    Category.objects.create(code="jz-only", name="晋中细类", parent=si_luan, region=shanxi)
    before = _stored()

    response = client.post("/complaints/file/", _form(world["region"], category="jz-only"))

    assert _stored() == before
    assert _errors(response, "category") == ["未知的问题类别“jz-only”，请从问题类别清单中选择。"]


@pytest.mark.parametrize(
    ("upload", "message"),
    [
        (
            SimpleUploadedFile("现场.exe", b"MZ" + b"\x00" * 64),
            "反映材料“现场.exe”的类型（.exe）不受支持，只接受 JPG 图片（.jpg/.jpeg）、"
            "PNG 图片（.png）、PDF 文件（.pdf）。",
        ),
        (
            SimpleUploadedFile("现场.jpg", b"GIF89a" + b"\x00" * 64),
            "反映材料“现场.jpg”的内容不是 JPG 图片（扩展名与文件内容不符），"
            "请上传真实的 JPG 图片。",
        ),
    ],
)
def test_a_wrong_type_attachment_is_refused_and_nothing_is_stored(client, world, upload, message):
    before = _stored()
    data = _form(world["region"])
    data["files"] = [SimpleUploadedFile("门店.png", PNG), upload]

    response = client.post("/complaints/file/", data)

    assert response.status_code == 200
    assert _stored() == before
    assert _errors(response, "files") == [message]
    assert "未能提交时已选择的附件不会保留，请重新选择附件。" in _text(response)


def test_an_oversize_attachment_is_refused_and_nothing_is_stored(client, world, settings):
    settings.ZHIFA_UPLOAD_MAX_MB = 1
    before = _stored()
    data = _form(world["region"])
    data["files"] = [SimpleUploadedFile("大图.png", PNG + b"\x00" * (1024 * 1024))]

    response = client.post("/complaints/file/", data)

    assert _stored() == before
    assert _errors(response, "files") == [
        "反映材料“大图.png”有 1.0 MB，超过 1.0 MB 的上限，请压缩或拆分后重新上传。"
    ]


def test_ten_attachments_are_refused(client, world):
    before = _stored()
    data = _form(world["region"])
    data["files"] = [SimpleUploadedFile(f"图{n}.png", PNG) for n in range(10)]

    response = client.post("/complaints/file/", data)

    assert _stored() == before
    assert _errors(response, "files") == ["反映材料最多 9 个，现有 10 个。"]


def test_the_agency_search_returns_enforcing_organisations_of_the_region_by_name(
    client, world, jinzhong_market_agency
):
    testing.organisation("舟山市市场监督管理局", region=world["region"])

    found = client.get("/complaints/file/agencies/", {"region": "330900", "q": "市场"})
    every = client.get("/complaints/file/agencies/", {"region": "330900", "q": ""})
    nowhere = client.get("/complaints/file/agencies/", {"region": "999999", "q": "市场"})

    assert found.status_code == 200
    assert [row["name"] for row in found.json()["results"]] == ["舟山市市场监督管理局"]
    # The bureau itself is no enforcing agency; the other province's agency is elsewhere.
    assert [row["name"] for row in every.json()["results"]] == [
        "舟山市卫生健康委员会",
        "舟山市市场监督管理局",
    ]
    assert nowhere.json() == {"results": []}


def test_the_agency_picked_from_the_suggestions_is_taken_by_its_id(client, world):
    other = testing.organisation("舟山市卫生健康委员会执法支队", region=world["region"])

    response = client.post(
        "/complaints/file/",
        _form(world["region"], agency=other.name, agency_id=str(other.pk)),
    )

    assert response.status_code == 302
    assert Complaint.objects.get().agency == other


def test_a_name_matching_two_agencies_asks_to_pick_one(client, world):
    testing.organisation("舟山市卫生健康委员会执法支队", region=world["region"])
    before = _stored()

    response = client.post("/complaints/file/", _form(world["region"], agency="卫生健康"))

    assert _stored() == before
    assert _errors(response, "agency") == [
        "“卫生健康”对应多个执法机关，请从提示列表中选择其中一个。"
    ]


# --- Signed-in enterprise -----------------------------------------------------------------------


@pytest.fixture
def own_case(health_agency, zhoushan_enterprise):
    requester = testing.user("requester", role=Role.INSPECTOR, organisation=health_agency)
    return InspectionCase.objects.create(
        reference="舟卫检〔2026〕88号",
        verify_code="V0000088",
        checkin_code="C0000088",
        organisation=health_agency,
        region=zhoushan_enterprise.region,
        enterprise=zhoushan_enterprise,
        kind=InspectionKind.SPECIAL,
        title="餐饮服务食品安全专项检查",
        inspection_date=dt.date(2026, 11, 20),
        status=CaseStatus.CLOSED,
        requested_by=requester,
        started_at=timezone.now() - dt.timedelta(days=11),
        closed_at=timezone.now() - dt.timedelta(days=10),
    )


def test_a_signed_in_enterprise_is_offered_its_own_inspections_without_their_numbers(
    client_for, world, enterprise, own_case
):
    page = _text(client_for(enterprise).get("/complaints/file/"))

    assert (
        f'<input type="radio" name="case" value="{own_case.pk}"> '
        "<span>2026-11-20 舟山市卫生健康委员会 · 专项检查</span>"
    ) in page
    assert own_case.reference not in page
    assert '<option value="330900" selected>舟山市</option>' in page
    assert 'name="complainant_enterprise_name"' not in page


def test_a_signed_in_enterprise_files_about_its_inspection_and_finds_it_under_mine(
    client_for, world, enterprise, own_case
):
    client = client_for(enterprise)
    response = client.post(
        "/complaints/file/",
        _form(world["region"], agency="", case=str(own_case.pk), complainant_name="陈经理"),
    )

    assert response.status_code == 302
    item = Complaint.objects.get()
    assert item.case == own_case
    assert item.agency == world["agency"]
    assert item.complainant_enterprise == enterprise.enterprise
    assert item.complainant_enterprise_name == "舟山海鲜酒楼有限公司"
    assert item.filed_by == enterprise
    receipt = _text(client.get("/complaints/file/done/"))
    assert f'href="/complaints/mine/{item.pk}/"' in receipt
    mine = _text(client.get("/complaints/mine/"))
    assert f'data-testid="item-{item.number}"' in mine
    assert "待分办" in mine


def test_a_signed_in_enterprise_filing_anonymously_is_not_linked_to_it(
    client_for, world, enterprise, own_case
):
    client = client_for(enterprise)
    response = client.post(
        "/complaints/file/",
        _form(world["region"], agency="", case=str(own_case.pk), anonymous="anonymous"),
    )

    assert response.status_code == 302
    item = Complaint.objects.get()
    assert item.is_anonymous is True
    assert item.complainant_enterprise is None
    assert item.filed_by is None
    # Its own inspection would name the enterprise to the agency: it is left out, while the
    # agency it named stays the one complained about.
    assert item.case is None
    assert item.agency == world["agency"]
    assert 'data-testid="items"' not in _text(client.get("/complaints/mine/"))


def test_an_enterprise_sees_only_its_own_items_and_another_enterprise_gets_404(
    client_for, filed, zhoushan
):
    other_enterprise = testing.enterprise("舟山渔港冷链有限公司", region=zhoushan)
    other = testing.user("other", role=Role.ENTERPRISE, enterprise=other_enterprise)
    before = (filed.status, ComplaintEvent.objects.count())

    client = client_for(other)
    listing = client.get("/complaints/mine/")
    detail = client.get(f"/complaints/mine/{filed.pk}/")
    rating = client.post(
        f"/complaints/mine/{filed.pk}/", {"satisfaction": "satisfied", "confirm": "1"}
    )

    assert listing.status_code == 200
    assert filed.number not in _text(listing)
    assert detail.status_code == 404
    assert rating.status_code == 404
    filed.refresh_from_db()
    assert (filed.status, ComplaintEvent.objects.count()) == before


def test_mine_is_for_enterprise_users(client_for, filed, inspector, supervisor):
    assert client_for(None).get("/complaints/mine/").status_code == 302
    assert client_for(inspector).get("/complaints/mine/").status_code == 403
    # The bureau sees the item elsewhere (问题清单), not as the complainant.
    assert client_for(supervisor).get(f"/complaints/mine/{filed.pk}/").status_code == 403


def test_the_enterprise_rates_its_item_under_mine_and_it_is_closed(
    client_for, verified, enterprise
):
    client = client_for(enterprise)
    address = f"/complaints/mine/{verified.pk}/"

    page = _text(client.get(address))
    confirm = client.post(address, {"satisfaction": "basic", "comment": ""})
    verified.refresh_from_db()
    assert verified.status == Status.VERIFIED
    done = client.post(address, {"satisfaction": "basic", "comment": "", "confirm": "1"})

    assert "已核查，合并为一次检查，并向企业致歉。" in page
    assert 'data-testid="rate-form"' in page
    assert 'data-testid="confirm-choice">基本满意</strong>' in _text(confirm)
    assert done.status_code == 302
    verified.refresh_from_db()
    assert verified.status == Status.CLOSED
    assert verified.satisfaction == "basic"
    closed = _text(client.get(address))
    assert "该问题已于 2026-12-01 09:00 销号（办结）。您的评价：基本满意。" in closed
    assert 'data-testid="rate-form"' not in closed


# --- Tracking -----------------------------------------------------------------------------------


def test_a_wrong_code_says_so_without_telling_whether_it_exists(client, filed):
    response = _track(client, "ABCD-EFGH-JKMN")

    assert response.status_code == 200
    assert _errors(response, "code") == [public_views.WRONG_CODE]
    assert public_views.TRACK_KEY not in client.session
    assert client.get("/complaints/track/item/").content.decode().count(filed.number) == 0


def test_a_code_of_the_wrong_length_is_refused_by_its_form(client, filed):
    response = _track(client, "ABCD")

    assert _errors(response, "code") == ["查询码为 12 位字母和数字，请核对后重新输入。"]


def test_guessing_codes_is_locked_out_after_five_wrong_tries(client, filed):
    for _ in range(public_views.TRACK_FAILURES - 1):
        assert _errors(_track(client, "ABCD EFGH JKMN"), "code") == [public_views.WRONG_CODE]
    fifth = _track(client, "ABCD EFGH JKMN")
    assert fifth.status_code == 429
    assert 'data-testid="track-form"' not in _text(fifth)

    locked = _track(client, filed.tracking_code)

    assert locked.status_code == 429
    assert public_views.LOCKED in _text(locked)
    assert public_views.TRACK_KEY not in client.session


def test_new_sessions_from_one_address_are_locked_out_after_twenty_wrong_tries(client, filed):
    for attempt in range(public_views.TRACK_FAILURES_PER_ADDRESS):
        if attempt % public_views.TRACK_FAILURES == 0:
            client.cookies.clear()
        _track(client, "ABCD EFGH JKMN")
    client.cookies.clear()

    locked = _track(client, filed.tracking_code)

    assert locked.status_code == 429
    assert public_views.TRACK_KEY not in client.session


def test_the_code_is_found_with_spaces_dashes_and_lowercase_and_kept_out_of_the_address(
    client, filed
):
    code = filed.tracking_code
    typed = f"{code[:4].lower()} {code[4:8]}-{code[8:].lower()}"

    response = _track(client, typed)

    assert response.status_code == 302
    assert response["Location"] == "/complaints/track/item/"
    item_page = client.get("/complaints/track/item/")
    page = _text(item_page)
    assert f"问题 {filed.number}" in page
    assert 'data-testid="status">已受理，等待司法局分办</p>' in page
    assert 'data-testid="category">乱收费、乱罚款、乱检查、乱查封</dd>' in page
    assert "2026-12-01 09:00" in page
    assert code not in page


def test_the_item_page_without_a_code_asks_for_one(client, filed):
    response = client.get("/complaints/track/item/")

    assert response.status_code == 200
    assert public_views.ENTER_CODE in _text(response)
    assert filed.number not in _text(response)


def test_ending_the_view_forgets_the_code(client, filed):
    _track(client, filed.tracking_code)

    client.post("/complaints/track/end/")

    assert public_views.TRACK_KEY not in client.session
    assert filed.number not in _text(client.get("/complaints/track/item/"))


def test_the_tracking_page_shows_no_internal_note_of_the_bureau(client, assigned, supervisor):
    services.add_files(
        assigned,
        actor=supervisor,
        files=[SimpleUploadedFile("联系点扫描件.png", PNG)],
    )
    internal = ComplaintEvent.objects.get(public=False)
    assert internal.text == "补充反映材料 1 个。"

    _track(client, assigned.tracking_code)
    page = _text(client.get("/complaints/track/item/"))

    assert "补充反映材料 1 个。" not in page
    assert page.count('data-testid="event"') == ComplaintEvent.objects.filter(public=True).count()
    assert 'data-testid="status">办理中：已交舟山市卫生健康委员会办理</p>' in page
    assert 'data-testid="due">2026年12月8日前（5个工作日）</dd>' in page
    assert "舟山市司法局" in page
    # The complainant's own identity is not repeated to whoever holds the code.
    assert "13800000001" not in page


def test_the_answer_shows_only_once_the_bureau_verified_it(client, answered, supervisor):
    _track(client, answered.tracking_code)
    before = _text(client.get("/complaints/track/item/"))
    services.verify(answered, actor=supervisor, note="经电话核实，情况属实。")
    after = _text(client.get("/complaints/track/item/"))

    assert 'data-testid="answer"' not in before
    assert 'data-testid="rate-form"' not in before
    assert 'data-testid="status">承办单位已答复，等待司法局核实</p>' in before
    assert 'data-testid="answer"' in after
    assert "已核查，合并为一次检查，并向企业致歉。" in after
    assert 'data-testid="rate-form"' in after


def test_the_recovered_losses_are_totalled(client, verified, supervisor):
    for amount in ("12000.50", "3000"):
        services.record_loss(
            verified,
            actor=supervisor,
            amount=amount,
            description="退还罚款",
            recovered_on=dt.date(2026, 11, 30),
        )
    assert RecoveredLoss.objects.count() == 2

    _track(client, verified.tracking_code)
    page = _text(client.get("/complaints/track/item/"))

    assert 'data-testid="recovered-total">15,000.50</span>' in page


def test_a_satisfied_rating_with_the_code_closes_the_item(client, verified):
    _track(client, verified.tracking_code)

    first = client.post("/complaints/track/item/", {"satisfaction": "satisfied"})
    verified.refresh_from_db()
    assert verified.status == Status.VERIFIED
    done = client.post(
        "/complaints/track/item/", {"satisfaction": "satisfied", "comment": "", "confirm": "1"}
    )

    assert "提交后该问题即销号（办结），评价不能修改。" in _text(first).replace(
        "<strong>", ""
    ).replace("</strong>", "")
    assert done.status_code == 302
    verified.refresh_from_db()
    assert verified.status == Status.CLOSED
    assert verified.satisfaction == "satisfied"
    page = _text(client.get("/complaints/track/item/"))
    assert "感谢您的评价。问题 " + verified.number + " 已销号。" in page
    assert 'data-testid="status">已销号</p>' in page
    kinds = list(verified.events.filter(public=True).values_list("kind", flat=True))
    assert kinds[-2:] == ["rated", "closed"]


def test_an_unsatisfied_rating_needs_a_reason_and_reopens_the_item(client, verified):
    _track(client, verified.tracking_code)
    before = (ComplaintEvent.objects.count(), AuditRecord.objects.count())

    refused = client.post(
        "/complaints/track/item/", {"satisfaction": "unsatisfied", "comment": "", "confirm": "1"}
    )

    assert refused.status_code == 200
    assert _errors(refused, "comment") == ["不满意时请说明理由，以便重新办理。"]
    assert (ComplaintEvent.objects.count(), AuditRecord.objects.count()) == before
    verified.refresh_from_db()
    assert verified.status == Status.VERIFIED

    reason = "检查次数并没有减少，本周又来了一次。"
    done = client.post(
        "/complaints/track/item/",
        {"satisfaction": "unsatisfied", "comment": reason, "confirm": "1"},
    )

    assert done.status_code == 302
    verified.refresh_from_db()
    assert verified.status == Status.ASSIGNED
    assert verified.reopen_count == 1
    assert verified.satisfaction == ""
    page = _text(client.get("/complaints/track/item/"))
    assert f"不满意：{reason}" in page
    assert "办理中：已交舟山市卫生健康委员会办理" in page


def test_going_back_from_the_confirmation_keeps_the_choice_and_rates_nothing(client, verified):
    _track(client, verified.tracking_code)

    back = client.post(
        "/complaints/track/item/",
        {"satisfaction": "unsatisfied", "comment": "还是不行", "edit": "1"},
    )

    page = _text(back)
    assert 'data-testid="rate-form"' in page
    assert 'value="unsatisfied" checked' in page
    assert "还是不行</textarea>" in page
    verified.refresh_from_db()
    assert verified.status == Status.VERIFIED


def test_a_closed_item_cannot_be_rated_again(client, verified):
    services.rate(verified, satisfaction="satisfied")
    _track(client, verified.tracking_code)
    before = ComplaintEvent.objects.count()

    response = client.post(
        "/complaints/track/item/", {"satisfaction": "unsatisfied", "comment": "x", "confirm": "1"}
    )

    assert response.status_code == 200
    assert ComplaintEvent.objects.count() == before
    verified.refresh_from_db()
    assert verified.status == Status.CLOSED


def test_without_a_supervising_bureau_there_is_no_place_to_file(client, zhoushan, health_agency):
    page = _text(client.get("/complaints/file/"))

    assert "<optgroup" not in page
