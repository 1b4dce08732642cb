"""Load the 五个严禁/八个不得 as worded in 国办发〔2024〕54号 (checked against reports quoting it).

The paraphrased version loaded by 0004 stays as it was: documents issued with it keep its text.
The new version carries a later 施行日期, so documents dated from then on print the new wording.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

from django.db import migrations

DATA = Path(__file__).resolve().parent.parent / "data" / "prohibitions.json"

# Only the version this migration is about: later versions get their own migration, and a
# version already loaded (by 0004 on a fresh database, or by hand) is left untouched.
LABELS = ("国办发〔2024〕54号（据报道引述原文）",)


def load(apps: Any, schema_editor: Any) -> None:
    ProhibitionsVersion = apps.get_model("documents", "ProhibitionsVersion")
    versions = json.loads(DATA.read_text(encoding="utf-8"))["versions"]
    for version in versions:
        if version["label"] not in LABELS:
            continue
        source = version["source"]
        ProhibitionsVersion.objects.get_or_create(
            label=version["label"],
            defaults={
                "effective_from": dt.date.fromisoformat(version["effective_from"]),
                "sections": version["sections"],
                "source_document": source["document"],
                "source_issuer": source.get("issuer", ""),
                "source_date": (
                    dt.date.fromisoformat(source["date"]) if source.get("date") else None
                ),
                "source_url": source.get("url", ""),
                "source_note": source.get("note", ""),
                "is_paraphrase": bool(version.get("is_paraphrase")),
            },
        )


class Migration(migrations.Migration):
    dependencies = [("documents", "0007_batch_follow_up")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
