"""Seed the national default 监督文书种类; a kind not (yet) in DocumentKind is skipped."""

from __future__ import annotations

from django.db import migrations


def seed(apps, schema_editor):
    from zhifa.supervision.data.letter_types import DEFAULTS, ESCALATION

    DocumentKind = apps.get_model("documents", "DocumentKind")
    LetterType = apps.get_model("supervision", "LetterType")
    for position, row in enumerate(DEFAULTS, start=1):
        kind = DocumentKind.objects.filter(code=row["kind"]).first()
        if kind is None:
            continue
        window, decision, review_source = row.get("review") or (None, None, "")
        LetterType.objects.update_or_create(
            region=None,
            kind=kind,
            defaults={
                "name": row["name"],
                "purpose": row["purpose"],
                "legal_basis": row["basis"],
                "needs_reply": row["needs_reply"],
                "reply_working_days": row["days"],
                "deadline_source": row["source"],
                "review_window_working_days": window,
                "review_decision_working_days": decision,
                "review_source": review_source,
                "remind_after_working_days": 1 if row["needs_reply"] else None,
                # A 督办函 is not itself reminded again: escalation stops at the 督办函.
                "urge_after_working_days": (
                    6 if row["needs_reply"] and row["kind"] != "urging_letter" else None
                ),
                "escalation_source": ESCALATION if row["needs_reply"] else "",
                "sort_order": position * 10,
            },
        )


def unseed(apps, schema_editor):
    apps.get_model("supervision", "LetterType").objects.filter(region=None).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("supervision", "0001_initial"),
        ("documents", "0008_load_verified_prohibitions"),
    ]

    operations = [migrations.RunPython(seed, unseed)]
