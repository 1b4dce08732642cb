"""What the migrations seed, put back after a transactional test flushed it.

A browser test reads committed rows through the live server, so it runs in a transactional test,
and Django empties every table after each one: the holidays, the document kinds, the 五个严禁/
八个不得, the 监督文书 kinds and the complaint categories the migrations loaded are gone for the
tests that follow. ``reseed_after_flush`` loads them again with the migrations' own code, once:
on a database that still has them it changes nothing.
"""

from __future__ import annotations

# The seeding functions of the migrations, in the order the migrations run.
SEEDS = (
    ("zhifa.documents.migrations.0002_seed_document_kinds", "seed"),
    ("zhifa.documents.migrations.0004_load_prohibitions", "load"),
    ("zhifa.documents.migrations.0008_load_verified_prohibitions", "load"),
    ("zhifa.documents.migrations.0009_seed_supervision_kinds", "seed"),
    ("zhifa.supervision.migrations.0002_seed_letter_types", "seed"),
    ("zhifa.supervision.migrations.0003_seed_new_kinds", "seed"),
    ("zhifa.complaints.migrations.0002_national_categories", "seed"),
)


def reseed_after_flush() -> None:
    from importlib import import_module

    from django.apps import apps

    from zhifa.documents.models import DocumentKind
    from zhifa.workdays.services import load_all_from_package

    # The document kinds stand for all of them: a flush empties every table at once.
    if DocumentKind.objects.exists():
        return
    load_all_from_package(actor=None)
    for module, function in SEEDS:
        getattr(import_module(module), function)(apps, None)
