"""A supervision document drafted from an item goes to the agency complained about: it names
the problem, never who complained."""

from __future__ import annotations

import json

import pytest

from zhifa.complaints import services
from zhifa.complaints.prefill import complaint_prefill
from zhifa.supervision import sources

pytestmark = pytest.mark.django_db

IDENTITY = ("陈经理", "13800000001", "舟山海鲜酒楼有限公司")


def test_the_prefill_of_a_supervision_document_names_the_problem_but_not_the_complainant(
    assigned, supervisor
):
    prefill = complaint_prefill(assigned.pk, supervisor)
    text = json.dumps(
        [prefill.label, prefill.matter, prefill.facts, prefill.problems], ensure_ascii=False
    )
    assert prefill.addressee == assigned.agency
    assert prefill.facts[0].endswith(assigned.content)
    for value in (*IDENTITY, assigned.tracking_code):
        assert value not in text


def test_the_complaint_source_is_registered_for_supervision_documents():
    assert sources.source("complaint").label == "问题清单"
    assert sources.draft_url("complaint", 7) == (
        "/supervision/letters/new/?source=complaint&source_pk=7"
    )


def test_an_agency_user_cannot_load_the_prefill(assigned, inspector):
    from django.http import Http404

    with pytest.raises(Http404):
        complaint_prefill(assigned.pk, inspector)


def test_the_reminder_drafted_for_an_overdue_item_does_not_name_the_complainant(assigned, clock):
    import datetime as dt

    clock.move_to(dt.datetime(2026, 12, 10, 9, 0, tzinfo=dt.timezone(dt.timedelta(hours=8))))
    (letter,) = services.escalate_overdue(dt.date(2026, 12, 10))
    context = json.dumps(letter.document.context, ensure_ascii=False)
    assert f"问题清单第{assigned.number}号" in context
    for value in (*IDENTITY, assigned.tracking_code):
        assert value not in context
