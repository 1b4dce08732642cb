"""Demo three lists, from ``data/lists/*.json``: one file per version, loaded in file-name
order, each naming the demo agency it belongs to and the published lists it was drawn from. Every
item names its source; items that could not be checked word for word against the original are
marked 转述, and ``data/lists/SOURCE_NOTE.txt`` says how the lists were compiled.

Loading is idempotent (a version is keyed by organisation and label) and validates every item
with the same rules as the import, so the demo cannot hold what a reviewer could not enter. One
summarising audit record, ``discretion.demo.load``, is written when anything was created.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

from django.db import transaction
from django.utils import timezone

from zhifa.audit.services import record_change
from zhifa.core import timefmt
from zhifa.discretion import rules
from zhifa.discretion.models import DiscretionItem, DiscretionVersion, VersionStatus
from zhifa.org.models import EnforcementField, Organisation, Role, User

DATA_DIR = Path(__file__).resolve().parent / "data" / "lists"


def demo_data() -> dict[str, Any]:
    """``{"source_note": str, "versions": [version spec, ...]}``."""
    versions = []
    for path in sorted(DATA_DIR.glob("*.json")):
        with path.open(encoding="utf-8") as handle:
            versions.append(json.load(handle))
    note = (DATA_DIR / "SOURCE_NOTE.txt").read_text(encoding="utf-8").strip()
    return {"source_note": note, "versions": versions}


def _publisher(organisation: Organisation) -> User | None:
    return (
        User.objects.filter(organisation=organisation, role__in=rules.CURATOR_ROLES, is_active=True)
        .order_by("role", "pk")
        .first()
        or User.objects.filter(role=Role.ADMIN).order_by("pk").first()
    )


def load_demo_discretion(actor: Any = None, *, record: bool = True) -> dict[str, int]:
    """Create the demo versions and items that are missing; counts of what was created.

    ``record=False`` leaves the audit record to the caller (``zhifa demo load``)."""
    data = demo_data()
    created = {"versions": 0, "items": 0}
    now = timezone.now()
    with transaction.atomic():
        for spec in data["versions"]:
            organisation = Organisation.objects.filter(name=spec["organisation"]).first()
            field = EnforcementField.objects.filter(code=spec["field"]).first()
            if organisation is None or field is None:
                continue
            if DiscretionVersion.objects.filter(
                organisation=organisation, label=spec["label"]
            ).exists():
                continue
            items = []
            for raw in spec["items"]:
                cleaned, errors = rules.check_item({**raw, "field": field.code})
                if errors:
                    raise ValueError(f"演示裁量事项 {spec['label']} {raw['code']} 有误：{errors}")
                cleaned["field"] = field
                items.append(cleaned)
            publisher = _publisher(organisation)
            has_published = DiscretionVersion.objects.filter(
                organisation=organisation, status=VersionStatus.PUBLISHED
            ).exists()
            version = DiscretionVersion.objects.create(
                organisation=organisation,
                label=spec["label"],
                issuer=spec["issuer"],
                sources="\n".join(spec["sources"]),
                effective_from=dt.date.fromisoformat(spec["effective_from"]),
                notes=spec["notes"] + "\n" + data["source_note"],
                # Never displace a list an agency published itself.
                status=VersionStatus.DRAFT if has_published else VersionStatus.PUBLISHED,
                created_by=publisher,
                created_at=now,
                published_by=None if has_published else publisher,
                published_at=None if has_published else now,
            )
            DiscretionItem.objects.bulk_create(
                [
                    DiscretionItem(version=version, created_at=now, updated_at=now, **values)
                    for values in items
                ]
            )
            created["versions"] += 1
            created["items"] += len(items)
        if record and any(created.values()):
            record_change(
                actor=actor,
                action="discretion.demo.load",
                object_type="discretion.demo",
                object_id=timefmt.fmt_stamp(now),
                after={"created": created},
                summary=(
                    f"载入演示裁量清单 {created['versions']} 个版本、{created['items']} 个事项"
                ),
            )
    return created
