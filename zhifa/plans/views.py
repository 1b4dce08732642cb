"""Pages of inspection-item lists and annual plans. Thin: scope, validate, call a service, render.

Signed-in users see what ``visible_to`` lets them (an agency its own list and plans, a
supervisor those of its region); the public pages need no login and show published plans only.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from zhifa.core import access, params
from zhifa.core.access import requires
from zhifa.core.viewhelpers import add_service_errors as _form_errors
from zhifa.core.viewhelpers import posted as _posted
from zhifa.core.viewhelpers import request_user as _user
from zhifa.org.models import Organisation, User
from zhifa.org.scoping import get_visible_or_404
from zhifa.plans import importing, rules, selectors, services
from zhifa.plans.forms import (
    AmendmentForm,
    ConfirmForm,
    ItemFilterForm,
    ItemForm,
    ItemImportForm,
    PlanFilterForm,
    PlanForm,
    PlanItemsForm,
    PublicPlanFilterForm,
    ReturnForm,
    StrataForm,
    TaskForm,
)
from zhifa.plans.models import (
    AmendmentStatus,
    AnnualPlan,
    InspectionItem,
    PlanAmendment,
    PlanStatus,
    PlanTask,
)
from zhifa.versioned import views as versioned

REPORT_LIMIT = 1000


def _own_organisation(user: User) -> Organisation:
    organisation = user.organisation
    if organisation is None:
        raise PermissionDenied(rules.WRITE_DENIED)
    return organisation


# --- Items ------------------------------------------------------------------------------------


def _filtered_items(request: HttpRequest, user: User) -> tuple[ItemFilterForm, Any]:
    form = ItemFilterForm(request.GET or None, user=user)
    filters = form.filters()
    if filters is None:
        return form, InspectionItem.objects.none()
    return form, selectors.items_for(user, **filters)


@login_required
@requires("item.list")
@require_GET
def item_list(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    form, items = _filtered_items(request, user)
    page = Paginator(items, settings.ZHIFA_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "plans/item_list.html",
        {
            "form": form,
            "page": page,
            "total": page.paginator.count,
            "can_write": access.can(user, "item.edit"),
            "export_query": request.GET.urlencode(),
            "organisations": selectors.organisations_for_items(user) if user.is_admin else [],
        },
    )


@login_required
@requires("item.list")
@require_GET
def item_export(request: HttpRequest) -> HttpResponse:
    """The filtered list as .xlsx with the import file's headers, so that it imports back."""
    user = _user(request)
    _, items = _filtered_items(request, user)
    return versioned.export("检查事项清单", importing.HEADERS, items, importing.item_row)


@login_required
@requires("item.view", InspectionItem)
@require_GET
def item_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    item = get_visible_or_404(
        user, InspectionItem.objects.select_related("organisation", "field"), pk=pk
    )
    can_edit = access.can(user, "item.edit", item)
    plans = selectors.plans_for(user).filter(items=item)
    return render(
        request,
        "plans/item_detail.html",
        {"item": item, "can_edit": can_edit, "plans": plans},
    )


