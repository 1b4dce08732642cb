"""Seed the national default 监督文书种类; a kind not (yet) in DocumentKind is skipped."""

from __future__ import annotations

from django.db import migrations


def seed(apps, schema_editor):
    from zhifa.supervision.data.letter_types import seed_national_defaults

    seed_national_defaults(apps)


def unseed(apps, schema_editor):
    apps.get_model("supervision", "LetterType").objects.filter(region=None).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("supervision", "0001_initial"),
        ("documents", "0008_load_verified_prohibitions"),
    ]

    operations = [migrations.RunPython(seed, unseed)]
