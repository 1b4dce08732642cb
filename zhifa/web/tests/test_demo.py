from __future__ import annotations

import io
import time
from collections import Counter

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from zhifa.audit.models import AuditRecord
from zhifa.audit.services import verify_chain
from zhifa.core.identifiers import validate_id_number, validate_uscc
from zhifa.org.models import (
    CertificateStatus,
    EnforcementField,
    Officer,
    Organisation,
    OrganisationKind,
    Region,
    RegionLevel,
    Role,
    User,
)
from zhifa.org.scoping import visible_to
from zhifa.registry.models import Contact, Enterprise
from zhifa.web.demo_data import (
    ACCOUNTS,
    DEMO_PASSWORD,
    REFERENCE_DATE,
    DemoSizeError,
    build_demo_set,
    gb11714_check_char,
    largest_remainder,
    load_demo,
)

pytestmark = pytest.mark.django_db

REGIONS = 3209 + 2  # the shipped table and the two demo townships
SMALL = {"enterprises": 60, "officers": 40}


@pytest.fixture
def small_demo():
    return load_demo(**SMALL)


def test_the_default_demo_has_exact_counts_and_a_second_load_changes_nothing():
    started = time.monotonic()
    first = load_demo()
    assert time.monotonic() - started < 30
    assert first.totals == {
        "regions": REGIONS,
        "fields": 8,
        "organisations": 40,
        "officers": 200,
        "enterprises": 5000,
        "contacts": 5000,
        "accounts": 18,
    }
    assert first.created == {
        "townships": 2,
        "fields": 8,
        "organisations": 40,
        "officers": 200,
        "enterprises": 5000,
        "contacts": 5000,
        "accounts": 18,
        "accounts_updated": 2,  # the two persona officers linked to their accounts
    }
    assert Counter(Organisation.objects.values_list("kind", flat=True)) == {
        OrganisationKind.AGENCY: 28,
        OrganisationKind.SUPERVISOR: 6,
        OrganisationKind.TOWNSHIP: 2,
        OrganisationKind.JUSTICE_OFFICE: 2,
        OrganisationKind.CONTACT_POINT: 1,
        OrganisationKind.JOINT_TEAM: 1,
    }
    assert Counter(Enterprise.objects.values_list("credit_grade", flat=True)) == {
        "A": 1500,
        "B": 2250,
        "C": 900,
        "D": 350,
    }
    by_place = Counter(code[:4] for code in Enterprise.objects.values_list("region_id", flat=True))
    assert by_place == {
        "3309": 1200,
        "5001": by_place["5001"],
        "5002": 1300 - by_place["5001"],
        "1502": 600,
        "1407": 900,
        "1404": 400,
        "4508": 600,
    }
    officers = list(Officer.objects.all())
    assert sum(1 for o in officers if o.cert_status == CertificateStatus.SUSPENDED) == 2
    assert sum(1 for o in officers if o.cert_valid_until < REFERENCE_DATE) == 6
    assert sum(1 for o in officers if o.is_eligible(REFERENCE_DATE)) == 192
    for enterprise in Enterprise.objects.all():
        assert validate_uscc(enterprise.uscc) == enterprise.uscc
        assert enterprise.uscc[2:8] == enterprise.region_id[:6]
    for officer in officers:
        assert validate_id_number(officer.id_number) == officer.id_number
    assert len({o.id_number for o in officers}) == 200
    assert len(set(Enterprise.objects.values_list("name", flat=True))) == 5000
    assert list(AuditRecord.objects.values_list("action", flat=True)) == [
        "region.load",
        "demo.load",
        "plans.demo.load",
    ]
    record = AuditRecord.objects.get(action="demo.load")
    assert record.summary == "载入演示数据：机构 40 个、执法人员 200 名、企业 5000 家、账号 18 个"
    assert record.after["totals"] == first.totals

    started = time.monotonic()
    second = load_demo()
    assert time.monotonic() - started < 10
    assert second.totals == first.totals
    assert set(second.created.values()) == {0}
    assert AuditRecord.objects.count() == 3
    assert verify_chain().ok