@login_required
@requires("item.edit")
@require_http_methods(["GET", "POST"])
def item_create(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    organisation = _item_organisation(request, user)
    form = ItemForm(_posted(request), organisation=organisation)
    if request.method == "POST" and form.is_valid():
        try:
            item = services.create_item(
                organisation=organisation, data=form.cleaned_data, actor=user
            )
        except ValidationError as error:
            _form_errors(form, error)
        else:
            messages.success(request, f"已新增检查事项 {item.code} {item.name}。")
            return redirect("plans:item_detail", pk=item.pk)
    return render(
        request,
        "plans/item_form.html",
        {"form": form, "item": None, "organisation": organisation},
    )


def _item_organisation(request: HttpRequest, user: User) -> Organisation:
    """The agency an item is created for: the user's own; an administrator names it (?org=)."""
    if not user.is_admin:
        return _own_organisation(user)
    raw = request.GET.get("org") or request.POST.get("org") or ""
    organisation = (
        selectors.organisations_for_items(user).filter(pk=int(raw)).first()
        if params.is_digits(raw)
        else None
    )
    if organisation is None:
        raise Http404("请在地址中指定执法机关（?org=机构编号）。")
    return organisation


@login_required
@requires("item.edit", InspectionItem)
@require_http_methods(["GET", "POST"])
def item_edit(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    item = get_visible_or_404(
        user, InspectionItem.objects.select_related("organisation", "field"), pk=pk
    )
    form = ItemForm(_posted(request), organisation=item.organisation, instance=item)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_item(item, data=form.cleaned_data, actor=user)
        except ValidationError as error:
            if not hasattr(error, "error_dict") and error.messages == [services.NOTHING_CHANGED]:
                messages.info(request, "未作任何修改。")
                return redirect("plans:item_detail", pk=item.pk)
            _form_errors(form, error)
        else:
            messages.success(request, f"已保存检查事项 {item.code} 的修改。")
            return redirect("plans:item_detail", pk=item.pk)
    return render(
        request,
        "plans/item_form.html",
        {"form": form, "item": item, "organisation": item.organisation},
    )


@login_required
@requires("item.edit", InspectionItem)
@require_POST
def item_deactivate(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    item = get_visible_or_404(user, InspectionItem.objects.all(), pk=pk)
    form = ConfirmForm(request.POST)
    if not form.is_valid():
        messages.error(request, "停用检查事项须勾选确认。")
        return redirect("plans:item_detail", pk=item.pk)
    try:
        services.deactivate_item(item, actor=user)
    except ValidationError as error:
        messages.error(request, "；".join(error.messages))
    else:
        messages.success(request, f"已停用检查事项 {item.code}。")
    return redirect("plans:item_detail", pk=item.pk)


@login_required
@requires("item.edit")
@require_http_methods(["GET", "POST"])
def item_import(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    form = (
        ItemImportForm(request.POST, request.FILES, user=user)
        if request.method == "POST"
        else ItemImportForm(user=user)
    )
    report = None
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        organisation = (
            form.cleaned_data["organisation"] if user.is_admin else _own_organisation(user)
        )
        try:
            outcome = services.import_items(
                organisation=organisation,
                file_name=upload.name,
                content=upload.read(),
                actor=user,
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            if outcome.written:
                messages.success(
                    request,
                    f"已导入文件“{upload.name}”：新增 {outcome.created} 项、"
                    f"修改 {outcome.updated} 项、未变 {outcome.unchanged} 项。",
                )
                return redirect("plans:item_list")
            report = outcome.report
    return render(
        request,
        "plans/item_import.html",
        {
            "form": form,
            "report": report,
            "shown_errors": report.errors[:REPORT_LIMIT] if report else [],
            "hidden_error_count": max(0, len(report.errors) - REPORT_LIMIT) if report else 0,
            "columns": importing.COLUMNS,
        },
    )


@login_required
@requires("item.list")
@require_GET
def item_import_template(request: HttpRequest) -> HttpResponse:
    return versioned.template(importing.template_workbook(), "检查事项清单导入模板.xlsx")


# --- Plans ------------------------------------------------------------------------------------


def _plan(user: User, pk: int) -> AnnualPlan:
    return get_visible_or_404(
        user,
        AnnualPlan.objects.select_related(
            "organisation__region", "created_by", "approved_by", "published_by"
        ),
        pk=pk,
    )


@login_required
@requires("plan.list")
@require_GET
def plan_list(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    form = PlanFilterForm(request.GET or None)
    filters = form.filters()
    plans = (
        selectors.plans_for(user, **filters) if filters is not None else AnnualPlan.objects.none()
    )
    page = Paginator(plans, settings.ZHIFA_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "plans/plan_list.html",
        {
            "form": form,
            "page": page,
            "total": page.paginator.count,
            "can_write": access.can(user, "plan.edit"),
        },
    )


@login_required
@requires("plan.view", AnnualPlan)
@require_GET
def plan_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    plan = _plan(user, pk)
    may_write = access.can(user, "plan.edit", plan)
    may_publish = access.can(user, "plan.publish", plan)
    is_draft = plan.status == PlanStatus.DRAFT
    return render(
        request,
        "plans/plan_detail.html",
        {
            "plan": plan,
            "items": selectors.plan_items(plan),
            "strata": plan.strata.all(),
            "quarters": selectors.tasks_by_quarter(plan),
            "amendments": selectors.plan_amendments(plan),
            "can_edit": may_write and is_draft,
            "can_approve": is_draft and access.can(user, "plan.approve", plan),
            "can_publish": may_publish and plan.status == PlanStatus.APPROVED,
            "can_return": may_publish and plan.status == PlanStatus.APPROVED,
            "can_amend": may_write and plan.status == PlanStatus.PUBLISHED,
            "can_publish_amendment": may_publish,
            "public": False,
        },
    )


@login_required
@requires("plan.edit")
@require_http_methods(["GET", "POST"])
def plan_create(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    form = PlanForm(_posted(request), user=user)
    if request.method == "POST" and form.is_valid():
        organisation = (
            form.cleaned_data["organisation"] if user.is_admin else _own_organisation(user)
        )
        try:
            plan = services.create_plan(
                organisation=organisation, data=form.cleaned_data, actor=user
            )
        except ValidationError as error:
            _form_errors(form, error)
        else:
            messages.success(
                request, f"已编制计划“{plan.title}”，请继续列入检查事项、设置抽查比例和任务。"
            )
            return redirect("plans:plan_detail", pk=plan.pk)
    return render(request, "plans/plan_form.html", {"form": form, "plan": None})


@login_required
@requires("plan.edit", AnnualPlan)
@require_http_methods(["GET", "POST"])
def plan_edit(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    plan = _plan(user, pk)
    form = PlanForm(_posted(request), user=user, instance=plan)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_plan(plan, data=form.cleaned_data, actor=user)
        except ValidationError as error:
            if not hasattr(error, "error_dict") and error.messages == [services.NOTHING_CHANGED]:
                messages.info(request, "未作任何修改。")
                return redirect("plans:plan_detail", pk=plan.pk)
            _form_errors(form, error)
        else:
            messages.success(request, "已保存计划的修改。")
            return redirect("plans:plan_detail", pk=plan.pk)
    return render(request, "plans/plan_form.html", {"form": form, "plan": plan})


@login_required
@requires("plan.edit", AnnualPlan)
@require_http_methods(["GET", "POST"])
def plan_items(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    plan = _plan(user, pk)
    form = PlanItemsForm(_posted(request), plan=plan)
    if request.method == "POST" and form.is_valid():
        try:
            services.add_plan_items(plan, items=form.cleaned_data["items"], actor=user)
        except ValidationError as error:
            _form_errors(form, error)
        else:
            messages.success(request, f"已列入 {len(form.cleaned_data['items'])} 个检查事项。")
            return redirect("plans:plan_detail", pk=plan.pk)
    return render(request, "plans/plan_items.html", {"form": form, "plan": plan})


@login_required
@requires("plan.edit", AnnualPlan)
@require_POST
def plan_item_remove(request: HttpRequest, pk: int, item_pk: int) -> HttpResponse:
    user = _user(request)
    plan = _plan(user, pk)
    item = get_visible_or_404(user, plan.items.all(), pk=item_pk)
    try:
        services.remove_plan_item(plan, item=item, actor=user)
    except ValidationError as error:
        messages.error(request, "；".join(error.messages))
    else:
        messages.success(request, f"已从计划中移除检查事项 {item.code}。")
    return redirect("plans:plan_detail", pk=plan.pk)


@login_required
@requires("plan.edit", AnnualPlan)
@require_http_methods(["GET", "POST"])
def plan_strata(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    plan = _plan(user, pk)
    form = StrataForm(_posted(request), plan=plan)
    if request.method == "POST" and form.is_valid():
        try:
            services.set_strata(plan, ratios=form.ratios(), actor=user)
        except ValidationError as error:
            if not hasattr(error, "error_dict") and error.messages == [services.NOTHING_CHANGED]:
                messages.info(request, "抽查比例未作修改。")
                return redirect("plans:plan_detail", pk=plan.pk)
            _form_errors(form, error)
        else:
            messages.success(request, "已保存抽查分层和比例。")
            return redirect("plans:plan_detail", pk=plan.pk)
    return render(request, "plans/plan_strata.html", {"form": form, "plan": plan})


@login_required
@requires("plan.edit", AnnualPlan)
@require_http_methods(["GET", "POST"])
def task_add(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    plan = _plan(user, pk)
    form = TaskForm(_posted(request), plan=plan)
    if request.method == "POST" and form.is_valid():
        try:
            task = services.add_task(plan, data=form.service_data(), actor=user)
        except ValidationError as error:
            _form_errors(form, error)
        else:
            messages.success(request, f"已增加第{task.quarter}季度任务“{task.name}”。")
            return redirect("plans:plan_detail", pk=plan.pk)
    return render(request, "plans/task_form.html", {"form": form, "plan": plan})


@login_required
@requires("plan.edit", AnnualPlan)
@require_POST
def task_cancel(request: HttpRequest, pk: int, task_pk: int) -> HttpResponse:
    user = _user(request)
    plan = _plan(user, pk)
    task = get_visible_or_404(user, PlanTask.objects.filter(plan=plan), pk=task_pk)
    try:
        services.cancel_task(task, actor=user)
    except ValidationError as error:
        messages.error(request, "；".join(error.messages))
    else:
        messages.success(request, f"已撤销任务“{task.name}”。")
    return redirect("plans:plan_detail", pk=plan.pk)


_STEPS = {
    "approve": ("批准计划", services.approve_plan, "已批准计划“{}”。"),
    "publish": ("公布计划", services.publish_plan, "已公布计划“{}”，公众可在计划公开页查看。"),
}


def _plan_step(request: HttpRequest, pk: int, step: str) -> HttpResponse:
    user = _user(request)
    plan = _plan(user, pk)
    title, service, done = _STEPS[step]
    form = ConfirmForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            service(plan, actor=user)
        except ValidationError as error:
            _form_errors(form, error)
        else:
            messages.success(request, done.format(plan.title))
            return redirect("plans:plan_detail", pk=plan.pk)
    return render(
        request,
        "plans/plan_confirm.html",
        {
            "form": form,
            "plan": plan,
            "title": title,
            "step": step,
            "items": selectors.plan_items(plan),
            "strata": plan.strata.all(),
            "quarters": selectors.tasks_by_quarter(plan),
        },
    )


@login_required
@requires("plan.approve", AnnualPlan)
@require_http_methods(["GET", "POST"])
def plan_approve(request: HttpRequest, pk: int) -> HttpResponse:
    return _plan_step(request, pk, "approve")


@login_required
@requires("plan.publish", AnnualPlan)
@require_http_methods(["GET", "POST"])
def plan_publish(request: HttpRequest, pk: int) -> HttpResponse:
    return _plan_step(request, pk, "publish")


@login_required
@requires("plan.publish", AnnualPlan)
@require_http_methods(["GET", "POST"])
def plan_return(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    plan = _plan(user, pk)
    form = ReturnForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            services.return_to_draft(plan, actor=user, reason=form.cleaned_data["reason"])
        except ValidationError as error:
            _form_errors(form, error)
        else:
            messages.success(request, f"已将计划“{plan.title}”退回草稿。")
            return redirect("plans:plan_detail", pk=plan.pk)
    return render(
        request,
        "plans/plan_confirm.html",
        {"form": form, "plan": plan, "title": "退回草稿", "step": "return"},
    )


# --- Amendments -------------------------------------------------------------------------------


@login_required
@requires("plan.edit", AnnualPlan)
@require_http_methods(["GET", "POST"])
def amendment_propose(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    plan = _plan(user, pk)
    form = AmendmentForm(_posted(request), plan=plan)
    if request.method == "POST" and form.is_valid():
        changes = form.changes()
        try:
            amendment = services.propose_amendment(
                plan, reason=form.cleaned_data["reason"], changes=changes, actor=user
            )
        except ValidationError as error:
            _form_errors(form, error)
        else:
            messages.success(
                request, f"已提出第{amendment.number}次调整，经执法机关负责人公布后生效。"
            )
            return redirect("plans:amendment_detail", pk=plan.pk, number=amendment.number)
    return render(request, "plans/amendment_form.html", {"form": form, "plan": plan})


def _amendment(user: User, pk: int, number: int) -> tuple[AnnualPlan, PlanAmendment]:
    plan = _plan(user, pk)
    amendment = get_visible_or_404(
        user,
        PlanAmendment.objects.filter(plan=plan).select_related("created_by", "published_by"),
        number=number,
    )
    return plan, amendment


@login_required
@requires("plan.view", AnnualPlan)
@require_GET
def amendment_detail(request: HttpRequest, pk: int, number: int) -> HttpResponse:
    user = _user(request)
    plan, amendment = _amendment(user, pk, number)
    return render(
        request,
        "plans/amendment_detail.html",
        {
            "plan": plan,
            "amendment": amendment,
            "lines": services.describe_changes(plan, amendment.changes),
            "form": ConfirmForm(),
            "can_publish": amendment.status == AmendmentStatus.DRAFT
            and access.can(user, "plan.publish", plan),
            "public": False,
        },
    )


@login_required
@requires("plan.publish", AnnualPlan)
@require_POST
def amendment_publish(request: HttpRequest, pk: int, number: int) -> HttpResponse:
    user = _user(request)
    plan, amendment = _amendment(user, pk, number)
    form = ConfirmForm(request.POST)
    if form.is_valid():
        try:
            services.publish_amendment(amendment, actor=user)
        except ValidationError as error:
            _form_errors(form, error)
        else:
            messages.success(request, f"已公布计划“{plan.title}”第{amendment.number}次调整。")
            return redirect("plans:plan_detail", pk=plan.pk)
    return render(
        request,
        "plans/amendment_detail.html",
        {
            "plan": plan,
            "amendment": amendment,
            "lines": services.describe_changes(plan, amendment.changes),
            "form": form,
            "can_publish": True,
            "public": False,
        },
        status=400,
    )


# --- Public pages (no login) ------------------------------------------------------------------


@requires("public")
@require_GET
def public_plan_list(request: HttpRequest) -> HttpResponse:
    form = PublicPlanFilterForm(request.GET or None)
    filters = form.filters()
    plans = (
        selectors.published_plans(**filters) if filters is not None else AnnualPlan.objects.none()
    )
    page = Paginator(plans, settings.ZHIFA_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "plans/public_plan_list.html",
        {"form": form, "page": page, "total": page.paginator.count},
    )


def _public_plan(pk: int) -> AnnualPlan:
    return versioned.public_or_404(
        selectors.published_plans(), pk, "未找到该计划，或该计划尚未公布。"
    )


@requires("public")
@require_GET
def public_plan_detail(request: HttpRequest, pk: int) -> HttpResponse:
    plan = _public_plan(pk)
    return render(
        request,
        "plans/public_plan_detail.html",
        {
            "plan": plan,
            "items": selectors.plan_items(plan),
            "strata": plan.strata.all(),
            "quarters": selectors.tasks_by_quarter(plan),
            "amendments": selectors.plan_amendments(plan, published_only=True),
            "public": True,
        },
    )


@requires("public")
@require_GET
def public_amendment_detail(request: HttpRequest, pk: int, number: int) -> HttpResponse:
    plan = _public_plan(pk)
    amendment = selectors.plan_amendments(plan, published_only=True).filter(number=number).first()
    if amendment is None:
        raise Http404("未找到该计划调整，或该调整尚未公布。")
    return render(
        request,
        "plans/amendment_detail.html",
        {
            "plan": plan,
            "amendment": amendment,
            "lines": services.describe_changes(plan, amendment.changes),
            "can_publish": False,
            "public": True,
        },
    )
