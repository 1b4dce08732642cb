"""Seed the supervision kinds beyond the five letters of 0002 (issue 15): 行政执法监督通知书,
调阅案卷通知书, 约谈通知书, 移送函, 复查决定书 and the agency's 整改（执行）情况报告.

Like 0002 the set is configuration: a region renames a kind or its 文书代字 in the admin (an
existing row is left as it is), and adds kinds of its own. Legal grounding: specs.SUPERVISION_KINDS.
"""

from __future__ import annotations

from django.db import migrations

# (code, name, abbreviation), in the order the supervision workflow offers them; they sort after
# the fifteen kinds of 0002 (sort_order 10…150).
KINDS = [
    ("supervision_notice", "行政执法监督通知书", "监通"),
    ("file_request_notice", "调阅案卷通知书", "调卷"),
    ("summons_notice", "约谈通知书", "约谈"),
    ("referral_letter", "移送函", "移送"),
    ("review_decision", "复查决定书", "监复"),
    ("rectification_report", "整改（执行）情况报告", "整报"),
]
FIRST_SORT_ORDER = 160


def seed(apps, schema_editor):
    DocumentKind = apps.get_model("documents", "DocumentKind")
    for position, (code, name, abbreviation) in enumerate(KINDS):
        DocumentKind.objects.get_or_create(
            code=code,
            defaults={
                "name": name,
                "abbreviation": abbreviation,
                "sort_order": FIRST_SORT_ORDER + position * 10,
            },
        )


def unseed(apps, schema_editor):
    """Remove the kinds again, except one already used for a number or a document: those rows
    are records (PROTECT) and stay."""
    DocumentKind = apps.get_model("documents", "DocumentKind")
    DocumentKind.objects.filter(
        code__in=[code for code, _, _ in KINDS],
        documents__isnull=True,
        numbers__isnull=True,
        sequences__isnull=True,
        batches__isnull=True,
    ).delete()


class Migration(migrations.Migration):
    dependencies = [("documents", "0008_load_verified_prohibitions")]

    operations = [migrations.RunPython(seed, unseed)]