def test_a_smaller_demo_has_exactly_the_requested_sizes(small_demo):
    assert small_demo.totals == {
        "regions": REGIONS,
        "fields": 8,
        "organisations": 40,
        "officers": 40,
        "enterprises": 60,
        "contacts": 60,
        "accounts": 18,
    }
    assert Contact.objects.filter(is_primary=True).count() == 60
    assert all(
        validate_uscc(code) == code for code in Enterprise.objects.values_list("uscc", flat=True)
    )


def test_the_demo_set_is_the_same_on_every_run(small_demo):
    first, second = build_demo_set(**SMALL), build_demo_set(**SMALL)
    assert [e.uscc for e in first.enterprises] == [e.uscc for e in second.enterprises]
    assert [(o.name, o.cert_no, o.id_number) for o in first.officers] == [
        (o.name, o.cert_no, o.id_number) for o in second.officers
    ]
    assert sorted(e.uscc for e in first.enterprises) == list(
        Enterprise.objects.order_by("uscc").values_list("uscc", flat=True)
    )
    assert first.enterprises[0].name == "舟山海之味餐饮有限公司"


def test_the_six_places_have_their_justice_bureau_and_agencies(small_demo):
    expected = {
        "330900": ["舟山市司法局", "舟山市卫生健康委员会", "舟山市市场监督管理局"],
        "500000": ["重庆市司法局", "重庆市市场监督管理局"],
        "150204": ["包头市青山区司法局", "包头市青山区市场监督管理局"],
        "140700": ["晋中市司法局", "晋中市市场监督管理局"],
        "140429": ["武乡县司法局", "武乡县市场监督管理局"],
        "450800": ["贵港市司法局", "贵港市市场监督管理局"],
    }
    for region, names in expected.items():
        orgs = Organisation.objects.filter(region_id=region)
        assert set(names) <= set(orgs.values_list("name", flat=True))
        assert orgs.filter(kind=OrganisationKind.SUPERVISOR).count() == 1
        assert 3 <= orgs.filter(kind=OrganisationKind.AGENCY).count() <= 5
    health = Organisation.objects.get(name="舟山市卫生健康委员会")
    assert (health.doc_prefix, health.kind) == ("舟卫", OrganisationKind.AGENCY)
    assert list(health.fields.values_list("name", flat=True)) == ["卫生健康"]
    assert health.legal_basis.startswith("《中华人民共和国基本医疗卫生与健康促进法》")
    assert validate_uscc(health.uscc).startswith("11330900")
    for org in Organisation.objects.filter(kind=OrganisationKind.AGENCY):
        assert org.doc_prefix and org.legal_basis and org.fields.count() == 1
    assert set(EnforcementField.objects.values_list("code", "name")) == {
        ("health", "卫生健康"),
        ("market", "市场监管"),
        ("ecology", "生态环境"),
        ("emergency", "应急管理"),
        ("transport", "交通运输"),
        ("culture", "文化旅游"),
        ("agriculture", "农业农村"),
        ("urban", "城市管理"),
    }


def test_the_two_townships_have_a_government_and_a_justice_office(small_demo):
    xingsheng = Region.objects.get(code="150204101")
    hanbei = Region.objects.get(code="140429105")
    assert (xingsheng.name, xingsheng.level, xingsheng.parent_id) == (
        "兴胜镇",
        RegionLevel.TOWNSHIP,
        "150204",
    )
    assert (hanbei.name, hanbei.level, hanbei.parent_id) == (
        "韩北镇",
        RegionLevel.TOWNSHIP,
        "140429",
    )
    office = Organisation.objects.get(name="兴胜镇司法所")
    assert (office.kind, office.region_id) == (OrganisationKind.JUSTICE_OFFICE, "150204101")
    assert office.parent is not None and office.parent.name == "包头市青山区司法局"
    hanbei_office = Organisation.objects.get(name="韩北镇司法所")
    assert hanbei_office.parent is not None and hanbei_office.parent.name == "武乡县司法局"
    for name, region in [("兴胜镇人民政府", "150204101"), ("韩北镇人民政府", "140429105")]:
        government = Organisation.objects.get(name=name)
        assert (government.kind, government.region_id) == (OrganisationKind.TOWNSHIP, region)


