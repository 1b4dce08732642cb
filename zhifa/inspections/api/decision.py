"""The decision on a case."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Status

from zhifa.core.access import requires
from zhifa.inspections import services
from zhifa.inspections.api._common import _STEP_RESPONSES, _step, router
from zhifa.inspections.api.schemas import DecideIn
from zhifa.inspections.models import InspectionCase

# --- Decision ---------------------------------------------------------------------------------


@router.post(
    "/cases/{case_id}/decide",
    response=_STEP_RESPONSES,
    summary="作出处理决定：未发现问题、不予行政处罚、责令改正或立案查处",
    description="decisions 以检查记录的序号为键，对每个发现问题的项作出决定；"
    "错误按 decisions.<序号> 列出。",
)
@requires("case.decide", InspectionCase, kwarg="case_id")
def decide_case(request: HttpRequest, case_id: int, payload: DecideIn) -> Status[Any]:
    decisions = {
        position: {
            **d.model_dump(exclude={"legal_basis"}),
            "penalty_provision": d.penalty_provision or d.legal_basis,
        }
        for position, d in payload.decisions.items()
    }
    return _step(
        request,
        case_id,
        lambda c, u: services.decide_case(
            c,
            actor=u,
            outcome=payload.outcome,
            decisions=decisions,
            rectify_working_days=payload.rectify_working_days,
            requirements=payload.requirements,
            note=payload.note,
        ),
    )
