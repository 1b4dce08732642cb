"""Pages of draws: the agency's draw tasks and 回避 list, and the public record (no login)."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from zhifa.core import access, timefmt
from zhifa.core.access import requires
from zhifa.core.exports import local_time, xlsx_response
from zhifa.core.viewhelpers import add_service_errors as _form_errors
from zhifa.core.viewhelpers import posted as _posted
from zhifa.core.viewhelpers import request_user as _user
from zhifa.draws import pools, selectors, services
from zhifa.draws.forms import (
    AnnounceForm,
    CancelForm,
    ConflictForm,
    DrawFilterForm,
    DrawForm,
    PerformForm,
    SourceFormSet,
    sources_from,
)
from zhifa.draws.models import (
    DrawMode,
    DrawStatus,
    DrawTask,
    OfficerConflict,
)
from zhifa.draws.record import pool_blocks, stratum_pool_bytes
from zhifa.org.models import User

# Steps of one selection shown on the public page; the record.json holds them all.
STEP_LIMIT = 500
RESULTS_PER_PAGE = 100


def _filtered(request: HttpRequest, user: User) -> tuple[DrawFilterForm, QuerySet[DrawTask]]:
    form = DrawFilterForm(request.GET or None)
    filters = form.filters()
    if filters is None:
        return form, DrawTask.objects.none()
    return form, selectors.visible_draws(
        user,
        q=filters.get("q") or "",
        status=filters.get("status") or "",
        year=filters.get("year") or None,
    )


# --- agency pages ----------------------------------------------------------------------------


@login_required
@requires("draw.list")
@require_GET
def draw_list(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    form, draws = _filtered(request, user)
    page = Paginator(draws, settings.ZHIFA_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "draws/draw_list.html",
        {
            "form": form,
            "page": page,
            "total": page.paginator.count,
            "can_create": access.can(user, "draw.create"),
            "export_query": request.GET.urlencode(),
        },
    )


@login_required
@requires("draw.list")
@require_GET
def draw_export(request: HttpRequest) -> HttpResponse:
    """The results of the filtered draws as .xlsx, one enterprise per row."""
    user = _user(request)
    _, draws = _filtered(request, user)
    results = selectors.results_of(draws)

    def rows() -> Iterator[Sequence[Any]]:
        for result in results.iterator(chunk_size=1000):
            officers = [a.officer for a in result.assignments.all()]
            yield [
                result.draw.title,
                result.stratum.code,
                result.sequence,
                result.enterprise.uscc,
                result.enterprise.name,
                "、".join(f"{o.name}（{o.cert_no}）" for o in officers),
                str(result.get_status_display()),
                local_time(result.draw.drawn_at),
            ]

    return xlsx_response(
        "抽取结果",
        [
            "抽取任务",
            "分层",
            "抽中顺序",
            "统一社会信用代码",
            "企业名称",
            "检查人员",
            "状态",
            "抽取时间",
        ],
        rows(),
    )


@login_required
@requires("draw.create")
@require_http_methods(["GET", "POST"])
def draw_create(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    initial = {}
    if request.GET.get("task"):
        initial["task"] = request.GET["task"]
    form = DrawForm(_posted(request), user=user, initial=initial)
    formset = SourceFormSet(_posted(request), prefix="sources")
    if request.method == "POST" and form.is_valid() and formset.is_valid():
        data = form.cleaned_data
        try:
            draw = services.create_draw(
                task=data["task"],
                title=data["title"],
                mode=data["mode"],
                reveal_date=data["reveal_date"],
                sources=sources_from(formset),
                actor=user,
                inspection_start=data.get("inspection_start"),
                inspection_end=data.get("inspection_end"),
                counts=data.get("counts") or None,
            )
        except ValidationError as error:
            _form_errors(form, error)
        else:
            messages.success(request, f"已创建抽取任务“{draw.title}”（草稿）。核对无误后请公告。")
            return redirect("draws:draw_detail", pk=draw.pk)
    return render(request, "draws/draw_form.html", {"form": form, "formset": formset})


def _detail_context(draw: DrawTask) -> dict[str, Any]:
    return {
        "draw": draw,
        "strata": list(draw.strata.order_by("code")),
        "sources": list(draw.sources.order_by("position")),
        "results": selectors.draw_results(draw),
    }


@login_required
@requires("draw.list", DrawTask)
@require_GET
def draw_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    draw = selectors.visible_draw(user, pk)
    context = _detail_context(draw)
    page = Paginator(context.pop("results"), RESULTS_PER_PAGE).get_page(request.GET.get("page"))
    context.update(
        {
            "page": page,
            "can_draw": access.can(user, "draw.perform", draw),
            "statuses": DrawStatus,
        }
    )
    return render(request, "draws/draw_detail.html", context)


@login_required
@requires("draw.announce", DrawTask)
@require_http_methods(["GET", "POST"])
def draw_announce(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    draw = selectors.visible_draw(user, pk)
    form = AnnounceForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            draw = services.announce_draw(draw, actor=user)
        except ValidationError as error:
            _form_errors(form, error)
        else:
            messages.success(
                request, f"已公告抽取任务“{draw.title}”：名录 {draw.pool_size} 户，SM3 已公开。"
            )
            return redirect("draws:draw_detail", pk=draw.pk)
    return render(
        request,
        "draws/draw_announce.html",
        {"draw": draw, "form": form, "sources": list(draw.sources.order_by("position"))},
    )


@login_required
@requires("draw.perform", DrawTask)
@require_http_methods(["GET", "POST"])
def draw_perform(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    draw = selectors.visible_draw(user, pk)
    form = PerformForm(_posted(request), draw=draw)
    if request.method == "POST" and form.is_valid():
        try:
            draw = services.perform_draw(draw, values=form.values(), actor=user)
        except ValidationError as error:
            _form_errors(form, error)
        else:
            count = draw.results.count()
            messages.success(request, f"抽取完成：抽中 {count} 户企业，公开记录已生成。")
            return redirect("draws:draw_detail", pk=draw.pk)
    return render(
        request,
        "draws/draw_perform.html",
        {"draw": draw, "form": form, "is_commit": draw.mode == DrawMode.COMMIT},
    )


@login_required
@requires("draw.cancel", DrawTask)
@require_http_methods(["GET", "POST"])
def draw_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    draw = selectors.visible_draw(user, pk)
    form = CancelForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            draw = services.cancel_draw(draw, reason=form.cleaned_data["reason"], actor=user)
        except ValidationError as error:
            _form_errors(form, error)
        else:
            messages.success(request, f"已撤销抽取任务“{draw.title}”。")
            return redirect("draws:draw_detail", pk=draw.pk)
    return render(request, "draws/draw_cancel.html", {"draw": draw, "form": form})


# --- 回避 --------------------------------------------------------------------------------------


@login_required
@requires("conflict.list")
@require_GET
def conflict_list(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    q = request.GET.get("q", "").strip()
    conflicts = selectors.visible_conflicts(user, q=q, active_only=request.GET.get("active") == "1")
    page = Paginator(conflicts, settings.ZHIFA_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "draws/conflict_list.html",
        {
            "page": page,
            "q": q,
            "active": request.GET.get("active") == "1",
            "total": page.paginator.count,
            "can_declare": access.can(user, "conflict.keep"),
        },
    )


@login_required
@requires("conflict.keep")
@require_http_methods(["GET", "POST"])
def conflict_declare(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    form = ConflictForm(_posted(request), user=user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            conflict = services.declare_conflict(
                data["officer"], data["uscc"], data["reason"], user
            )
        except ValidationError as error:
            form.add_error(None, error.messages)
        else:
            messages.success(
                request, f"已登记回避：{conflict.officer.name}回避{conflict.enterprise.name}。"
            )
            return redirect("draws:conflict_list")
    return render(request, "draws/conflict_form.html", {"form": form})


@login_required
@requires("conflict.keep", OfficerConflict)
@require_POST
def conflict_withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    conflict = selectors.visible_conflict(user, pk)
    try:
        services.withdraw_conflict(conflict, actor=user)
    except ValidationError as error:
        messages.error(request, "；".join(error.messages))
    else:
        messages.success(request, "已撤回该回避登记。")
    return redirect("draws:conflict_list")


# --- public pages (no login) -----------------------------------------------------------------


@requires("public")
@require_GET
def public_list(request: HttpRequest) -> HttpResponse:
    q = request.GET.get("q", "").strip()
    status = request.GET.get("status", "")
    draws = selectors.public_draws(q=q, status=status)
    page = Paginator(draws, settings.ZHIFA_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "draws/public_list.html",
        {"page": page, "q": q, "status": status, "total": page.paginator.count},
    )


@requires("public")
@require_GET
def public_detail(request: HttpRequest, pk: int) -> HttpResponse:
    draw = selectors.public_draw(pk)
    context = _detail_context(draw)
    results_page = Paginator(context.pop("results"), RESULTS_PER_PAGE).get_page(
        request.GET.get("page")
    )
    record = draw.record if draw.status == DrawStatus.DRAWN else None
    strata_steps: list[dict[str, Any]] = []
    officer_steps: dict[str, list[dict[str, Any]]] = {}
    names: dict[str, str] = {}
    if record:
        for stratum in record["strata"]:
            steps = stratum["steps"]
            strata_steps.append(
                {
                    **{k: v for k, v in stratum.items() if k != "steps"},
                    "steps": steps[:STEP_LIMIT],
                    "hidden": max(0, len(steps) - STEP_LIMIT),
                    "skips": [s for s in steps if not s["accepted"]],
                }
            )
        on_page = {r.enterprise.uscc for r in results_page}
        officer_steps = {
            d["uscc"]: d["steps"] for d in record["officer_draws"] if d["uscc"] in on_page
        }
        names = {r["uscc"]: r["name"] for r in record["results"]}
    rows = [
        {
            "result": r,
            "officers": [a.officer for a in r.assignments.all()],
            "steps": officer_steps.get(r.enterprise.uscc, []),
            "key_string": (
                services.draw_record.officer_key(
                    draw.key_string, r.enterprise.uscc, draw.key_format
                )
                if draw.key_string
                else ""
            ),
        }
        for r in results_page
    ]
    context.update(
        {
            "plain": _plain_summary(draw, record),
            "record": record,
            "strata_steps": strata_steps,
            "page": results_page,
            "rows": rows,
            "names": names,
            "step_limit": STEP_LIMIT,
            "is_commit": draw.mode == DrawMode.COMMIT,
        }
    )
    return render(request, "draws/public_detail.html", context)


PLAIN_NAMES = 10


def _plain_summary(draw: DrawTask, record: dict[str, Any] | None) -> dict[str, Any]:
    """What the public draw page says first, in plain words (issue 17): which enterprises were
    drawn, for which plan, when; the technical record follows."""
    drawn = [r["name"] for r in record["results"]] if record else []
    return {
        "count": len(drawn),
        "names": drawn[:PLAIN_NAMES],
        "more": max(0, len(drawn) - PLAIN_NAMES),
        "drawn_at": timefmt.chinese_datetime(draw.drawn_at) if draw.drawn_at else "",
        "announced_at": timefmt.chinese_datetime(draw.announced_at) if draw.announced_at else "",
        "reveal_date": timefmt.chinese_date(draw.reveal_date) if draw.reveal_date else "",
    }


def _download(data: bytes, filename: str, content_type: str) -> HttpResponse:
    response = HttpResponse(data, content_type=content_type)
    response["Content-Disposition"] = content_disposition_header(True, filename)
    return response


@requires("public")
@require_GET
def public_record(request: HttpRequest, pk: int) -> HttpResponse:
    draw = selectors.public_draw(pk)
    if draw.status != DrawStatus.DRAWN or not draw.record:
        raise Http404("该抽取尚未进行，公开记录在抽取后生成。")
    return _download(
        draw.record_json.encode("utf-8"),
        f"draw-{draw.pk}-record.json",
        "application/json; charset=utf-8",
    )


@requires("public")
@require_GET
def public_pool(request: HttpRequest, pk: int) -> HttpResponse:
    draw = selectors.public_draw(pk)
    return _download(
        pools.read_pool(draw.pool_file), f"draw-{draw.pk}-pool.txt", "text/plain; charset=utf-8"
    )


@requires("public")
@require_GET
def public_stratum_pool(request: HttpRequest, pk: int, code: str) -> HttpResponse:
    draw = selectors.public_draw(pk)
    sizes = [(s.code, s.pool_size) for s in draw.strata.all()]
    if code not in dict(sizes):
        raise Http404("没有该分层。")
    blocks = pool_blocks(pools.read_pool(draw.pool_file), sizes)
    data = stratum_pool_bytes(blocks[code])
    return _download(data, f"draw-{draw.pk}-pool-{code}.txt", "text/plain; charset=utf-8")


@requires("public")
@require_GET
def public_officer_pool(request: HttpRequest, pk: int) -> HttpResponse:
    draw = selectors.public_draw(pk)
    return _download(
        pools.read_pool(draw.officer_pool_file),
        f"draw-{draw.pk}-officers.txt",
        "text/plain; charset=utf-8",
    )
