"""The demo data set: the six places of the seed report, their organisations, officers,
enterprises and one account per persona.

Everything is generated from a fixed random seed, so two machines get the same demo. Loading is
idempotent: rows are keyed by their natural keys (organisation by region and name, officer by
执法证号, enterprise by 统一社会信用代码, user by username) and only missing rows are written, so a
second run changes nothing and writes no audit record. The first run writes one summarising
record, ``demo.load`` (plus ``region.load`` from the region table), not one per row, dated the
first working day of the demo's year (``zhifa.workdays.demo_clock``); the year's plans follow that
morning with their own record, ``plans.demo.load``.

Certificate validity is stated against ``REFERENCE_DATE``: a handful of officers' 执法证 expired
before it and two are suspended, so that the ineligibility display has something to show.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Sequence
from contextlib import nullcontext
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.utils import timezone

from zhifa.audit.services import record_change
from zhifa.core.demo_names import DECIDED_ENTERPRISE_ACCOUNT, RECTIFYING_ENTERPRISE_ACCOUNT
from zhifa.core.demo_names import HEALTH_AGENCY as HEALTH_AGENCY
from zhifa.core.demo_names import JINZHONG_MARKET_AGENCY as JINZHONG_MARKET_AGENCY
from zhifa.core.demo_names import PERSONA_ENTERPRISE as PERSONA_ENTERPRISE
from zhifa.core.identifiers import USCC_CHARSET, id_check_char, uscc_check_char
from zhifa.org.models import (
    CertificateStatus,
    EnforcementField,
    Officer,
    Organisation,
    OrganisationKind,
    Region,
    RegionLevel,
    Role,
    RoleGrant,
    User,
)
from zhifa.org.regions import load_regions
from zhifa.registry import industries
from zhifa.registry.models import Contact, Enterprise
from zhifa.workdays.demo_clock import DemoClock, DemoTimeline, timeline_for

SEED = 20251126
DEMO_PASSWORD = "zhifa2026"
DEFAULT_ENTERPRISES = 5000
DEFAULT_OFFICERS = 200
MIN_ENTERPRISES = 10
REFERENCE_DATE = dt.date(2026, 11, 1)
EXPIRED_OFFICERS = 6
SUSPENDED_REASONS = (
    "接受检查对象宴请，违反“五个严禁”，立案调查期间暂扣执法证",
    "未参加2026年度行政执法人员公共法律知识培训考试，暂扣执法证至补考合格",
)

# --- Reference data ----------------------------------------------------------------------------

FIELDS = (
    ("health", "卫生健康"),
    ("market", "市场监管"),
    ("ecology", "生态环境"),
    ("emergency", "应急管理"),
    ("transport", "交通运输"),
    ("culture", "文化旅游"),
    ("agriculture", "农业农村"),
    ("urban", "城市管理"),
)

# 9-digit 统计用区划代码 (国家统计局 2023 edition; see zhifa/org/data/SOURCE.md).
TOWNSHIPS = (
    ("150204101", "兴胜镇", "150204"),
    ("140429105", "韩北镇", "140429"),
)

LEGAL_BASIS = {
    "health": "《中华人民共和国基本医疗卫生与健康促进法》《中华人民共和国传染病防治法》"
    "《公共场所卫生管理条例》；本级人民政府机构职能配置规定。",
    "market": "《中华人民共和国食品安全法》《中华人民共和国产品质量法》"
    "《中华人民共和国反不正当竞争法》《市场监督管理行政处罚程序规定》；本级人民政府机构职能配置规定。",
    "ecology": "《中华人民共和国生态环境法典》；本级人民政府机构职能配置规定。",
    "emergency": "《中华人民共和国安全生产法》《中华人民共和国危险化学品安全法》"
    "《生产安全事故应急条例》；本级人民政府机构职能配置规定。",
    "transport": "《中华人民共和国公路法》《中华人民共和国道路运输条例》"
    "《中华人民共和国港口法》；本级人民政府机构职能配置规定。",
    "culture": "《中华人民共和国旅游法》《娱乐场所管理条例》《营业性演出管理条例》；"
    "本级人民政府机构职能配置规定。",
    "agriculture": "《中华人民共和国农产品质量安全法》《农药管理条例》"
    "《中华人民共和国动物防疫法》；本级人民政府机构职能配置规定。",
    "urban": "《城市市容和环境卫生管理条例》《中华人民共和国城乡规划法》；"
    "省级人民政府关于相对集中行政处罚权的决定。",
}
LEGAL_BASIS_SUPERVISOR = (
    "《行政执法监督条例》（国务院令第825号）；《中华人民共和国行政处罚法》；"
    "本级人民政府机构职能配置规定（司法行政部门承担行政执法监督职责）。"
)
LEGAL_BASIS_JUSTICE_OFFICE = (
    "《行政执法监督条例》（国务院令第825号）："
    "司法所协助县级司法行政部门开展乡镇（街道）行政执法监督工作。"
)
LEGAL_BASIS_JOINT_TEAM = (
    "本级人民政府关于建立涉企行政执法联合监督机制的决定"
    "（纪检监察机关、司法行政部门派员组成，不是行政执法主体）。"
)
LEGAL_BASIS_CONTACT_POINT = (
    "本级司法行政部门设立的行政执法监督联系点，"
    "收集企业和群众反映的行政执法问题，转执法监督机关处理（不是行政执法主体）。"
)
LEGAL_BASIS_TOWNSHIP = (
    "《中华人民共和国行政处罚法》第二十四条；"
    "省级人民政府关于赋予乡镇（街道）行政执法权的决定及其事项清单。"
)


@dataclass(frozen=True)
class OrgSpec:
    name: str
    kind: str
    region: str
    doc_prefix: str
    fields: tuple[str, ...] = ()
    parent: str = ""
    short_name: str = ""

    @property
    def is_enforcing(self) -> bool:
        return self.kind in OrganisationKind.enforcing()


_A = OrganisationKind.AGENCY
_S = OrganisationKind.SUPERVISOR

ORGANISATIONS: tuple[OrgSpec, ...] = (
    # 舟山市 330900
    OrgSpec("舟山市司法局", _S, "330900", "舟司"),
    # 纪委监委 and 司法行政 members supervising 涉企执法 together (issue 15).
    OrgSpec(
        "舟山市涉企行政执法联合监督组",
        OrganisationKind.JOINT_TEAM,
        "330900",
        "舟联督",
        parent="舟山市司法局",
    ),
    OrgSpec("舟山市卫生健康委员会", _A, "330900", "舟卫", ("health",), short_name="舟山市卫健委"),
    OrgSpec(
        "舟山市市场监督管理局", _A, "330900", "舟市监", ("market",), short_name="舟山市市场监管局"
    ),
    OrgSpec("舟山市生态环境局", _A, "330900", "舟环", ("ecology",)),
    OrgSpec("舟山市应急管理局", _A, "330900", "舟应急", ("emergency",)),
    OrgSpec("舟山市交通运输局", _A, "330900", "舟交", ("transport",)),
    # 重庆市 500000
    OrgSpec("重庆市司法局", _S, "500000", "渝司"),
    OrgSpec("重庆市卫生健康委员会", _A, "500000", "渝卫", ("health",), short_name="重庆市卫健委"),
    OrgSpec(
        "重庆市市场监督管理局", _A, "500000", "渝市监", ("market",), short_name="重庆市市场监管局"
    ),
    OrgSpec("重庆市生态环境局", _A, "500000", "渝环", ("ecology",)),
    OrgSpec("重庆市应急管理局", _A, "500000", "渝应急", ("emergency",)),
    OrgSpec("重庆市文化和旅游发展委员会", _A, "500000", "渝文旅", ("culture",)),
    # 包头市青山区 150204, with 兴胜镇 150204101
    OrgSpec("包头市青山区司法局", _S, "150204", "青司"),
    OrgSpec("包头市青山区市场监督管理局", _A, "150204", "青市监", ("market",)),
    OrgSpec("包头市青山区卫生健康委员会", _A, "150204", "青卫", ("health",)),
    OrgSpec("包头市青山区应急管理局", _A, "150204", "青应急", ("emergency",)),
    OrgSpec("包头市青山区城市管理综合执法局", _A, "150204", "青城管", ("urban",)),
    OrgSpec(
        "兴胜镇人民政府",
        OrganisationKind.TOWNSHIP,
        "150204101",
        "兴政",
        ("urban", "agriculture"),
        short_name="青山区兴胜镇",
    ),
    OrgSpec(
        "兴胜镇司法所",
        OrganisationKind.JUSTICE_OFFICE,
        "150204101",
        "兴司",
        parent="包头市青山区司法局",
    ),
    # 晋中市 140700
    OrgSpec("晋中市司法局", _S, "140700", "晋中司"),
    OrgSpec(
        "晋中市市场监督管理局", _A, "140700", "晋市监", ("market",), short_name="晋中市市场监管局"
    ),
    OrgSpec("晋中市卫生健康委员会", _A, "140700", "晋卫", ("health",)),
    OrgSpec("晋中市生态环境局", _A, "140700", "晋环", ("ecology",)),
    OrgSpec("晋中市应急管理局", _A, "140700", "晋应急", ("emergency",)),
    OrgSpec("晋中市农业农村局", _A, "140700", "晋农", ("agriculture",)),
    # 武乡县 140429 (长治市), with 韩北镇 140429105
    OrgSpec("武乡县司法局", _S, "140429", "武司"),
    OrgSpec("武乡县市场监督管理局", _A, "140429", "武市监", ("market",)),
    OrgSpec("武乡县卫生健康局", _A, "140429", "武卫", ("health",)),
    OrgSpec("武乡县应急管理局", _A, "140429", "武应急", ("emergency",)),
    OrgSpec("武乡县农业农村局", _A, "140429", "武农", ("agriculture",)),
    OrgSpec(
        "韩北镇人民政府",
        OrganisationKind.TOWNSHIP,
        "140429105",
        "韩政",
        ("agriculture", "urban"),
        short_name="武乡县韩北镇",
    ),
    OrgSpec(
        "韩北镇司法所",
        OrganisationKind.JUSTICE_OFFICE,
        "140429105",
        "韩司",
        parent="武乡县司法局",
    ),
    # 贵港市 450800
    OrgSpec("贵港市司法局", _S, "450800", "贵司"),
    # 贵港 has 32 contact points where enterprises report enforcement problems.
    OrgSpec(
        "贵港市工商业联合会行政执法监督联系点",
        OrganisationKind.CONTACT_POINT,
        "450800",
        "贵联点",
        parent="贵港市司法局",
    ),
    OrgSpec("贵港市市场监督管理局", _A, "450800", "贵市监", ("market",)),
    OrgSpec("贵港市卫生健康委员会", _A, "450800", "贵卫", ("health",)),
    OrgSpec("贵港市生态环境局", _A, "450800", "贵环", ("ecology",)),
    OrgSpec("贵港市交通运输局", _A, "450800", "贵交", ("transport",)),
    OrgSpec("贵港市文化广电体育和旅游局", _A, "450800", "贵文旅", ("culture",)),
)


@dataclass(frozen=True)
class Industry:
    label: str
    weight: int
    words: tuple[str, ...]


@dataclass(frozen=True)
class Place:
    """One seed place and how its enterprises look."""

    code: str
    prefixes: tuple[tuple[str, int], ...]
    county_prefix_share: float
    enterprise_weight: int
    phone_area: str
    roads: tuple[str, ...]
    industries: tuple[Industry, ...]
    township: str = ""
    township_share: float = 0.0
    # Officers per enforcing organisation are allocated by weight: city level more.
    officer_weight: int = 3


def _industries(**local: tuple[int, tuple[str, ...]]) -> tuple[Industry, ...]:
    base = {
        "餐饮业": (22, ("餐饮管理", "餐饮", "饭店")),
        "食品制造业": (8, ("食品", "食品科技")),
        "住宿业": (7, ("酒店管理", "宾馆")),
        "化学原料和化学制品制造业": (4, ("化工", "精细化工", "新材料")),
        "道路货物运输": (9, ("物流", "运输", "货运")),
        "零售业": (20, ("商贸", "超市", "百货", "大药房")),
        "建筑业": (11, ("建筑工程", "建设工程", "建筑安装工程")),
        "娱乐业": (3, ("文化娱乐", "娱乐")),
    }
    base.update(local)
    return tuple(Industry(label, weight, words) for label, (weight, words) in base.items())


PLACES: tuple[Place, ...] = (
    Place(
        code="330900",
        prefixes=(("舟山", 100),),
        county_prefix_share=0.3,
        enterprise_weight=24,
        phone_area="0580",
        roads=(
            "解放西路",
            "环城南路",
            "人民北路",
            "昌国路",
            "海天大道",
            "新城大道",
            "东港路",
            "兴港路",
        ),
        industries=_industries(
            餐饮业=(22, ("海鲜酒楼", "海鲜餐饮", "餐饮管理", "餐饮")),
            住宿业=(8, ("酒店管理", "宾馆", "民宿")),
            农副食品加工业=(9, ("海产品", "水产", "海洋食品")),
            金属船舶制造=(5, ("船舶修造", "船舶工程")),
        ),
    ),
    Place(
        code="500000",
        prefixes=(("重庆", 100),),
        county_prefix_share=0.0,
        enterprise_weight=26,
        phone_area="023",
        roads=("人民路", "解放路", "建设路", "新华路", "滨江路", "中山路", "民主路", "新城大道"),
        industries=_industries(
            餐饮业=(24, ("火锅餐饮", "火锅", "小面餐饮", "餐饮管理")),
            食品制造业=(9, ("火锅底料", "调味品", "食品")),
            汽车制造业=(5, ("汽车零部件", "机械制造")),
        ),
    ),
    Place(
        code="150204",
        prefixes=(("包头", 70), ("包头市", 30)),
        county_prefix_share=0.0,
        enterprise_weight=12,
        phone_area="0472",
        roads=("钢铁大街", "幸福路", "青山路", "文化路", "自由路", "民族东路", "富强路", "科学路"),
        industries=_industries(
            有色金属冶炼和压延加工业=(5, ("稀土新材料", "稀土")),
            黑色金属冶炼和压延加工业=(4, ("钢铁", "金属制品")),
        ),
        township="150204101",
        township_share=0.15,
        officer_weight=2,
    ),
    Place(
        code="140700",
        prefixes=(("晋中", 75), ("山西", 25)),
        county_prefix_share=0.35,
        enterprise_weight=18,
        phone_area="0354",
        roads=("迎宾街", "顺城街", "中都路", "汇通路", "安宁街", "蕴华街", "龙湖大街", "新建路"),
        industries=_industries(
            食品制造业=(9, ("醋业", "牛肉食品", "食品")),
            住宿业=(8, ("酒店管理", "宾馆", "客栈")),
            煤炭开采和洗选业=(5, ("煤业", "煤炭")),
        ),
    ),
    Place(
        code="140429",
        prefixes=(("武乡", 60), ("武乡县", 40)),
        county_prefix_share=0.0,
        enterprise_weight=8,
        phone_area="0355",
        roads=("太行街", "迎宾路", "南关街", "东大街", "红星路", "故城路"),
        industries=_industries(
            农副食品加工业=(7, ("小米", "杂粮食品", "农产品")),
            煤炭开采和洗选业=(5, ("煤业",)),
        ),
        township="140429105",
        township_share=0.15,
        officer_weight=2,
    ),
    Place(
        code="450800",
        prefixes=(("贵港", 80), ("广西", 20)),
        county_prefix_share=0.25,
        enterprise_weight=12,
        phone_area="0775",
        roads=("中山路", "港北大道", "金港大道", "荷城路", "江南大道", "建设路", "罗泊湾大道"),
        industries=_industries(
            纺织服装服饰业=(5, ("羽绒制品", "服饰")),
            电动车制造=(5, ("电动车", "车业")),
        ),
    ),
)

VILLAGES = ("前进村", "新光村", "红旗村", "东风村", "永丰村", "团结村", "光明村", "胜利村")
TRADE_CHARS = (
    "鑫华盛隆泰宏兴源金海宇恒达丰瑞祥顺昌德信诚安康和嘉瀚博通远辉明佳荣益旺福汇升鼎晟航洋"
    "舟岛港新天龙凤润禾东南百万聚创元正中合美乐味香鲜旭阳光锦川江山蓝峰悦辰景睿卓越永吉长"
)
LEGAL_FORMS = (("有限公司", 80), ("有限责任公司", 15), ("股份有限公司", 5))
SURNAMES = (
    "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕苏卢蒋"
    "蔡贾丁魏薛叶阎余潘杜戴夏钟汪田任姜范方石姚谭廖邹熊金陆郝孔白崔康毛邱秦江史顾侯邵孟龙万"
)
MALE_CHARS = "建国明伟强军磊洋勇杰涛斌超鹏辉刚平海峰志宏文俊飞宇浩波林东华鑫晨凯亮新振"
FEMALE_CHARS = "丽娟敏静燕芳霞婷玲娜慧红雪梅琳颖晶倩莉萍琴艳秀云洁佳欣怡露月蓉兰凤"
MOBILE_PREFIXES = ("133", "135", "137", "138", "139", "150", "152", "158", "177", "186", "189")


# Not a name: the enterprise of the emergency inspection the demo decides (``decided_enterprise``).
DECIDED_ENTERPRISE = "decided"
# Nor this: the enterprise the demo orders to correct after a 举报核查 (``rectifying_enterprise``).
RECTIFYING_ENTERPRISE = "rectifying"


@dataclass(frozen=True)
class Account:
    username: str
    display_name: str
    role: str
    organisation: str = ""
    enterprise: str = ""
    region: str = ""
    note: str = ""
    is_staff: bool = False
    is_superuser: bool = False
    # Further roles held at organisations (兼任), as (role, organisation name).
    grants: tuple[tuple[str, str], ...] = ()
    # A second 执法人员 of the agency, holding its next free valid 执法证 (and its holder's name):
    # an inspection needs two officers, each signing in to check in (issue 17).
    holds_officer: bool = False


ACCOUNTS: tuple[Account, ...] = (
    Account("inspector", "王建国", Role.INSPECTOR, organisation=HEALTH_AGENCY),
    Account("approver", "李明华", Role.APPROVER, organisation=HEALTH_AGENCY),
    Account("legal", "张晓燕", Role.LEGAL_REVIEWER, organisation=HEALTH_AGENCY),
    # One person, two roles: a 法制审核人员 who also inspects (issue 14).
    Account(
        "legal_inspector",
        "江月兰",
        Role.LEGAL_REVIEWER,
        organisation=HEALTH_AGENCY,
        grants=((Role.INSPECTOR, HEALTH_AGENCY),),
    ),
    Account("supervisor", "赵志刚", Role.SUPERVISOR, organisation="舟山市司法局"),
    # The bureau's head signs off its supervision documents (拟稿 → 审核 → 签发).
    Account(
        "supervisor_head",
        "郑国平",
        Role.SUPERVISOR,
        organisation="舟山市司法局",
        grants=((Role.SUPERVISION_HEAD, "舟山市司法局"),),
    ),
    Account("qingshan", "刘建军", Role.SUPERVISOR, organisation="包头市青山区司法局"),
    Account("xingsheng", "高慧敏", Role.SUPERVISOR, organisation="兴胜镇司法所"),
    # Staff of a 行政执法监督联系点 enter what enterprises report there (issue 16).
    Account(
        "lianxidian",
        "黄丽",
        Role.SUPERVISOR,
        organisation="贵港市工商业联合会行政执法监督联系点",
    ),
    Account("social", "陈海燕", Role.SOCIAL_SUPERVISOR, region="330900", note="舟山市人大代表"),
    Account("enterprise", "周海生", Role.ENTERPRISE, enterprise=PERSONA_ENTERPRISE),
    Account("outsider_jz", "孙国栋", Role.INSPECTOR, organisation=JINZHONG_MARKET_AGENCY),
    Account("inspector2", "第二执法人员", Role.INSPECTOR, HEALTH_AGENCY, holds_officer=True),
    Account(
        "outsider_jz2", "第二执法人员", Role.INSPECTOR, JINZHONG_MARKET_AGENCY, holds_officer=True
    ),
    # The enterprise whose case the demo decides (the emergency 燃气 inspection): its result,
    # published record and 评价 can be walked with this account (issue 17).
    Account(DECIDED_ENTERPRISE_ACCOUNT, "林秀芳", Role.ENTERPRISE, enterprise=DECIDED_ENTERPRISE),
    # The enterprise ordered to correct after a 举报核查: it sends its 整改 report, the officers
    # then 复查 (issue 17).
    Account(
        RECTIFYING_ENTERPRISE_ACCOUNT, "何志强", Role.ENTERPRISE, enterprise=RECTIFYING_ENTERPRISE
    ),
    Account("admin", "系统管理员", Role.ADMIN, is_staff=True, is_superuser=True),
    # A year's holidays count only once a second administrator confirms them (four eyes).
    Account("admin2", "钱立新", Role.ADMIN, is_staff=True, is_superuser=True, note="复核"),
)
# Persona officers, who log in as the account of the same name.
PERSONA_OFFICERS = (
    ("王建国", "男", HEALTH_AGENCY, "inspector"),
    ("孙国栋", "男", JINZHONG_MARKET_AGENCY, "outsider_jz"),
)


# --- Generation (pure, deterministic) --------------------------------------------------------


def largest_remainder(total: int, weights: Sequence[float]) -> list[int]:
    """``total`` split in proportion to ``weights``, in whole numbers that add up exactly."""
    whole = sum(weights)
    raw = [total * w / whole for w in weights]
    counts = [int(x) for x in raw]
    order = sorted(range(len(raw)), key=lambda i: (-(raw[i] - counts[i]), i))
    for i in order[: total - sum(counts)]:
        counts[i] += 1
    return counts


def _weighted(rng: random.Random, options: Sequence[tuple[str, int]]) -> str:
    return rng.choices([o for o, _ in options], weights=[w for _, w in options])[0]


def gb11714_check_char(first8: str) -> str:
    """The check character of a 组织机构代码 (GB 11714), the 9th character of a USCC body."""
    weights = (3, 7, 9, 10, 5, 8, 4, 2)
    total = sum(int(c, 36) * w for c, w in zip(first8, weights, strict=True))
    value = 11 - total % 11
    return "X" if value == 10 else "0" if value == 11 else str(value)


def make_uscc(rng: random.Random, region_code: str, prefix: str = "91") -> str:
    """A USCC with a realistic body: ``MA`` + 6 characters (post-2015) or an 8-digit old code."""
    if rng.random() < 0.7:
        first8 = "MA" + "".join(rng.choice(USCC_CHARSET) for _ in range(6))
    else:
        first8 = "".join(rng.choice("0123456789") for _ in range(8))
    first17 = prefix + region_code[:6] + first8 + gb11714_check_char(first8)
    return first17 + uscc_check_char(first17)


class NameMaker:
    """Chinese personal names, unique within one demo set."""

    def __init__(self, rng: random.Random, reserved: Sequence[str] = ()) -> None:
        self.rng = rng
        self.used: set[str] = set(reserved)

    def person(self, gender: str | None = None) -> tuple[str, str]:
        gender = gender or self.rng.choice("男女")
        chars = MALE_CHARS if gender == "男" else FEMALE_CHARS
        for _ in range(200):
            given_len = 1 if self.rng.random() < 0.15 else 2
            name = self.rng.choice(SURNAMES) + "".join(
                self.rng.choice(chars) for _ in range(given_len)
            )
            if name not in self.used:
                self.used.add(name)
                return name, gender
        raise RuntimeError("姓名组合不足，无法生成不重复的姓名。")

    def any_person(self) -> str:
        """A name that may repeat (legal representatives, contacts)."""
        chars = MALE_CHARS if self.rng.random() < 0.6 else FEMALE_CHARS
        given_len = 1 if self.rng.random() < 0.15 else 2
        return self.rng.choice(SURNAMES) + "".join(self.rng.choice(chars) for _ in range(given_len))


def mobile_number(rng: random.Random) -> str:
    return rng.choice(MOBILE_PREFIXES) + f"{rng.randrange(10**8):08d}"


def id_number(rng: random.Random, birthplace: str, gender: str, used: set[str]) -> str:
    while True:
        birth = dt.date(1968, 1, 1) + dt.timedelta(days=rng.randrange(30 * 365))
        sequence = rng.randrange(500) * 2 + (1 if gender == "男" else 0)
        first17 = f"{birthplace}{birth:%Y%m%d}{sequence:03d}"
        number = first17 + id_check_char(first17)
        if number not in used:
            used.add(number)
            return number


@dataclass
class OfficerRow:
    name: str
    gender: str
    organisation: str  # organisation name
    cert_no: str
    id_number: str
    fields: tuple[str, ...]
    valid_from: dt.date
    valid_until: dt.date
    mobile: str
    status: str = CertificateStatus.VALID
    reason: str = ""
    account: str = ""


@dataclass
class EnterpriseRow:
    uscc: str
    name: str
    region: str
    industry: str
    credit_grade: str
    legal_representative: str
    address: str
    contact_name: str
    contact_mobile: str
    contact_email: str


@dataclass
class DemoSet:
    organisations: tuple[OrgSpec, ...]
    officers: list[OfficerRow]
    enterprises: list[EnterpriseRow]
    org_extra: dict[str, dict[str, str]] = field(default_factory=dict)


def _short_county(name: str) -> str:
    return name[:-1] if len(name) >= 3 and name[-1] in "区县市" else name


def build_officers(
    rng: random.Random, count: int, counties_by_province: dict[str, list[str]]
) -> list[OfficerRow]:
    names = NameMaker(rng, reserved=[name for name, *_ in PERSONA_OFFICERS])
    enforcing = [spec for spec in ORGANISATIONS if spec.is_enforcing]
    weight_by_place = {place.code: place.officer_weight for place in PLACES}
    weights = [
        1 if spec.kind == OrganisationKind.TOWNSHIP else weight_by_place[spec.region]
        for spec in enforcing
    ]
    personas = {org: (name, gender, account) for name, gender, org, account in PERSONA_OFFICERS}
    counts = largest_remainder(max(count - len(personas), 0), weights)
    used_ids: set[str] = set()
    officers: list[OfficerRow] = []
    org_index: dict[str, int] = {}
    for spec, n in zip(enforcing, counts, strict=True):
        region6 = spec.region[:6]
        org_index[region6] = org_index.get(region6, 0) + 1
        serial_prefix = f"{region6}{org_index[region6]:02d}"
        province = spec.region[:2]
        people: list[tuple[str, str, str]] = []
        if spec.name in personas:
            people.append(personas[spec.name])
        people.extend((*names.person(), "") for _ in range(n))
        for serial, (name, gender, account) in enumerate(people, start=1):
            valid_from = dt.date(2022, 1, 1) + dt.timedelta(days=rng.randrange(4 * 365))
            officers.append(
                OfficerRow(
                    name=name,
                    gender=gender,
                    organisation=spec.name,
                    cert_no=f"{serial_prefix}{serial:05d}",
                    id_number=id_number(
                        rng, rng.choice(counties_by_province[province]), gender, used_ids
                    ),
                    fields=spec.fields,
                    valid_from=valid_from,
                    valid_until=valid_from.replace(year=valid_from.year + 5) - dt.timedelta(days=1),
                    mobile=mobile_number(rng),
                    account=account,
                )
            )
    _mark_ineligible(rng, officers)
    return officers


def _mark_ineligible(rng: random.Random, officers: list[OfficerRow]) -> None:
    """Two suspended and a handful expired; one of each in 舟山市卫生健康委员会 when it has them."""
    plain = [o for o in officers if not o.account]
    health = [o for o in plain if o.organisation == HEALTH_AGENCY]
    others = [o for o in plain if o.organisation != HEALTH_AGENCY]
    rng.shuffle(others)
    picked = health[:2] + others
    suspended, expired = (
        picked[:1] + picked[2:3],
        picked[1:2] + picked[3 : 3 + EXPIRED_OFFICERS - 1],
    )
    for officer, reason in zip(suspended, SUSPENDED_REASONS, strict=False):
        officer.status = CertificateStatus.SUSPENDED
        officer.reason = reason
    for officer in expired:
        officer.valid_from = dt.date(2020, 1, 1) + dt.timedelta(days=rng.randrange(365))
        officer.valid_until = REFERENCE_DATE - dt.timedelta(days=rng.randrange(30, 400))


def build_enterprises(
    rng: random.Random, count: int, regions: dict[str, Region], children: dict[str, list[str]]
) -> list[EnterpriseRow]:
    names = NameMaker(rng)
    per_place = largest_remainder(count, [place.enterprise_weight for place in PLACES])
    grades = [
        grade
        for grade, n in zip("ABCD", largest_remainder(count, [30, 45, 18, 7]), strict=True)
        for _ in range(n)
    ]
    rng.shuffle(grades)
    used_names: set[str] = set()
    used_codes: set[str] = set()
    rows: list[EnterpriseRow] = []
    for place, n in zip(PLACES, per_place, strict=True):
        counties = children.get(place.code) or [place.code]
        for i in range(n):
            if place.code == "330900" and i == 0:
                # The enterprise persona's own company, always the first one.
                region, industry, name = "330902", "餐饮业", PERSONA_ENTERPRISE
                used_names.add(name)
            else:
                region = rng.choice(counties)
                if place.township and rng.random() < place.township_share:
                    region = place.township
                industry_spec = rng.choices(
                    place.industries, weights=[ind.weight for ind in place.industries]
                )[0]
                industry = industry_spec.label
                name = _enterprise_name(rng, place, regions[region[:6]], industry_spec, used_names)
            uscc = make_uscc(rng, region)
            while uscc in used_codes:
                uscc = make_uscc(rng, region)
            used_codes.add(uscc)
            legal = names.any_person()
            contact = legal if rng.random() < 0.6 else names.any_person()
            if name == PERSONA_ENTERPRISE:
                legal = contact = "周海生"
            rows.append(
                EnterpriseRow(
                    uscc=uscc,
                    name=name,
                    region=region,
                    industry=industry,
                    credit_grade=grades[len(rows)],
                    legal_representative=legal,
                    address=_address(rng, place, regions[region]),
                    contact_name=contact,
                    contact_mobile=mobile_number(rng),
                    contact_email=f"{uscc[8:16].lower()}@example.com",
                )
            )
    return rows


def _enterprise_name(
    rng: random.Random, place: Place, county: Region, industry: Industry, used: set[str]
) -> str:
    for attempt in range(100):
        if place.county_prefix_share and rng.random() < place.county_prefix_share:
            prefix = _short_county(county.name)
        else:
            prefix = _weighted(rng, place.prefixes)
        trade = "".join(rng.sample(TRADE_CHARS, 3 if attempt > 20 else 2))
        name = prefix + trade + rng.choice(industry.words) + _weighted(rng, LEGAL_FORMS)
        if name not in used:
            used.add(name)
            return name
    raise RuntimeError("企业名称组合不足，无法生成不重复的名称。")


def _address(rng: random.Random, place: Place, region: Region) -> str:
    if region.level == RegionLevel.TOWNSHIP:
        return f"{region.full_name}{rng.choice(VILLAGES)}{rng.randrange(1, 200)}号"
    return f"{region.full_name}{rng.choice(place.roads)}{rng.randrange(1, 999)}号"


def build_demo_set(
    enterprises: int = DEFAULT_ENTERPRISES, officers: int = DEFAULT_OFFICERS
) -> DemoSet:
    """The whole demo set, generated from the region rows in the database (load them first)."""
    regions = {r.code: r for r in Region.objects.select_related("parent__parent__parent")}
    counties_by_province: dict[str, list[str]] = {}
    children: dict[str, list[str]] = {}
    for code in sorted(regions):
        region = regions[code]
        if region.level == RegionLevel.COUNTY:
            counties_by_province.setdefault(code[:2], []).append(code)
            if region.parent_id:
                children.setdefault(region.parent_id, []).append(code)
    rng = random.Random(SEED)
    officer_rows = build_officers(rng, officers, counties_by_province)
    rng = random.Random(SEED + 1)
    enterprise_rows = build_enterprises(rng, enterprises, regions, children)
    rng = random.Random(SEED + 2)
    org_extra: dict[str, dict[str, str]] = {}
    place_by_code = {place.code: place for place in PLACES}
    for spec in ORGANISATIONS:
        place = place_by_code.get(spec.region) or place_by_code[spec.region[:6]]
        region = regions[spec.region]
        org_extra[spec.name] = {
            "uscc": ""
            if spec.kind == OrganisationKind.JUSTICE_OFFICE
            else make_uscc(rng, spec.region, prefix="11"),
            "address": _address(rng, place, region),
            "phone": f"{place.phone_area}-{rng.randrange(2000000, 8999999)}",
        }
    return DemoSet(ORGANISATIONS, officer_rows, enterprise_rows, org_extra)


# --- Loading (idempotent) ---------------------------------------------------------------------


class DemoSizeError(ValueError):
    """A requested demo size too small to hold the personas; the message says the minimum."""


@dataclass
class DemoLoadResult:
    created: dict[str, int]
    totals: dict[str, int]
    plans: dict[str, int] = field(default_factory=dict)

    @property
    def changed(self) -> bool:
        return any(self.created.values())


def load_demo(
    *,
    enterprises: int = DEFAULT_ENTERPRISES,
    officers: int = DEFAULT_OFFICERS,
    actor: Any = None,
    timeline: DemoTimeline | None = None,
    clock: DemoClock | None = None,
) -> DemoLoadResult:
    """Load the demo set and the year's plans; rows already there are left as they are.

    A first load enters the set on the first working day of the demo's year and publishes the
    plans that morning (``timeline``); a later load that only resets accounts does so now. Writes
    the audit record ``demo.load`` when anything was created or reset, ``plans.demo.load`` when
    plans were.
    """
    if enterprises < MIN_ENTERPRISES:
        raise DemoSizeError(f"演示企业数至少为 {MIN_ENTERPRISES}，以便六地各有企业。")
    if officers < len(PERSONA_OFFICERS):
        raise DemoSizeError(
            f"演示执法人员数至少为 {len(PERSONA_OFFICERS)}（演示账号对应的执法人员）。"
        )
    timeline = timeline or timeline_for(timezone.now())
    clock = clock or DemoClock()
    first_load = not Organisation.objects.filter(name=HEALTH_AGENCY).exists()
    moment = clock.at(timeline.base_at) if first_load else nullcontext()
    with moment:
        result = _load_set(enterprises, officers, actor)
    from zhifa.plans.demo import load_demo_plans

    with clock.at(timeline.plans_at):
        result.plans = load_demo_plans(actor, year=timeline.year, quarter=timeline.quarter)
    return result


def _load_set(enterprises: int, officers: int, actor: Any) -> DemoLoadResult:
    created: dict[str, int] = {}
    with transaction.atomic():
        load_regions(actor=actor)
        created["townships"] = _ensure_townships()
        created["fields"] = _ensure_fields()
        demo = build_demo_set(enterprises, officers)
        orgs, created["organisations"] = _ensure_organisations(demo)
        created["officers"] = _ensure_officers(demo, orgs)
        created["enterprises"], created["contacts"] = _ensure_enterprises(demo)
        created["accounts"], updated_accounts = _ensure_accounts(orgs)
        created["accounts_updated"] = updated_accounts
        totals = {
            "regions": Region.objects.count(),
            "fields": EnforcementField.objects.count(),
            "organisations": Organisation.objects.count(),
            "officers": Officer.objects.count(),
            "enterprises": Enterprise.objects.count(),
            "contacts": Contact.objects.count(),
            "accounts": User.objects.filter(username__in=[a.username for a in ACCOUNTS]).count(),
        }
        result = DemoLoadResult(created=created, totals=totals)
        if result.changed:
            record_change(
                actor=actor,
                action="demo.load",
                object_type="web.demo",
                object_id=str(SEED),
                after={"created": created, "totals": totals, "seed": SEED},
                summary=(
                    f"载入演示数据：机构 {created['organisations']} 个、"
                    f"执法人员 {created['officers']} 名、"
                    f"企业 {created['enterprises']} 家、账号 {created['accounts']} 个"
                ),
            )
    return result


def _ensure_townships() -> int:
    existing = set(
        Region.objects.filter(code__in=[c for c, _, _ in TOWNSHIPS]).values_list("code", flat=True)
    )
    new = [
        Region(code=code, name=name, level=RegionLevel.TOWNSHIP, parent_id=parent)
        for code, name, parent in TOWNSHIPS
        if code not in existing
    ]
    Region.objects.bulk_create(new)
    return len(new)


def _ensure_fields() -> int:
    existing = set(EnforcementField.objects.values_list("code", flat=True))
    new = [EnforcementField(code=code, name=name) for code, name in FIELDS if code not in existing]
    EnforcementField.objects.bulk_create(new)
    return len(new)


def _ensure_organisations(demo: DemoSet) -> tuple[dict[str, Organisation], int]:
    fields = {f.code: f for f in EnforcementField.objects.all()}
    regions_wanted = {spec.region for spec in demo.organisations}
    existing = {
        (org.region_id, org.name): org
        for org in Organisation.objects.filter(region_id__in=regions_wanted).prefetch_related(
            "fields"
        )
    }
    orgs: dict[str, Organisation] = {}
    created = 0
    for spec in demo.organisations:
        org = existing.get((spec.region, spec.name))
        if org is None:
            extra = demo.org_extra[spec.name]
            org = Organisation.objects.create(
                name=spec.name,
                short_name=spec.short_name,
                kind=spec.kind,
                region_id=spec.region,
                parent=orgs[spec.parent] if spec.parent else None,
                uscc=extra["uscc"],
                doc_prefix=spec.doc_prefix,
                legal_basis=_legal_basis(spec),
                address=extra["address"],
                phone=extra["phone"],
            )
            created += 1
            if spec.fields:
                org.fields.add(*(fields[code] for code in spec.fields))
        else:
            have = {f.code for f in org.fields.all()}
            missing = [fields[code] for code in spec.fields if code not in have]
            if missing:
                org.fields.add(*missing)
        orgs[spec.name] = org
    return orgs, created


def _legal_basis(spec: OrgSpec) -> str:
    if spec.kind == OrganisationKind.SUPERVISOR:
        return LEGAL_BASIS_SUPERVISOR
    if spec.kind == OrganisationKind.JUSTICE_OFFICE:
        return LEGAL_BASIS_JUSTICE_OFFICE
    if spec.kind == OrganisationKind.TOWNSHIP:
        return LEGAL_BASIS_TOWNSHIP
    if spec.kind == OrganisationKind.JOINT_TEAM:
        return LEGAL_BASIS_JOINT_TEAM
    if spec.kind == OrganisationKind.CONTACT_POINT:
        return LEGAL_BASIS_CONTACT_POINT
    return "".join(LEGAL_BASIS[code] for code in spec.fields)


def _ensure_officers(demo: DemoSet, orgs: dict[str, Organisation]) -> int:
    existing = set(
        Officer.objects.filter(cert_no__in=[o.cert_no for o in demo.officers]).values_list(
            "cert_no", flat=True
        )
    )
    rows = [o for o in demo.officers if o.cert_no not in existing]
    if not rows:
        return 0
    Officer.objects.bulk_create(
        [
            Officer(
                name=row.name,
                cert_no=row.cert_no,
                id_number=row.id_number,
                organisation=orgs[row.organisation],
                cert_valid_from=row.valid_from,
                cert_valid_until=row.valid_until,
                cert_status=row.status,
                cert_status_reason=row.reason,
                mobile=row.mobile,
            )
            for row in rows
        ],
        batch_size=500,
    )
    ids = dict(
        Officer.objects.filter(cert_no__in=[row.cert_no for row in rows]).values_list(
            "cert_no", "id"
        )
    )
    fields = dict(EnforcementField.objects.values_list("code", "id"))
    through = Officer.fields.through
    through.objects.bulk_create(
        [
            through(officer_id=ids[row.cert_no], enforcementfield_id=fields[code])
            for row in rows
            for code in row.fields
        ],
        batch_size=1000,
    )
    return len(rows)


def _ensure_enterprises(demo: DemoSet) -> tuple[int, int]:
    wanted = [row.uscc for row in demo.enterprises]
    existing: set[str] = set()
    for start in range(0, len(wanted), 500):
        existing.update(
            Enterprise.objects.filter(uscc__in=wanted[start : start + 500]).values_list(
                "uscc", flat=True
            )
        )
    rows = [row for row in demo.enterprises if row.uscc not in existing]
    if not rows:
        return 0, 0
    Enterprise.objects.bulk_create(
        [
            Enterprise(
                uscc=row.uscc,
                name=row.name,
                legal_representative=row.legal_representative,
                address=row.address,
                region_id=row.region,
                industry=row.industry,
                industry_code=industries.code_for_name(row.industry),
                credit_grade=row.credit_grade,
            )
            for row in rows
        ],
        batch_size=1000,
    )
    ids: dict[str, int] = {}
    new_codes = [row.uscc for row in rows]
    for start in range(0, len(new_codes), 500):
        ids.update(
            Enterprise.objects.filter(uscc__in=new_codes[start : start + 500]).values_list(
                "uscc", "id"
            )
        )
    Contact.objects.bulk_create(
        [
            Contact(
                enterprise_id=ids[row.uscc],
                name=row.contact_name,
                mobile=row.contact_mobile,
                email=row.contact_email,
                is_primary=True,
            )
            for row in rows
        ],
        batch_size=1000,
    )
    return len(rows), len(rows)


def _display_name(account: Account) -> str:
    """The account's name; one that holds an officer's 执法证 through a grant bears his name."""
    if account.grants or account.holds_officer:
        linked = Officer.objects.filter(user__username=account.username).first()
        if linked is not None:
            return linked.name
    return account.display_name


def _ensure_accounts(orgs: dict[str, Organisation]) -> tuple[int, int]:
    created = updated = 0
    enterprises = {
        PERSONA_ENTERPRISE: Enterprise.objects.filter(name=PERSONA_ENTERPRISE)
        .order_by("pk")
        .first(),
        DECIDED_ENTERPRISE: decided_enterprise(),
        RECTIFYING_ENTERPRISE: rectifying_enterprise(),
    }
    for number, account in enumerate(ACCOUNTS, start=1):
        enterprise = enterprises.get(account.enterprise)
        wanted: dict[str, Any] = {
            "display_name": _display_name(account),
            "role": account.role,
            "organisation_id": orgs[account.organisation].pk if account.organisation else None,
            "enterprise_id": enterprise.pk if account.enterprise and enterprise else None,
            # Where 忘记密码 sends its code (the console senders print it in the demo).
            "mobile": f"1390000{number:04d}",
            "email": f"{account.username}@demo.zhifa.example",
            "region_id": account.region or None,
            "is_staff": account.is_staff,
            "is_superuser": account.is_superuser,
            "is_active": True,
        }
        user = User.objects.filter(username=account.username).first()
        if user is None:
            user = User(username=account.username, **wanted)
            user.set_password(DEMO_PASSWORD)
            user.save()
            created += 1
        else:
            changed = [name for name, value in wanted.items() if getattr(user, name) != value]
            if not user.check_password(DEMO_PASSWORD):
                user.set_password(DEMO_PASSWORD)
                changed.append("password")
            if changed:
                for name, value in wanted.items():
                    setattr(user, name, value)
                user.save()
                updated += 1
    for name, _gender, org, username in PERSONA_OFFICERS:
        user = User.objects.get(username=username)
        officer = Officer.objects.filter(name=name, organisation=orgs[org]).order_by("pk").first()
        if officer is not None and officer.user_id != user.pk:
            Officer.objects.filter(user=user).exclude(pk=officer.pk).update(user=None)
            officer.user = user
            officer.save(update_fields=["user"])
            updated += 1
    # After the persona officers have their accounts: a granted 执法人员 takes a free 执法证.
    for account in (a for a in ACCOUNTS if a.grants):
        user = User.objects.get(username=account.username)
        for role, org_name in account.grants:
            # Accounts are the demo's set-up, written as they are above; a grant is part of one.
            _grant, made = RoleGrant.objects.get_or_create(
                user=user, role=role, organisation=orgs[org_name]
            )
            if made and role == Role.INSPECTOR and not Officer.objects.filter(user=user).exists():
                # As 执法人员 she needs her 执法证: the agency's first valid one without an
                # account, so that she can sign in on site.
                officer = _first_free_valid_officer(orgs[org_name])
                if officer is not None:
                    officer.user = user
                    officer.save(update_fields=["user"])
                    user.display_name = officer.name
                    user.save(update_fields=["display_name"])
    for account in (a for a in ACCOUNTS if a.holds_officer):
        user = User.objects.get(username=account.username)
        if Officer.objects.filter(user=user).exists():
            continue
        officer = _first_free_valid_officer(orgs[account.organisation])
        if officer is not None:
            officer.user = user
            officer.save(update_fields=["user"])
            user.display_name = officer.name
            user.save(update_fields=["display_name"])
    return created, updated


def _first_free_valid_officer(organisation: Organisation) -> Officer | None:
    free = Officer.objects.filter(organisation=organisation, user__isnull=True)
    return next((o for o in free.order_by("cert_no") if o.is_eligible(REFERENCE_DATE)), None)


def decided_enterprise() -> Enterprise | None:
    """The enterprise of ``enterprise2``: the one whose emergency inspection the demo decides
    (``inspections.demo``), before that case exists the first in 舟山 after the persona's."""
    from zhifa.inspections.models import InspectionCase

    case = (
        InspectionCase.objects.filter(
            is_emergency=True, enterprise__region__code__startswith="3309"
        )
        .order_by("pk")
        .first()
    )
    if case is not None:
        return case.enterprise
    return (
        Enterprise.objects.filter(region__code__startswith="3309")
        .exclude(name=PERSONA_ENTERPRISE)
        .order_by("uscc")
        .first()
    )


