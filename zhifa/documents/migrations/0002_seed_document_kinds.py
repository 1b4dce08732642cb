"""Seed the document kinds the platform needs; the set is configuration, editable in admin."""

from __future__ import annotations

from django.db import migrations

# (code, name, abbreviation): 司法部《行政检查文书基本格式文本(试行)》, 舟山五步预告, 重庆“三书两函”.
KINDS = [
    ("inspection_approval", "行政检查审批表", "审批"),
    ("batch_approval_list", "批量审批清单", "批审"),
    ("inspection_preview_notice", "行政执法检查预告通知书", "执预"),
    ("inspection_notice", "行政检查通知书", "检通"),
    ("oral_notice_record", "口头通知记录", "口通"),
    ("onsite_inspection_record", "现场检查笔录", "检录"),
    ("rectification_order", "责令改正通知书", "责改"),
    ("review_opinion", "复查意见书", "复查"),
    ("no_penalty_decision", "不予行政处罚决定书", "不罚"),
    ("delivery_receipt", "送达回证", "送达"),
    ("supervision_suggestion", "行政执法监督建议书", "监建"),
    ("supervision_opinion", "行政执法监督意见书", "监意"),
    ("supervision_decision", "行政执法监督决定书", "监决"),
    ("reminder_letter", "提示函", "提示"),
    ("urging_letter", "督办函", "督办"),
]


def seed(apps, schema_editor):
    DocumentKind = apps.get_model("documents", "DocumentKind")
    for position, (code, name, abbreviation) in enumerate(KINDS, start=1):
        DocumentKind.objects.get_or_create(
            code=code,
            defaults={"name": name, "abbreviation": abbreviation, "sort_order": position * 10},
        )


class Migration(migrations.Migration):
    dependencies = [("documents", "0001_initial")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
