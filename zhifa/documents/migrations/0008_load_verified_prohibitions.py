"""Load the 五个严禁/八个不得 as worded in 国办发〔2024〕54号 (checked against reports quoting it).

The paraphrased version loaded by 0004 stays as it was: documents issued with it keep its text.
The new version carries a later 施行日期, so documents dated from then on print the new wording.
0004's loader adds each version of the data file that is missing and leaves loaded ones alone,
so it serves here too.
"""

from __future__ import annotations

from importlib import import_module

from django.db import migrations

load = import_module("zhifa.documents.migrations.0004_load_prohibitions").load


class Migration(migrations.Migration):
    dependencies = [("documents", "0007_batch_follow_up")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
