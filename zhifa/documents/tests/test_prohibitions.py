"""The 五个严禁/八个不得 come from a data file, loaded into versions an administrator extends."""

from __future__ import annotations

import datetime as dt
import importlib
import json

from django.apps import apps
from django.urls import reverse

from zhifa.audit.models import AuditRecord
from zhifa.audit.services import verify_chain
from zhifa.documents.models import ProhibitionsVersion
from zhifa.documents.prohibitions import PROHIBITIONS_FILE
from zhifa.documents.selectors import current_prohibitions

TITLES = [
    "严禁逐利检查",
    "严禁干扰正常生产经营",
    "严禁任性处罚",
    "严禁下达检查指标",
    "严禁变相检查",
]
PARAPHRASE_LABEL = "国办发〔2024〕54号（据报道转述）"
VERIFIED_LABEL = "国办发〔2024〕54号（据报道引述原文）"
# 国办发〔2024〕54号, part 七, as quoted by the reports named in the version's source note.
VERIFIED_SECTIONS = [
    {
        "title": "严禁逐利检查",
        "items": [
            "不得接受被检查企业的任何馈赠、报酬、福利待遇",
            "不得参加被检查企业提供的宴请、娱乐、旅游等活动",
            "不得由被检查企业支付消费开支或将检查费用转嫁给企业",
            "不得强制企业接受指定的中介机构提供服务",
        ],
    },
    {"title": "严禁干扰企业正常生产经营", "items": ["不得刻意要求法定代表人到场"]},
    {"title": "严禁任性处罚企业", "items": ["不得乱查封、乱扣押、乱冻结、动辄责令停产停业"]},
    {
        "title": "严禁下达检查指标",
        "items": ["不得将考核考评、预算项目绩效与检查频次、罚款数额挂钩"],
    },
    {"title": "严禁变相检查", "items": ["不得以观摩、督导、考察等名义行检查之实"]},
]


def test_the_data_file_keeps_the_paraphrase_and_adds_the_verified_wording():
    data = json.loads(PROHIBITIONS_FILE.read_text(encoding="utf-8"))
    paraphrase, verified = data["versions"]
    document = "国务院办公厅关于严格规范涉企行政检查的意见（国办发〔2024〕54号）"

    assert paraphrase["label"] == PARAPHRASE_LABEL
    assert paraphrase["is_paraphrase"] is True
    assert paraphrase["source"]["document"] == document
    assert paraphrase["source"]["issuer"] == "国务院办公厅"
    assert "转述" in paraphrase["source"]["note"]
    assert [s["title"] for s in paraphrase["sections"]] == TITLES
    assert sum(len(s["items"]) for s in paraphrase["sections"]) == 8

    assert verified["label"] == VERIFIED_LABEL
    assert verified["is_paraphrase"] is False
    assert verified["effective_from"] > paraphrase["effective_from"]
    assert verified["source"]["document"] == document
    assert verified["source"]["issuer"] == "国务院办公厅"
    assert verified["source"]["date"] == "2024-12-30"
    assert verified["source"]["url"].startswith("https://")
    # What could not be checked is said in the data, not only in a report.
    assert "待核" in verified["source"]["note"]
    assert verified["sections"] == VERIFIED_SECTIONS
    assert sum(len(s["items"]) for s in verified["sections"]) == 8


def test_the_migrations_loaded_both_versions_and_the_verified_one_is_current(db):
    data = json.loads(PROHIBITIONS_FILE.read_text(encoding="utf-8"))
    paraphrase = ProhibitionsVersion.objects.get(label=PARAPHRASE_LABEL)
    assert paraphrase.effective_from == dt.date(2025, 1, 3)
    assert paraphrase.is_paraphrase is True
    # Documents issued with the paraphrase keep it: its text is as first loaded.
    assert paraphrase.sections == data["versions"][0]["sections"]

    verified = ProhibitionsVersion.objects.get(label=VERIFIED_LABEL)
    assert verified.effective_from == dt.date(2026, 11, 27)
    assert verified.is_paraphrase is False
    assert verified.source_date == dt.date(2024, 12, 30)
    assert verified.source_url == data["versions"][1]["source"]["url"]
    assert verified.sections == VERIFIED_SECTIONS
    assert ProhibitionsVersion.objects.count() == 2

    assert current_prohibitions(on=dt.date(2026, 11, 26)) == paraphrase.sections
    assert current_prohibitions(on=dt.date(2026, 11, 27)) == VERIFIED_SECTIONS
    assert current_prohibitions(on=dt.date(2026, 12, 1)) == VERIFIED_SECTIONS


def test_loading_the_verified_version_again_changes_nothing(db):
    migration = importlib.import_module(
        "zhifa.documents.migrations.0008_load_verified_prohibitions"
    )
    before = list(ProhibitionsVersion.objects.order_by("pk").values())
    migration.load(apps, None)
    assert list(ProhibitionsVersion.objects.order_by("pk").values()) == before


def test_nothing_is_in_force_before_the_first_version(db):
    assert current_prohibitions(on=dt.date(2024, 12, 1)) == []


def test_an_administrator_adds_a_new_version_in_admin_and_it_is_audited(client_for, admin_user):
    sections = [{"title": "严禁逐利检查", "items": ["不得接受被检查企业的任何馈赠"]}]
    response = client_for(admin_user).post(
        reverse("admin:documents_prohibitionsversion_add"),
        {
            "label": "国办发〔2024〕54号（正式文本）",
            "effective_from": "2026-06-01",
            "sections": json.dumps(sections, ensure_ascii=False),
            "source_document": "国务院办公厅关于严格规范涉企行政检查的意见",
            "source_issuer": "国务院办公厅",
            "source_date": "2024-12-31",
            "source_url": "https://www.gov.cn/",
            "source_note": "中国政府网正式文本。",
        },
    )
    assert response.status_code == 302
    assert current_prohibitions(on=dt.date(2026, 7, 1)) == sections
    assert [s["title"] for s in current_prohibitions(on=dt.date(2026, 5, 31))] == TITLES
    assert current_prohibitions(on=dt.date(2026, 12, 1)) == VERIFIED_SECTIONS
    record = AuditRecord.objects.get()
    assert record.action == "documents.prohibitionsversion.create"
    assert record.actor == admin_user
    assert verify_chain().ok


def test_a_malformed_version_is_refused_in_admin_with_a_chinese_reason(client_for, admin_user):
    response = client_for(admin_user).post(
        reverse("admin:documents_prohibitionsversion_add"),
        {
            "label": "坏版本",
            "effective_from": "2026-06-01",
            "sections": json.dumps([{"title": "", "items": []}]),
            "source_document": "某文件",
        },
    )
    assert response.status_code == 200
    assert "第 1 条缺少标题（title），如“严禁逐利检查”。" in response.content.decode()
    assert ProhibitionsVersion.objects.count() == 2
    assert AuditRecord.objects.count() == 0


def test_an_inspector_cannot_open_the_admin_of_versions(client_for, inspector):
    response = client_for(inspector).get(reverse("admin:documents_prohibitionsversion_changelist"))
    assert response.status_code == 302