def test_the_township_supervisor_sees_the_township_and_the_district_bureau_sees_it_too(
    small_demo,
):
    xingsheng = User.objects.get(username="xingsheng")
    seen = visible_to(xingsheng, Organisation.objects.all())
    assert set(seen.values_list("name", flat=True)) == {"兴胜镇人民政府", "兴胜镇司法所"}
    district = User(
        role=Role.SUPERVISOR, organisation=Organisation.objects.get(name="包头市青山区司法局")
    )
    district_seen = set(
        visible_to(district, Organisation.objects.all()).values_list("name", flat=True)
    )
    assert {"兴胜镇人民政府", "包头市青山区市场监督管理局"} <= district_seen
    assert "晋中市司法局" not in district_seen


def logs_in(client, username: str, password: str = DEMO_PASSWORD) -> bool:
    """Through the real login form, as a person would (the lockout backend needs the request)."""
    response = client.post("/accounts/login/", {"username": username, "password": password})
    client.logout()
    return response.status_code == 302 and response["Location"] == "/"


def test_every_demo_account_logs_in_with_the_printed_password(small_demo, client):
    for account in ACCOUNTS:
        assert logs_in(client, account.username), account.username


def test_demo_accounts_have_their_roles_organisations_and_officers(small_demo):
    users = {u.username: u for u in User.objects.select_related("organisation", "enterprise")}
    inspector = users["inspector"]
    assert (inspector.display_name, inspector.role, inspector.organisation.name) == (
        "王建国",
        Role.INSPECTOR,
        "舟山市卫生健康委员会",
    )
    assert inspector.officer.name == "王建国"
    assert inspector.officer.is_eligible(REFERENCE_DATE)
    # One person, two roles: a 法制审核人员 who also inspects, with her own 执法证.
    both = users["legal_inspector"]
    assert both.roles == {Role.LEGAL_REVIEWER, Role.INSPECTOR}
    assert both.acts_for(both.organisation_id, Role.INSPECTOR)
    assert both.display_name == "江月兰"
    assert (users["approver"].display_name, users["approver"].role) == ("李明华", Role.APPROVER)
    assert users["legal"].role == Role.LEGAL_REVIEWER
    assert users["supervisor"].organisation.name == "舟山市司法局"
    assert users["xingsheng"].organisation.name == "兴胜镇司法所"
    contact = users["lianxidian"]
    assert (contact.display_name, contact.role, contact.organisation.name) == (
        "黄丽",
        Role.SUPERVISOR,
        "贵港市工商业联合会行政执法监督联系点",
    )
    head = users["supervisor_head"]
    assert head.roles == {Role.SUPERVISOR, Role.SUPERVISION_HEAD}
    assert head.organisation.name == "舟山市司法局"
    assert users["qingshan"].organisation.name == "包头市青山区司法局"
    assert (users["social"].role, users["social"].region_id) == (Role.SOCIAL_SUPERVISOR, "330900")
    assert users["enterprise"].enterprise.name == "舟山海之味餐饮有限公司"
    assert users["outsider_jz"].organisation.name == "晋中市市场监督管理局"
    assert users["outsider_jz"].officer.name == "孙国栋"
    admin = users["admin"]
    assert (admin.role, admin.is_staff, admin.is_superuser) == (Role.ADMIN, True, True)
    second = users["admin2"]
    assert (second.display_name, second.role, second.is_superuser) == ("钱立新", Role.ADMIN, True)


def test_every_demo_agency_with_accounts_has_two_officers_who_sign_in():
    load_demo()
    signing_officers = Counter(
        Officer.objects.filter(user__isnull=False).values_list("organisation__name", flat=True)
    )
    assert signing_officers == {"舟山市卫生健康委员会": 3, "晋中市市场监督管理局": 2}
    for username in ("inspector", "inspector2", "legal_inspector", "outsider_jz", "outsider_jz2"):
        user = User.objects.get(username=username)
        assert user.officer.is_eligible(REFERENCE_DATE), username
        assert user.display_name == user.officer.name
    assert User.objects.get(username="inspector2").display_name != "第二执法人员"
    assert User.objects.get(username="legal_inspector").display_name == "江月兰"


