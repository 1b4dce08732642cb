"""A decision records the provision violated and the penalty (责令改正) provision apart.

The single 法律依据 officers typed until now was the article the penalty or the order rests on
(the 责令改正通知书 wrongly printed it after "违反了"), so it stays where it is, renamed
``penalty_provision``. The violated provision is filled only where the data says it: from the
违法依据 of the list item the decision was weighed against, as recorded in the finding's
``evaluation`` when all its items agree; otherwise it is left blank.
"""

from __future__ import annotations

from typing import Any

from django.db import migrations, models

from zhifa.discretion.provisions import split_basis


def violated_from_evaluation(evaluation: Any) -> str:
    items = evaluation.get("items") if isinstance(evaluation, dict) else None
    bases = {
        split_basis(str(item.get("violation_basis") or ""))[0]
        for item in items or ()
        if isinstance(item, dict) and item.get("violation_basis")
    }
    return bases.pop() if len(bases) == 1 else ""


def fill_violated(apps: Any, schema_editor: Any) -> None:
    CaseFinding = apps.get_model("inspections", "CaseFinding")
    for finding in CaseFinding.objects.exclude(chosen="").only("pk", "evaluation").iterator():
        violated = violated_from_evaluation(finding.evaluation)[:300]
        if violated:
            CaseFinding.objects.filter(pk=finding.pk).update(violated_provision=violated)


class Migration(migrations.Migration):
    dependencies = [
        ("inspections", "0003_finding_evaluation"),
    ]

    operations = [
        migrations.RenameField(
            model_name="casefinding", old_name="legal_basis", new_name="penalty_provision"
        ),
        migrations.AlterField(
            model_name="casefinding",
            name="penalty_provision",
            field=models.CharField(blank=True, max_length=300, verbose_name="处罚（责令改正）依据"),
        ),
        migrations.AddField(
            model_name="casefinding",
            name="violated_provision",
            field=models.CharField(blank=True, max_length=300, verbose_name="违反的规定"),
        ),
        migrations.RunPython(fill_violated, migrations.RunPython.noop),
    ]