def rectifying_enterprise() -> Enterprise | None:
    """The enterprise of ``enterprise3``: the one the demo orders to correct after a 举报核查
    (``inspections.demo``); before that case exists, the first hotel in 舟山 other than the
    decided enterprise (a 公共场所, whose staff serving guests need 健康合格证明)."""
    from zhifa.inspections.demo import REPORTED_TITLE
    from zhifa.inspections.models import InspectionCase

    case = InspectionCase.objects.filter(title=REPORTED_TITLE).order_by("pk").first()
    if case is not None:
        return case.enterprise
    others = (
        Enterprise.objects.filter(region__code__startswith="3309")
        .exclude(name=PERSONA_ENTERPRISE)
        .order_by("uscc")
    )
    decided = decided_enterprise()
    if decided is not None:
        others = others.exclude(pk=decided.pk)
    # A small demo may have no hotel in 舟山: then the next enterprise there.
    return others.filter(industry="住宿业").first() or others.first()


def account_rows() -> list[dict[str, str]]:
    """The demo accounts as they are in the database, for printing; missing ones are named."""
    rows: list[dict[str, str]] = []
    users = {
        u.username: u
        for u in User.objects.filter(username__in=[a.username for a in ACCOUNTS]).select_related(
            "organisation", "enterprise", "region"
        )
    }
    for account in ACCOUNTS:
        user = users.get(account.username)
        if user is None:
            rows.append({"username": account.username, "missing": "1"})
            continue
        if user.organisation is not None:
            where = user.organisation.name
        elif user.enterprise is not None:
            where = user.enterprise.name
        elif user.region is not None:
            where = user.region.name + (f"（{account.note}）" if account.note else "")
        else:
            where = "—" + (f"（{account.note}）" if account.note else "")
        rows.append(
            {
                "username": user.username,
                "password": DEMO_PASSWORD,
                "role": "、".join(
                    [str(Role(user.role).label)]
                    + [f"兼{Role(role).label}" for role, _org in account.grants]
                ),
                "name": user.display_name,
                "organisation": where,
            }
        )
    return rows
