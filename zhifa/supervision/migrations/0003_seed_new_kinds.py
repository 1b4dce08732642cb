"""The national default 监督文书种类 for the six kinds documents 0009 adds (0002 ran before them
and skipped them); running the seed again leaves the earlier rows as they are."""

from __future__ import annotations

from django.db import migrations


def seed(apps, schema_editor):
    from zhifa.supervision.data.letter_types import seed_national_defaults

    seed_national_defaults(apps)


class Migration(migrations.Migration):
    dependencies = [
        ("supervision", "0002_seed_letter_types"),
        ("documents", "0009_seed_supervision_kinds"),
    ]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