def test_every_demo_account_has_a_mobile_and_an_e_mail_for_password_reset(small_demo):
    users = User.objects.filter(username__in=[a.username for a in ACCOUNTS]).order_by("pk")
    assert [(u.username, u.mobile, u.email) for u in users][:2] == [
        ("inspector", "13900000001", "inspector@demo.zhifa.example"),
        ("approver", "13900000002", "approver@demo.zhifa.example"),
    ]
    assert len({u.mobile for u in users}) == len(ACCOUNTS)
    for user in users:
        user.full_clean()


def test_the_second_enterprise_account_belongs_to_a_zhoushan_enterprise(small_demo):
    user = User.objects.get(username="enterprise2")
    assert user.role == Role.ENTERPRISE
    assert user.enterprise.region_id.startswith("3309")
    assert user.enterprise.name != "舟山海之味餐饮有限公司"


def test_the_third_enterprise_account_belongs_to_another_zhoushan_enterprise(small_demo):
    user = User.objects.get(username="enterprise3")
    assert user.role == Role.ENTERPRISE
    assert user.enterprise.region_id.startswith("3309")
    assert user.enterprise.name != "舟山海之味餐饮有限公司"
    assert user.enterprise != User.objects.get(username="enterprise2").enterprise


def test_a_second_load_resets_a_changed_demo_password_and_records_it(small_demo, client):
    user = User.objects.get(username="approver")
    user.set_password("something-else")
    user.save()
    audit_before = AuditRecord.objects.count()
    result = load_demo(**SMALL)
    assert result.created["accounts_updated"] == 1
    assert result.created["officers"] == result.created["enterprises"] == 0
    assert AuditRecord.objects.count() == audit_before + 1
    assert logs_in(client, "approver")


def test_the_inspector_sees_ineligible_colleagues_with_their_reasons(small_demo):
    inspector = User.objects.get(username="inspector")
    colleagues = visible_to(inspector, Officer.objects.all())
    reasons = [o.ineligibility_reason(REFERENCE_DATE) for o in colleagues]
    assert colleagues.count() == Officer.objects.filter(organisation=inspector.organisation).count()
    assert "执法证已暂扣：接受检查对象宴请，违反“五个严禁”，立案调查期间暂扣执法证" in reasons
    assert any(r and r.startswith("执法证已于 ") and r.endswith(" 过期") for r in reasons)


def test_officer_certificate_numbers_are_unique_and_carry_the_region_code(small_demo):
    for officer in Officer.objects.select_related("organisation"):
        assert officer.cert_no.startswith(officer.organisation.region_id[:6])
        assert len(officer.cert_no) == 13
        assert officer.cert_valid_until > officer.cert_valid_from
    assert Officer.objects.values("cert_no").distinct().count() == 40


def test_the_demo_load_command_reports_what_it_did(settings):
    out = io.StringIO()
    call_command("demo", "load", "--enterprises", "60", "--officers", "40", stdout=out)
    lines = out.getvalue().splitlines()
    assert lines[0] == "演示数据已载入：新增机构 40 个、执法人员 40 名、企业 60 家、账号 18 个。"
    assert lines[1].startswith(
        f"现有：行政区划 {REGIONS} 条、机构 40 个、执法人员 40 名、企业 60 家（用时 "
    )
    out = io.StringIO()
    call_command("demo", "load", "--enterprises", "60", "--officers", "40", stdout=out)
    assert out.getvalue().splitlines()[0] == "演示数据已是最新，未作改动。"


def test_the_demo_load_command_refuses_a_size_too_small_and_writes_nothing():
    with pytest.raises(CommandError) as error:
        call_command("demo", "load", "--enterprises", "5", stdout=io.StringIO())
    assert error.value.returncode == 2
    assert str(error.value) == "演示企业数至少为 10，以便六地各有企业。"
    assert Region.objects.count() == 0
    assert AuditRecord.objects.count() == 0
    with pytest.raises(DemoSizeError):
        load_demo(enterprises=10, officers=1)


