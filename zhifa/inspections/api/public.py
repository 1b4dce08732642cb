"""Public endpoints (no login): published results and the verification of a case's code."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db.models import Q, QuerySet
from django.http import HttpRequest
from django.utils import timezone
from ninja import Query, Status
from ninja.pagination import paginate

from zhifa.core import params
from zhifa.core.access import requires
from zhifa.documents.selectors import current_prohibitions
from zhifa.inspections import selectors
from zhifa.inspections.api._common import router
from zhifa.inspections.api.schemas import Message, PublicResultOut, VerificationOut
from zhifa.inspections.models import CaseStatus, InspectionCase

# --- Public (no login) ------------------------------------------------------------------------


@router.get(
    "/public/results",
    response=list[PublicResultOut],
    auth=None,
    summary="已公示的检查结果（无需登录）",
)
@paginate(params.Pagination, page_size=settings.ZHIFA_PAGE_SIZE)
@requires("public")
def list_public_results(
    request: HttpRequest,
    q: str = Query("", description="按企业名称或执法机关名称查找"),
    year: int | None = Query(None, description="检查日期所在年度"),
) -> QuerySet[InspectionCase]:
    return selectors.published_results(q=q.strip(), year=params.year(year))


# A case not yet approved (nor begun by an emergency oral notice) is no inspection: its code
# proves nothing and discloses nothing.
_UNVERIFIABLE = (CaseStatus.DRAFT, CaseStatus.SUBMITTED, CaseStatus.REJECTED)


@router.get(
    "/public/verify/{verify_code}",
    response={200: VerificationOut, 404: Message},
    auth=None,
    summary="扫码入企：核验检查是否真实（无需登录）",
    description="返回执法机关、检查对象、检查类型和日期、是否已批准、执法人员及其执法证今天是否"
    "有效、检查事项，以及“五个严禁”“八个不得”。草稿、待审批和未获批准的案件不公开。",
)
@requires("public")
def verify_case(request: HttpRequest, verify_code: str) -> Status[Any]:
    code = verify_code.strip().upper()
    case = (
        InspectionCase.objects.select_related("organisation", "enterprise")
        .filter(verify_code=code)
        .exclude(status__in=_UNVERIFIABLE)
        .filter(Q(approved_at__isnull=False) | Q(oral_notice__isnull=False))
        .first()
        if code
        else None
    )
    if case is None:
        return Status(
            404, {"detail": "核验码不存在或该检查尚未批准，请向执法人员核实，或拨打12345反映。"}
        )
    today = timezone.localdate()
    return Status(
        200,
        {
            "verify_code": case.verify_code,
            "reference": case.reference,
            "organisation_name": case.organisation.name,
            "enterprise_name": case.enterprise.name,
            "kind": case.kind,
            "kind_label": case.get_kind_display(),
            "inspection_date": case.inspection_date,
            "inspection_time": case.inspection_time,
            "status": case.status,
            "status_label": case.get_status_display(),
            "is_approved": case.approved_by_id is not None,
            "is_emergency": case.is_emergency,
            "officers": [
                {
                    "name": a.officer.name,
                    "cert_no": a.officer.cert_no,
                    "cert_valid_until": a.officer.cert_valid_until,
                    "valid_today": a.officer.is_eligible(today),
                }
                for a in case.assignments.select_related("officer").order_by("position")
            ],
            "items": [{"code": i.code, "name": i.name} for i in case.items.order_by("code")],
            "prohibitions": current_prohibitions(today),
        },
    )
