"""Demo compliance guidance list: ``data/demo_guidance*.csv`` published as “舟山市 2025版”.

``demo_guidance.csv`` holds the first four fields, ``demo_guidance_more_fields.csv`` the others;
they are imported as one file, in that order.

The items cite real laws and regulations (see ``data/SOURCE.md``). Loading is idempotent: the
version is keyed by region, publisher and label, and is created, filled and published only when
missing, through the same services a curator uses, so its audit records are the ordinary ones.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.db import transaction

from zhifa.compliance import services
from zhifa.compliance.models import GuidanceVersion
from zhifa.org.models import EnforcementField, Region, Role, User

DATA_DIR = Path(__file__).resolve().parent / "data"
DEMO_FILES = (DATA_DIR / "demo_guidance.csv", DATA_DIR / "demo_guidance_more_fields.csv")
DEMO_REGION = "330900"
DEMO_PUBLISHER = "舟山市司法局"
DEMO_LABEL = "2025版"
DEMO_TITLE = "舟山市涉企行政执法合规指导清单"
DEMO_FIELDS = {
    "health": "卫生健康",
    "market": "市场监管",
    "ecology": "生态环境",
    "emergency": "应急管理",
    "transport": "交通运输",
    "agriculture": "农业农村",
    "urban": "城市管理",
    "culture": "文化旅游",
}


def demo_file_bytes() -> bytes:
    """The demo files as one import file: the header once, then every row."""
    parts: list[str] = []
    for number, path in enumerate(DEMO_FILES):
        text = path.read_text(encoding="utf-8-sig").rstrip("\n") + "\n"
        parts.append(text if number == 0 else text.split("\n", 1)[1])
    return "".join(parts).encode("utf-8")


def load_demo_compliance(actor: Any = None) -> GuidanceVersion:
    """Publish the demo guidance list for 舟山市 unless it is there; the version either way.

    ``actor`` defaults to the first administrator; the region 330900 must exist (``demo load``
    creates it)."""
    existing = GuidanceVersion.objects.filter(
        region_id=DEMO_REGION, publisher=DEMO_PUBLISHER, label=DEMO_LABEL
    ).first()
    if existing is not None and not existing.is_draft:
        return existing
    actor = actor if getattr(actor, "pk", None) else None
    actor = actor or User.objects.filter(role=Role.ADMIN, is_active=True).order_by("pk").first()
    if actor is None:
        raise RuntimeError("载入演示合规指导清单需要一个系统管理员账号。")
    region = Region.objects.get(code=DEMO_REGION)
    with transaction.atomic():
        for code, name in DEMO_FIELDS.items():
            EnforcementField.objects.get_or_create(code=code, defaults={"name": name})
        version = existing or services.create_version(
            region=region,
            data={
                "publisher": DEMO_PUBLISHER,
                "label": DEMO_LABEL,
                "title": DEMO_TITLE,
                "source_note": (
                    "演示内容：依据食品安全法、生态环境法典、安全生产法、消防法、公共场所卫生管理条例"
                    "及其实施细则、道路运输条例、农产品质量安全法、城市道路管理条例、娱乐场所管理条例等"
                    "现行法律法规编写，条文内容为摘要，以官方公布文本为准。"
                ),
            },
            actor=actor,
        )
        outcome = services.import_items(
            version, file_name=DEMO_FILES[0].name, content=demo_file_bytes(), actor=actor
        )
        if not outcome.report.ok:
            problems = outcome.report.file_error or "; ".join(
                f"第 {e.row} 行 {e.column}：{e.message}" for e in outcome.report.errors[:5]
            )
            raise RuntimeError(f"演示合规指导清单有误：{problems}")
        return services.publish_version(version, actor=actor)
