"""The national default 监督文书种类 for the six kinds documents 0009 adds (0002 ran before them
and skipped them); running the seed again leaves the earlier rows as they are."""

from __future__ import annotations

from django.db import migrations


def seed(apps, schema_editor):
    from zhifa.supervision.data.letter_types import seed_national_defaults

    seed_national_defaults(apps)


NEW_KINDS = [
    "supervision_notice",
    "file_request_notice",
    "summons_notice",
    "referral_letter",
    "review_decision",
    "rectification_report",
]


def unseed(apps, schema_editor):
    # Only the national defaults: a region's own rows are its configuration.
    apps.get_model("supervision", "LetterType").objects.filter(
        region=None, kind__code__in=NEW_KINDS
    ).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("supervision", "0002_seed_letter_types"),
        ("documents", "0009_seed_supervision_kinds"),
    ]

    operations = [migrations.RunPython(seed, unseed)]
