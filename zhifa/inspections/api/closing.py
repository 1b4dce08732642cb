"""After the decision: recheck, publication, rating and objections."""

from __future__ import annotations

from typing import Any

from django.http import FileResponse, HttpRequest
from ninja import File, Form, Status
from ninja.errors import HttpError
from ninja.files import UploadedFile

from zhifa.core.access import requires
from zhifa.core.viewhelpers import stored_file
from zhifa.inspections import services
from zhifa.inspections.api._common import (
    _STEP_RESPONSES,
    _case,
    _objection,
    _rectification_report,
    _run,
    _step,
    _user,
    router,
)
from zhifa.inspections.api.schemas import (
    AnswerIn,
    FieldErrors,
    Message,
    ObjectionFormIn,
    ObjectionIn,
    ObjectionOut,
    PublishIn,
    RateIn,
    RecheckIn,
    RectificationReportOut,
)
from zhifa.inspections.models import (
    InspectionCase,
    Objection,
    ObjectionAttachment,
    RectificationPhoto,
    RectificationReport,
)
from zhifa.org.scoping import visible_to


@router.get(
    "/cases/{case_id}/rectification-reports",
    response={200: list[RectificationReportOut], 404: Message},
    summary="企业报告的整改情况（先提交的在前；企业本身、检查机关及其监督机关可见）",
)
@requires("case.view", InspectionCase, kwarg="case_id")
def list_rectification_reports(request: HttpRequest, case_id: int) -> list[dict[str, Any]]:
    user = _user(request)
    case = _case(user, case_id)
    # The rows are scoped as the page's photo view is: a social supervisor sees the case but
    # not what the enterprise reported, so he reads an empty list, as on his page.
    reports = (
        RectificationReport.objects.restrict(user)
        .filter(case=case)
        .prefetch_related("photos")
        .order_by("submitted_at", "pk")
    )
    return [_rectification_report(r) for r in reports]


@router.post(
    "/cases/{case_id}/rectification-reports",
    response={201: RectificationReportOut, 403: Message, 404: Message, 400: FieldErrors},
    summary="企业报告整改情况（责令改正后、整改期间；multipart/form-data：text，"
    "photos 可多个，JPG/PNG，至多 9 张；逾期仍可提交，记为逾期）",
)
@requires("case.respond", InspectionCase, kwarg="case_id")
def report_rectification(
    request: HttpRequest,
    case_id: int,
    text: Form[str] = "",
    photos: File[list[UploadedFile] | None] = None,
) -> Status[Any]:
    user = _user(request)
    case = _case(user, case_id)
    return _run(
        lambda: services.report_rectification(
            case, actor=user, text=text, photos=list(photos or [])
        ),
        lambda report: Status(201, _rectification_report(report)),
    )


@router.get(
    "/rectification-photos/{photo_id}",
    response={404: Message},
    url_name="inspections_rectification_photo",
    summary="下载整改照片（地址见整改情况 photos[].url）",
)
@requires("case.view", RectificationPhoto, kwarg="photo_id")
def download_rectification_photo(request: HttpRequest, photo_id: int) -> FileResponse:
    photo = RectificationPhoto.objects.restrict(_user(request)).filter(pk=photo_id).first()
    if photo is None:
        raise HttpError(404, RectificationPhoto.access_not_found)
    return stored_file(str(photo.file.name), str(photo.file.name).rsplit("/", 1)[-1])


@router.post(
    "/cases/{case_id}/recheck",
    response=_STEP_RESPONSES,
    summary="复查整改情况，出具复查意见书",
)
@requires("case.recheck", InspectionCase, kwarg="case_id")
def record_recheck(request: HttpRequest, case_id: int, payload: RecheckIn) -> Status[Any]:
    return _step(
        request,
        case_id,
        lambda c, u: services.record_recheck(
            c,
            actor=u,
            passed=payload.passed,
            note=payload.note,
            rechecked_on=payload.rechecked_on,
            file_case=payload.file_case,
        ),
    )


@router.post("/cases/{case_id}/publish", response=_STEP_RESPONSES, summary="公示检查结果")
@requires("case.edit", InspectionCase, kwarg="case_id")
def publish_result(request: HttpRequest, case_id: int, payload: PublishIn) -> Status[Any]:
    return _step(
        request,
        case_id,
        lambda c, u: services.publish_result(c, actor=u, summary=payload.summary),
    )


@router.post(
    "/cases/{case_id}/rate",
    response=_STEP_RESPONSES,
    summary="企业评价本次检查（1–5 星，一次）",
)
@requires("case.respond", InspectionCase, kwarg="case_id")
def rate_case(request: HttpRequest, case_id: int, payload: RateIn) -> Status[Any]:
    return _step(
        request,
        case_id,
        lambda c, u: services.rate_case(c, actor=u, rating=payload.rating, comment=payload.comment),
    )


@router.post(
    "/cases/{case_id}/objections",
    response={201: ObjectionOut, 403: Message, 404: Message, 400: FieldErrors},
    summary="企业对检查提出异议（转执法监督机关）",
)
@requires("case.respond", InspectionCase, kwarg="case_id")
def object_to_case(request: HttpRequest, case_id: int, payload: ObjectionIn) -> Status[Any]:
    user = _user(request)
    case = _case(user, case_id)
    return _run(
        lambda: services.object_to_case(
            case, actor=user, text=payload.text, category=payload.category
        ),
        lambda objection: Status(201, _objection(objection)),
    )


@router.post(
    "/cases/{case_id}/objections/with-attachments",
    response={201: ObjectionOut, 403: Message, 404: Message, 400: FieldErrors},
    summary="企业对检查提出异议并附材料（multipart/form-data：category、text，"
    "attachments 可多个，PDF/JPG/PNG，至多 9 个）",
)
@requires("case.respond", InspectionCase, kwarg="case_id")
def object_to_case_with_attachments(
    request: HttpRequest,
    case_id: int,
    payload: Form[ObjectionFormIn],
    attachments: File[list[UploadedFile] | None] = None,
) -> Status[Any]:
    user = _user(request)
    case = _case(user, case_id)
    return _run(
        lambda: services.object_to_case(
            case,
            actor=user,
            text=payload.text,
            category=payload.category,
            files=list(attachments or []),
        ),
        lambda objection: Status(201, _objection(objection)),
    )


@router.get(
    "/objection-attachments/{attachment_id}",
    response={404: Message},
    url_name="inspections_objection_attachment",
    summary="下载异议附件（地址见异议 attachments[].url）",
)
@requires("case.view", ObjectionAttachment, kwarg="attachment_id")
def download_objection_attachment(request: HttpRequest, attachment_id: int) -> FileResponse:
    found = ObjectionAttachment.objects.restrict(_user(request)).filter(pk=attachment_id).first()
    if found is None:
        raise HttpError(404, ObjectionAttachment.access_not_found)
    return stored_file(str(found.file.name), found.filename)


@router.post(
    "/objections/{objection_id}/answer",
    response={200: ObjectionOut, 403: Message, 404: Message, 400: FieldErrors},
    summary="执法监督机关答复企业异议",
)
@requires("objection.answer", Objection, kwarg="objection_id")
def answer_objection(request: HttpRequest, objection_id: int, payload: AnswerIn) -> Status[Any]:
    user = _user(request)
    objection = (
        visible_to(user, Objection.objects.select_related("case")).filter(pk=objection_id).first()
    )
    if objection is None:
        raise HttpError(404, "没有找到该异议，或您无权查看。")
    return _run(
        lambda: services.answer_objection(objection, actor=user, answer=payload.answer),
        lambda answered: Status(200, _objection(answered)),
    )
