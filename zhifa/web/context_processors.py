from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.urls import reverse

from zhifa.org.models import Role


def navigation(request: HttpRequest) -> dict[str, Any]:
    """Menu entries for the signed-in user's role; pages still check access themselves."""
    user = getattr(request, "user", None)
    # Published plans and draws are public (一公开): everyone, signed in or not, can reach them.
    public = [
        ("计划公开", reverse("plans:public_plan_list")),
        ("抽取公示", reverse("draws:public_list")),
        ("检查结果公示", reverse("inspections:public_results")),
        ("合规指导", reverse("compliance:version_list")),
        ("裁量清单", reverse("discretion:public_list")),
    ]
    if user is None or not user.is_authenticated:
        return {"nav_items": public}
    items: list[tuple[str, str]] = [
        ("首页", reverse("home")),
        ("待办", reverse("inspections:inbox")),
    ]
    if user.is_admin or user.role in (*Role.agency_roles(), Role.SUPERVISOR):
        items += [
            ("企业名录", reverse("registry:enterprise_list")),
            ("执法人员", reverse("org:officer_list")),
            ("机构", reverse("org:organisation_list")),
            ("检查事项", reverse("plans:item_list")),
            ("年度计划", reverse("plans:plan_list")),
            ("双随机抽取", reverse("draws:draw_list")),
            ("检查案件", reverse("inspections:case_list")),
            ("裁量评估", reverse("discretion:evaluate")),
            ("文书", reverse("documents:document_list")),
            ("文号台账", reverse("documents:number_list")),
        ]
    if user.role == Role.ENTERPRISE and user.enterprise_id:
        items.append(
            ("本企业信息", reverse("registry:enterprise_detail", args=[user.enterprise_id]))
        )
        items.append(("收到的文书", reverse("documents:received_list")))
        items.append(("我的检查", reverse("inspections:my_cases")))
        items.append(("企业自查", reverse("compliance:self_check_list")))
    if user.role == Role.SOCIAL_SUPERVISOR:
        items.append(("伴随监督", reverse("inspections:accompany_list")))
    items.append(("工作日", reverse("workdays:calendar")))
    items += public
    if user.is_admin or user.role in (Role.LEGAL_REVIEWER, Role.APPROVER):
        items.append(("裁量清单维护", reverse("discretion:manage_list")))
    if user.is_admin or user.role == Role.SUPERVISOR:
        items.append(("审计链", reverse("audit:record_list")))
    if user.is_admin:
        items.append(("系统管理", reverse("admin:index")))
    items.append(("接口文档", "/api/docs"))
    return {"nav_items": items}