def test_the_demo_accounts_command_prints_every_account(small_demo):
    out = io.StringIO()
    call_command("demo", "accounts", stdout=out)
    lines = out.getvalue().splitlines()
    names = {
        # The small demo has too few officers to give the second ones a 执法证 of their own.
        "inspector2": User.objects.get(username="inspector2").display_name,
        "outsider_jz2": User.objects.get(username="outsider_jz2").display_name,
        "enterprise2": User.objects.get(username="enterprise2").enterprise.name,
        "enterprise3": User.objects.get(username="enterprise3").enterprise.name,
    }
    assert lines[0].split() == ["账号", "密码", "角色", "姓名", "机构", "/", "企业", "/", "区划"]
    rows = [line.split() for line in lines[2:]]
    assert rows == [
        ["inspector", "zhifa2026", "执法人员", "王建国", "舟山市卫生健康委员会"],
        ["approver", "zhifa2026", "执法机关负责人", "李明华", "舟山市卫生健康委员会"],
        ["legal", "zhifa2026", "法制审核人员", "张晓燕", "舟山市卫生健康委员会"],
        [
            "legal_inspector",
            "zhifa2026",
            "法制审核人员、兼执法人员",
            "江月兰",
            "舟山市卫生健康委员会",
        ],
        ["supervisor", "zhifa2026", "执法监督人员", "赵志刚", "舟山市司法局"],
        [
            "supervisor_head",
            "zhifa2026",
            "执法监督人员、兼监督机关负责人",
            "郑国平",
            "舟山市司法局",
        ],
        ["qingshan", "zhifa2026", "执法监督人员", "刘建军", "包头市青山区司法局"],
        ["xingsheng", "zhifa2026", "执法监督人员", "高慧敏", "兴胜镇司法所"],
        [
            "lianxidian",
            "zhifa2026",
            "执法监督人员",
            "黄丽",
            "贵港市工商业联合会行政执法监督联系点",
        ],
        ["social", "zhifa2026", "社会监督员", "陈海燕", "舟山市（舟山市人大代表）"],
        ["enterprise", "zhifa2026", "企业用户", "周海生", "舟山海之味餐饮有限公司"],
        ["outsider_jz", "zhifa2026", "执法人员", "孙国栋", "晋中市市场监督管理局"],
        ["inspector2", "zhifa2026", "执法人员", names["inspector2"], "舟山市卫生健康委员会"],
        ["outsider_jz2", "zhifa2026", "执法人员", names["outsider_jz2"], "晋中市市场监督管理局"],
        ["enterprise2", "zhifa2026", "企业用户", "林秀芳", names["enterprise2"]],
        ["enterprise3", "zhifa2026", "企业用户", "何志强", names["enterprise3"]],
        ["admin", "zhifa2026", "系统管理员", "系统管理员", "—"],
        ["admin2", "zhifa2026", "系统管理员", "钱立新", "—（复核）"],
    ]


def test_the_demo_accounts_command_asks_for_the_demo_first_when_it_is_missing():
    with pytest.raises(CommandError) as error:
        call_command("demo", "accounts", stdout=io.StringIO())
    assert error.value.returncode == 2
    assert str(error.value).startswith("演示账号 inspector、approver、")
    assert str(error.value).endswith("不存在：请先运行 zhifa demo load。")


def test_largest_remainder_splits_exactly():
    assert largest_remainder(5000, [30, 45, 18, 7]) == [1500, 2250, 900, 350]
    assert largest_remainder(10, [1, 1, 1]) == [4, 3, 3]
    assert sum(largest_remainder(198, [3] * 20 + [2] * 8 + [1] * 2)) == 198


def test_gb11714_check_characters_are_computed_by_the_standards_weights():
    # D2143569-X is the commonly cited example; 3·13+7·2+9·1+10·4+5·3+8·5+4·6+2·9 = 199,
    # 11 - 199 mod 11 = 10 → X. 00000001: 11 - 2 = 9. 11 → 0.
    assert gb11714_check_char("D2143569") == "X"
    assert gb11714_check_char("00000001") == "9"
    assert gb11714_check_char("00000000") == "0"
