"""The 五个严禁/八个不得 come from a data file, loaded into versions an administrator extends."""

from __future__ import annotations

import datetime as dt
import json

from django.urls import reverse

from zhifa.audit.models import AuditRecord
from zhifa.audit.services import verify_chain
from zhifa.documents.models import ProhibitionsVersion
from zhifa.documents.selectors import PROHIBITIONS_FILE, current_prohibitions

TITLES = [
    "严禁逐利检查",
    "严禁干扰正常生产经营",
    "严禁任性处罚",
    "严禁下达检查指标",
    "严禁变相检查",
]


def test_the_data_file_names_its_source_and_says_it_is_paraphrased():
    data = json.loads(PROHIBITIONS_FILE.read_text(encoding="utf-8"))
    (version,) = data["versions"]
    assert version["is_paraphrase"] is True
    assert version["source"]["document"] == (
        "国务院办公厅关于严格规范涉企行政检查的意见（国办发〔2024〕54号）"
    )
    assert version["source"]["issuer"] == "国务院办公厅"
    assert "转述" in version["source"]["note"]
    assert [s["title"] for s in version["sections"]] == TITLES
    assert sum(len(s["items"]) for s in version["sections"]) == 8


def test_the_migration_loaded_the_first_version(db):
    version = ProhibitionsVersion.objects.get()
    assert version.label == "国办发〔2024〕54号（据报道转述）"
    assert version.effective_from == dt.date(2025, 1, 3)
    assert version.is_paraphrase is True
    assert [s["title"] for s in version.sections] == TITLES
    assert current_prohibitions(on=dt.date(2026, 12, 1)) == version.sections


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
    assert ProhibitionsVersion.objects.count() == 1
    assert AuditRecord.objects.count() == 0


def test_an_inspector_cannot_open_the_admin_of_versions(client_for, inspector):
    response = client_for(inspector).get(reverse("admin:documents_prohibitionsversion_changelist"))
    assert response.status_code == 302
