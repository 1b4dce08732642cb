"""Reading cases (list, detail, timeline, evidence, inbox), creating and changing them."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import FileResponse, HttpRequest
from ninja import Query, Status
from ninja.errors import HttpError
from ninja.pagination import paginate

from zhifa.core import params
from zhifa.core.access import requires
from zhifa.core.viewhelpers import stored_file
from zhifa.draws.models import DrawResult
from zhifa.inspections import selectors, services
from zhifa.inspections.api._common import (
    _acting_organisation,
    _case,
    _case_payload,
    _cases,
    _lookup_refused,
    _run,
    _step,
    _user,
    router,
)
from zhifa.inspections.api.schemas import (
    CaseChangeIn,
    CaseDetailOut,
    CaseIn,
    CaseOut,
    CaseView,
    FieldErrors,
    InboxSectionOut,
    Message,
    TimelineEntryOut,
)
from zhifa.inspections.models import CaseStatus, FindingEvidence, InspectionCase, InspectionKind
from zhifa.org.models import Officer, Organisation
from zhifa.org.scoping import visible_to
from zhifa.plans.models import InspectionItem
from zhifa.registry.models import Enterprise


def _items(
    organisation: Organisation, codes: list[str], errors: dict[str, list[str]]
) -> list[InspectionItem]:
    codes = [c.strip() for c in codes]
    found = {
        i.code: i for i in InspectionItem.objects.filter(organisation=organisation, code__in=codes)
    }
    missing = [c for c in codes if c not in found]
    if missing:
        errors["items"] = [
            f"{organisation.name}的检查事项清单中没有编码为“{c}”的事项，请核对后重新填写。"
            for c in missing
        ]
    return [found[c] for c in codes if c in found]


def _officers(
    organisation: Organisation, cert_nos: list[str], errors: dict[str, list[str]]
) -> list[Officer]:
    cert_nos = [c.strip() for c in cert_nos]
    found = {
        o.cert_no: o
        for o in Officer.objects.filter(organisation=organisation, cert_no__in=cert_nos)
    }
    missing = [c for c in cert_nos if c not in found]
    if missing:
        errors["officers"] = [
            f"{organisation.name}没有执法证号为 {c} 的执法人员，请核对后重新填写。" for c in missing
        ]
    return [found[c] for c in cert_nos if c in found]


# --- Reading ----------------------------------------------------------------------------------


@router.get("/cases", response=list[CaseOut], summary="检查案件列表")
@paginate(params.Pagination, page_size=settings.ZHIFA_PAGE_SIZE)
@requires("case.list")
def list_cases(
    request: HttpRequest,
    q: str = Query("", description="按案件编号、企业名称、统一社会信用代码或检查名称查找"),
    status: str = Query("", description="、".join(CaseStatus.values)),
    kind: str = Query("", description="、".join(InspectionKind.values)),
    year: int | None = Query(None, description="检查日期所在年度"),
) -> QuerySet[InspectionCase]:
    if status and status not in CaseStatus.values:
        raise HttpError(
            400,
            f"参数 status 的取值“{status}”无效，可用的取值为：{'、'.join(CaseStatus.values)}。",
        )
    if kind and kind not in InspectionKind.values:
        raise HttpError(
            400,
            f"参数 kind 的取值“{kind}”无效，可用的取值为：{'、'.join(InspectionKind.values)}。",
        )
    cases = _cases(_user(request))
    return selectors.search_cases(
        cases, q=q.strip(), status=status, kind=kind, year=params.year(year)
    )


@router.get(
    "/cases/{case_id}",
    response={200: CaseView, 404: Message},
    summary="检查案件详情",
    description="执法机关和执法监督机关得到完整记录（audience=agency）；被检查企业和社会监督员"
    "得到对外内容（audience=external），不含检查事由原文、免于预告理由、审批、决定前的检查记录、"
    "裁量建议与未采纳理由、口头通知记录和处理说明。",
)
@requires("case.view", InspectionCase, kwarg="case_id")
def get_case(request: HttpRequest, case_id: int) -> Status[Any]:
    user = _user(request)
    return Status(200, _case_payload(_case(user, case_id), user))


@router.get(
    "/cases/{case_id}/timeline",
    response={200: list[TimelineEntryOut], 404: Message},
    summary="案件全过程记录（时间线）",
)
@requires("case.view", InspectionCase, kwarg="case_id")
def get_timeline(request: HttpRequest, case_id: int) -> Status[Any]:
    user = _user(request)
    return Status(200, selectors.timeline(_case(user, case_id), user))


@router.get(
    "/evidence/{evidence_id}",
    response={404: Message},
    summary="下载证据文件（其 SM3 见案件详情 findings[].evidence[].sm3）",
)
@requires("evidence.view", FindingEvidence, kwarg="evidence_id")
def download_evidence(request: HttpRequest, evidence_id: int) -> FileResponse:
    evidence = selectors.evidence_for(_user(request), evidence_id)
    return stored_file(str(evidence.file.name), selectors.evidence_filename(evidence))


INBOX_LISTED = 50


@router.get("/inbox", response=list[InboxSectionOut], summary="待办：按角色列出等待我办理的案件")
@requires("signed_in")
def get_inbox(request: HttpRequest) -> list[dict[str, Any]]:
    # Every section with its true count; the first INBOX_LISTED cases of each are listed.
    return [
        {
            "key": s.key,
            "title": s.title,
            "hint": s.hint,
            "count": s.count,
            "cases": s.first(INBOX_LISTED),
        }
        for s in selectors.inbox(_user(request))
    ]


# --- Creation and change ----------------------------------------------------------------------


@router.post(
    "/cases",
    response={201: CaseDetailOut, 403: Message, 400: FieldErrors},
    summary="新建检查案件（草稿）",
)
@requires("case.create")
def create_case(request: HttpRequest, payload: CaseIn) -> Status[Any]:
    user = _user(request)
    errors: dict[str, list[str]] = {}
    try:
        organisation = _acting_organisation(
            user, payload.organisation, errors, action="case.create"
        )
    except PermissionDenied as error:
        return Status(403, {"detail": str(error)})
    uscc = payload.enterprise.strip().upper()
    enterprise = visible_to(user, Enterprise.objects.all()).filter(uscc=uscc).first()
    if enterprise is None:
        errors["enterprise"] = [
            f"未找到统一社会信用代码为 {uscc} 的企业，请核对，或先在检查对象名录库中登记。"
        ]
    draw_result = None
    if payload.draw_result is not None:
        draw_result = (
            visible_to(user, DrawResult.objects.select_related("draw__task", "enterprise"))
            .filter(pk=payload.draw_result)
            .first()
        )
        if draw_result is None:
            errors["draw_result"] = [
                f"未找到编号为 {payload.draw_result} 的抽取结果，或您无权查看。"
            ]
        elif enterprise is not None and draw_result.enterprise_id != enterprise.pk:
            errors["draw_result"] = [
                f"该抽取结果抽中的是{draw_result.enterprise.name}，与检查对象不一致。"
            ]
    if organisation is None:
        return _lookup_refused(errors)
    items = _items(organisation, payload.items, errors)
    officers = _officers(organisation, payload.officers, errors)
    if errors or enterprise is None:
        return _lookup_refused(errors)
    return _run(
        lambda: services.create_case(
            organisation=organisation,
            enterprise=enterprise,
            kind=payload.kind,
            items=items,
            officers=officers,
            inspection_date=payload.inspection_date,
            actor=user,
            title=payload.title,
            reason=payload.reason,
            inspection_time=payload.inspection_time,
            exemption_reason=payload.exemption_reason,
            is_emergency=payload.is_emergency,
            draw_result=draw_result,
        ),
        lambda case: Status(201, _case_payload(_case(user, case.pk), user)),
    )


@router.patch(
    "/cases/{case_id}",
    response={200: CaseDetailOut, 403: Message, 404: Message, 400: FieldErrors},
    summary="修改检查内容（已批准的案件修改对象、事项、人员或时间后退回重新审批）",
)
@requires("case.edit", InspectionCase, kwarg="case_id")
def update_case(request: HttpRequest, case_id: int, payload: CaseChangeIn) -> Status[Any]:
    user = _user(request)
    case = _case(user, case_id)
    errors: dict[str, list[str]] = {}
    changes = payload.model_dump(exclude_unset=True)
    items = _items(case.organisation, payload.items, errors) if payload.items is not None else None
    officers = (
        _officers(case.organisation, payload.officers, errors)
        if payload.officers is not None
        else None
    )
    if errors:
        return _lookup_refused(errors)
    return _step(
        request,
        case_id,
        lambda c, u: services.update_case(
            c,
            actor=u,
            items=items,
            officers=officers,
            inspection_date=changes.get("inspection_date"),
            inspection_time=changes.get("inspection_time"),
            title=changes.get("title"),
            reason=changes.get("reason"),
        ),
    )
