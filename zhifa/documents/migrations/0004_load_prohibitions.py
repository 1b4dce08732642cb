"""Load the 五个严禁/八个不得 versions from zhifa/documents/data/prohibitions.json."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

from django.db import migrations

DATA = Path(__file__).resolve().parent.parent / "data" / "prohibitions.json"


def load(apps, schema_editor):
    ProhibitionsVersion = apps.get_model("documents", "ProhibitionsVersion")
    for version in json.loads(DATA.read_text(encoding="utf-8"))["versions"]:
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
    dependencies = [("documents", "0003_documents_lifecycle")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
