"""The access matrix: every page and API operation, asked by every persona, answers with exactly
the status the capability table (zhifa.core.access) says, on one database where every kind of
object exists (zhifa_testing.world).

- A route without ``@requires(...)`` fails (新路由缺少访问声明), naming it.
- Expected, per persona: not signed in and the action not public → 302 to the login page (pages)
  or 401 (API); the URL's object not in ``Model.objects.restrict(persona)`` → 404;
  ``access.can`` false → 403; else GET → 200 (302 for the routes in ``REDIRECTS``) and a write
  with an empty body → anything but 403, 404 or 5xx.
- A refused request changes nothing: every table's row count and the audit chain's head are the
  same before and after. Every request runs in a savepoint that is rolled back, so the world is
  the same for the next one.
- The statuses are also compared with the golden file ``zhifa/tests/access_matrix.txt``, so any
  change of who may do what shows in review as a diff. After a deliberate change, regenerate it:

      ZHIFA_WRITE_ACCESS_MATRIX=1 .venv/bin/python -m pytest -q zhifa/tests/test_access_matrix.py

  and read the diff before committing it.

A URL argument other than the declared object's comes from ``URL_VALUES`` (by route and argument
name, then by argument name); a route whose arguments it cannot fill fails, naming them.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import time_machine
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import Http404, HttpResponse
from django.test import override_settings
from django.urls import clear_url_caches, path
from django.views.decorators.http import require_POST

from zhifa.core import access
from zhifa.inspections.models import InspectionCase
from zhifa_testing import access_matrix as matrix
from zhifa_testing import world as worlds

# The database is set up only for a module that asks for it; the world is built once for all.
pytestmark = pytest.mark.django_db

GOLDEN = Path(__file__).with_name("access_matrix.txt")
PERSONA_NAMES = [name for name, _ in worlds.PERSONAS]

# GET routes that answer an allowed signed-in persona with a redirect by design, with the
# reason (a visitor not signed in gets the page itself: the login form, say).
REDIRECTS: dict[str, str] = {
    "documents:batch_create": "批量签发从草稿列表勾选发起，直接打开时转到草稿列表",
    "inspections:case_list": "企业用户转到“我的检查”，社会监督员转到“伴随监督”",
    "inspections:case_detail": "企业用户转到本企业的案件页，社会监督员转到伴随监督页",
    # The world's discretion version is the published one the public pages show; a published
    # version is changed only through a revision, so its editing pages lead back to it.
    "discretion:version_edit": "已公布的版本不能编辑，转回版本页",
    "discretion:version_publish": "已公布的版本无需再公布，转回版本页",
    "discretion:version_import": "已公布的版本不能导入，转回版本页",
    "discretion:item_create": "已公布的版本不能增加条目，转回版本页",
    "discretion:item_edit": "已公布的版本的条目不能编辑，转回版本页",
}


# Writes that reserve a 文号 (documents.services.numbering): refusals are sent, allowed ones not.
OWN_TRANSACTION: dict[str, str] = {
    "inspections:case_approval_form": "生成审批表即签发文书、申请文号",
    "api:inspections.issue_approval_form": "生成审批表即签发文书、申请文号",
}


# Who is sent on, for the routes above that send only some users elsewhere.
REDIRECTED: dict[str, Callable[[Any], bool]] = {
    "inspections:case_list": lambda user: (
        user.is_enterprise_user or (user.has_role("social_supervisor") and not user.is_agency_user)
    ),
    "inspections:case_detail": lambda user: (
        user.is_enterprise_user or (user.has_role("social_supervisor") and not user.is_agency_user)
    ),
}


def _redirects(route: matrix.Route, user: Any) -> bool:
    if route.name not in REDIRECTS or user is None:
        return False
    who = REDIRECTED.get(route.name)
    return who is None or who(user)


def _pk(label: str) -> Value:
    """The pk of the world's object of the model ``label`` (app_label.ModelName)."""
    from django.apps import apps

    return lambda w: w.objects[apps.get_model(label)].pk


# Query parameters a GET needs to be answered at all (without them: 422), by route.
QUERIES: dict[str, Callable[[worlds.World], dict[str, Any]]] = {
    "api:compliance.search_items": lambda w: {"q": "消毒"},
    "api:discretion.search_violations": lambda w: {"organisation": w.named["agency_a"].pk},
    "api:workdays.is_workday": lambda w: {"date": "2026-10-12"},
    "api:workdays.add": lambda w: {"date": "2026-10-12", "n": "5"},
    "api:workdays.latest_notice": lambda w: {"date": "2026-10-21"},
    # An administrator, who belongs to no agency, names the one the item is for.
    "plans:item_create": lambda w: {"org": w.named["agency_a"].pk},
    "api:inspections.list_open_slots": lambda w: {"case": w.named["persona_case"].pk},
    "inspections:case_violation_pick": lambda w: {"code": "WS-001"},
}

# Allowed, and still "not found" by design in this world (reason given): a refusal is still 403
# or 404 as the table says, but an allowed user gets the view's own 404.
ABSENT: dict[str, str] = {
    "inspections:case_violation_pick": "机关甲（卫健）没有现行裁量清单，选中的违法行为不在其中",
    "open311:token_json": "世界中的问题不是经批量方式提交的，没有 Open311 令牌",
    "open311:token_xml": "世界中的问题不是经批量方式提交的，没有 Open311 令牌",
}


# Machine routes that authenticate each request by its signature (a 12345 hotline's key, HMAC
# over timestamp, nonce and body), not by a session: the matrix sends none, so every persona is
# answered 401 before anything is read or stored (signed ones: complaints/tests/test_hotline.py).
SIGNED: dict[str, str] = {
    "hotline:order_push": "须带12345热线密钥签名",
    "hotline:order_status": "须带12345热线密钥签名",
}


# The smallest valid body of an API write whose object is named in the body: a signed-in user is
# refused before validation only when the object is in the path (zhifa.api), so for these an
# empty body would be refused with 422 instead of 403/404.
BODIES: dict[str, Callable[[worlds.World], dict[str, Any]]] = {
    "api:discretion.evaluate": lambda w: {"violation_code": "X", "found_on": "2026-10-12"},
}

# URL arguments that are not the declared object: by (route name, argument), then by argument.
Value = Callable[[worlds.World], Any]
URL_VALUES: dict[tuple[str, str] | str, Value] = {
    "year": lambda w: 2026,
    "fmt": lambda w: "pdf",
    "seq": lambda w: w.named["audit_seq"],
    "contact_pk": lambda w: w.named["contact"].pk,
    "delivery_pk": lambda w: w.named["delivery"].pk,
    "answer_pk": lambda w: w.named["answer"].pk,
    "item_pk": lambda w: w.named["plan_item"].pk,
    "task_pk": lambda w: w.named["plan_task"].pk,
    "number": lambda w: w.named["amendment"].number,
    "position": lambda w: 1,
    # Unsigned, the hotline routes answer 401 before the hotline or the order is looked up.
    ("hotline:order_push", "code"): lambda w: "matrix-12345",
    ("hotline:order_status", "code"): lambda w: "matrix-12345",
    ("hotline:order_status", "order_no"): lambda w: "ZS-MATRIX-1",
    ("documents:verify", "code"): lambda w: w.named["notice"].verification_code,
    ("api:documents.verify", "code"): lambda w: w.named["notice"].verification_code,
    ("api:documents.verify_file", "code"): lambda w: w.named["notice"].verification_code,
    ("inspections:verify", "code"): lambda w: w.named["persona_case"].verify_code,
    ("api:inspections.verify_case", "verify_code"): lambda w: w.named["persona_case"].verify_code,
    ("inspections:checkin", "code"): lambda w: w.named["persona_case"].checkin_code,
    ("draws:public_stratum_pool", "code"): lambda w: w.named["draw_stratum"].code,
    # Routes declared without a model (public pages, lists narrowed in the view) still name one.
    ("plans:public_plan_detail", "pk"): _pk("plans.AnnualPlan"),
    ("plans:public_amendment_detail", "pk"): _pk("plans.AnnualPlan"),
    ("compliance:version_detail", "pk"): _pk("compliance.GuidanceVersion"),
    ("compliance:version_export", "pk"): _pk("compliance.GuidanceVersion"),
    ("compliance:item_detail", "pk"): _pk("compliance.GuidanceItem"),
    ("discretion:public_item", "pk"): _pk("discretion.DiscretionItem"),
    ("discretion:public_version", "pk"): _pk("discretion.DiscretionVersion"),
    ("api:compliance.get_version", "version_id"): _pk("compliance.GuidanceVersion"),
    ("api:compliance.list_items", "version_id"): _pk("compliance.GuidanceVersion"),
    ("api:compliance.get_item", "item_id"): _pk("compliance.GuidanceItem"),
    ("api:compliance.get_self_check", "check_id"): _pk("compliance.SelfCheck"),
    ("api:discretion.get_item", "item_id"): _pk("discretion.DiscretionItem"),
    ("api:plans.get_public_plan", "plan_id"): _pk("plans.AnnualPlan"),
    ("draws:public_detail", "pk"): _pk("draws.DrawTask"),
    ("draws:public_record", "pk"): _pk("draws.DrawTask"),
    ("draws:public_pool", "pk"): _pk("draws.DrawTask"),
    ("draws:public_stratum_pool", "pk"): _pk("draws.DrawTask"),
    ("draws:public_officer_pool", "pk"): _pk("draws.DrawTask"),
    ("api:draws.public_record", "draw_id"): _pk("draws.DrawTask"),
    ("review:spot_check_public", "pk"): _pk("review.SpotCheck"),
    ("review:spot_check_population", "pk"): _pk("review.SpotCheck"),
    ("api:review.public_spot_check", "spot_check_id"): _pk("review.SpotCheck"),
    # Open311 names a service by its category's code and a request by the item's number.
    "service_code": lambda w: _field_of(w, "complaints.Category", "code"),
    "service_request_id": lambda w: _field_of(w, "complaints.Complaint", "number"),
    ("open311:token_json", "token"): lambda w: "matrix-token",
    ("open311:token_xml", "token"): lambda w: "matrix-token",
}


def _field_of(world: worlds.World, label: str, field: str) -> Any:
    """A field of the world's object of the model ``label`` ("-" when the world has none, so
    that the route is still probed and its answer shows in the report)."""
    from django.apps import apps

    found = world.objects.get(apps.get_model(label))
    return getattr(found, field) if found is not None else "-"


def url_values(route: matrix.Route, world: worlds.World) -> tuple[dict[str, Any], Any, str]:
    """The route's URL arguments, its declared object, and what could not be filled."""
    requirement = route.requirement
    assert requirement is not None
    values: dict[str, Any] = {}
    obj = None
    if requirement.model is not None:
        obj = world.object_of(requirement.model)
        if obj is None:
            return values, None, f"世界中没有 {requirement.model._meta.label}"
        values[requirement.kwarg] = getattr(obj, requirement.field)
    missing = []
    for name in route.params:
        if name in values:
            continue
        value = URL_VALUES.get((route.name, name)) or URL_VALUES.get(name)
        if value is None:
            missing.append(name)
        else:
            values[name] = value(world)
    return values, obj, ("缺少 " + "、".join(missing) if missing else "")


def all_routes() -> list[matrix.Route]:
    from zhifa.api import api

    return matrix.page_routes() + matrix.api_routes(api)


# --- The world ---------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker, tmp_path_factory):
    media = tmp_path_factory.mktemp("matrix-media")
    # The module runs in this transaction, as a test case's own would (so services that number
    # documents in savepoints behave as in every other test), rolled back at the end.
    module_transaction = transaction.atomic()
    module_transaction._from_testcase = True  # type: ignore[attr-defined]
    with (
        django_db_blocker.unblock(),
        time_machine.travel(worlds.MOMENT, tick=True),
        override_settings(
            MEDIA_ROOT=str(media),
            ZHIFA_SMS_BACKEND="zhifa_testing.RecordingSMSBackend",
            PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"],
        ),
        module_transaction,
    ):
        built = worlds.build_world()
        _name_the_rest(built)
        yield built
        transaction.set_rollback(True)


def _name_the_rest(world: worlds.World) -> None:
    from zhifa.audit.models import AuditRecord
    from zhifa.compliance.models import SelfCheckAnswer
    from zhifa.documents.models import Delivery
    from zhifa.draws.models import DrawStratum
    from zhifa.plans.models import PlanAmendment, PlanTask
    from zhifa.registry.models import Contact

    named = world.named
    plan = named["plan"]
    named["audit_seq"] = world.objects[AuditRecord].pk
    named["contact"] = world.objects[Contact]
    named["delivery"] = world.objects[Delivery]
    named["answer"] = world.objects[SelfCheckAnswer]
    named["plan_item"] = plan.items.order_by("pk").first()
    named["plan_task"] = world.objects[PlanTask]
    named["amendment"] = PlanAmendment.objects.get(plan=plan)
    named["draw_stratum"] = world.objects[DrawStratum]


def run_matrix(world: worlds.World, routes: list[matrix.Route]) -> list[matrix.Outcome]:
    prober = matrix.Prober(world.personas)
    outcomes = []
    with matrix.quiet_refusals():
        for route in routes:
            outcomes.extend(_probe_route(prober, world, route))
    return outcomes


def _probe_route(
    prober: matrix.Prober, world: worlds.World, route: matrix.Route
) -> list[matrix.Outcome]:
    values, obj, problem = url_values(route, world)
    if problem:
        # Reported by test_every_declared_route_can_be_filled_from_the_world.
        return []
    url = route.url(values)
    query = QUERIES[route.name](world) if route.name in QUERIES else {}
    body = BODIES[route.name](world) if route.name in BODIES else {}
    outcomes = []
    for persona in PERSONA_NAMES:
        expected = matrix.expect(route, world.personas[persona], obj, redirects=_redirects)
        if route.name in ABSENT and expected.status == 200:
            expected = matrix.Expectation(404, ABSENT[route.name])
        if route.name in SIGNED:
            expected = matrix.Expectation(401, SIGNED[route.name])
        if route.name in OWN_TRANSACTION and expected.status == matrix.ALLOWED_WRITE:
            # Not sent: it would reserve a 文号, which is done in a transaction of its own and
            # so cannot run inside the savepoint that keeps the world unchanged.
            continue
        outcome = prober.probe(route, persona, url, expected, query=query, body=body)
        matrix.check_page_login_redirect(outcome)
        outcomes.append(outcome)
    return outcomes


@pytest.fixture(scope="module")
def outcomes(world):
    declared = [r for r in all_routes() if r.requirement is not None]
    if not declared:
        pytest.skip("zhifa.urls 与 API 中尚无声明访问要求的路由（issue 14 的声明合并之前）。")
    return run_matrix(world, declared)


def _report(title: str, lines: list[str]) -> str:
    return f"{title}（{len(lines)} 处）：\n  " + "\n  ".join(lines)


# --- The tests -----------------------------------------------------------------------------------


def test_every_page_and_api_operation_declares_who_may_use_it():
    routes = {f"{r.pattern} ({r.name})": r for r in all_routes()}
    undeclared = sorted(key for key, route in routes.items() if route.requirement is None)
    if len(undeclared) == len(routes):
        pytest.skip("尚无路由声明访问要求（issue 14 的声明合并之前）。")
    assert not undeclared, _report(
        matrix.UNDECLARED + "：在视图上加 @requires(动作, 模型)（zhifa.core.access）", undeclared
    )


def test_every_declared_route_can_be_filled_from_the_world(world):
    problems = []
    for route in all_routes():
        if route.requirement is None:
            continue
        _, _, problem = url_values(route, world)
        if problem:
            problems.append(f"{route.label()}: {problem}")
    assert not problems, _report(
        matrix.UNFILLED + "：在 URL_VALUES 中补上（或让世界里有这类对象）", problems
    )


def test_the_world_holds_every_kind_of_object(world):
    from django.apps import apps

    empty = [
        m._meta.label
        for m in apps.get_models()
        if m.__module__.startswith("zhifa.") and m not in world.objects
    ]
    assert empty == []
    assert [name for name, user in world.personas.items() if user is None] == ["anonymous"]
    assert world.personas["multi_role"].has_role("inspector", "legal_reviewer")


def test_each_persona_gets_the_status_the_capability_table_says(outcomes):
    wrong = [o.describe() for o in outcomes if not o.expected.met_by(o.status) or o.problems]
    assert not wrong, _report("状态与能力表不符", wrong)


def test_a_refused_request_changes_nothing(outcomes):
    leaked = [o.describe() for o in outcomes if o.changed]
    assert not leaked, _report("被拒绝的请求仍改动了数据", leaked)


def test_no_route_fails_with_a_server_error(outcomes):
    crashed = [o.describe() for o in outcomes if o.status >= 500]
    assert not crashed, _report("服务器错误", crashed)


def test_the_statuses_are_those_of_the_golden_file(outcomes):
    header = [
        "# zhifa 访问矩阵：每条路由（方法、URL 模式、声明的动作）对每个角色的状态码。",
        "# 重新生成：ZHIFA_WRITE_ACCESS_MATRIX=1 python -m pytest "
        "zhifa/tests/test_access_matrix.py",
        "# 列：" + " ".join(f"{i + 1}={label}" for i, (_, label) in enumerate(worlds.PERSONAS)),
    ]
    actual = "\n".join(header + matrix.golden_lines(outcomes, PERSONA_NAMES)) + "\n"
    if os.environ.get("ZHIFA_WRITE_ACCESS_MATRIX"):
        GOLDEN.write_text(actual, encoding="utf-8")
    assert GOLDEN.exists(), f"缺少 {GOLDEN.name}：用 ZHIFA_WRITE_ACCESS_MATRIX=1 运行本测试生成。"
    assert GOLDEN.read_text(encoding="utf-8") == actual


# --- The harness itself, on routes declared only here --------------------------------------------

PROBE_ACTION = "matrix_probe.case.view"


def _probe_rule(user: Any, case: Any) -> str | None:
    return None if user.acts_for(case.organisation_id) else "仅本部门人员可查看本案。"


@login_required
@access.requires(PROBE_ACTION, InspectionCase)
def _probe_case(request, pk):
    return HttpResponse("本案")


@login_required
@require_POST
@access.requires(PROBE_ACTION, InspectionCase)
def _probe_case_write(request, pk):
    return HttpResponse("已办理")


@access.requires("public")
def _probe_public(request):
    return HttpResponse("公开")


def _probe_leaky(request, pk):
    # Claims the declaration but writes before it refuses: the matrix must catch the write.
    from zhifa.audit.services import record_change

    record_change(actor=None, action="matrix.leak", object_type="t", object_id=str(pk))
    raise Http404("没有")


_probe_leaky.zhifa_requirement = access.Requirement(  # type: ignore[attr-defined]
    PROBE_ACTION, InspectionCase
)


def _probe_undeclared(request):
    return HttpResponse("无声明")


@pytest.fixture
def probe_routes():
    access.capability(PROBE_ACTION, "（测试）查看案件")(_probe_rule)
    # A URL configuration of its own (get_resolver caches by it, so it must be hashable).
    from zhifa import urls as root_urls

    # Added in front of the real pages for this test only (the refusal pages link to those).
    probes = [
        path("probe/<int:pk>/", _probe_case, name="probe_case"),
        path("probe/<int:pk>/write/", _probe_case_write, name="probe_write"),
        path("probe/public/", _probe_public, name="probe_public"),
        path("probe/<int:pk>/leaky/", _probe_leaky, name="probe_leaky"),
        path("probe/undeclared/", _probe_undeclared, name="probe_undeclared"),
    ]
    root_urls.urlpatterns[:0] = probes
    clear_url_caches()
    try:
        yield [r for r in matrix.page_routes() if r.name.startswith("probe_")]
    finally:
        del root_urls.urlpatterns[: len(probes)]
    clear_url_caches()
    access._TABLE.pop(PROBE_ACTION)


def test_the_harness_reads_declarations_methods_and_statuses(world, probe_routes):
    by_name = {(r.name, r.method): r for r in probe_routes}
    assert sorted(by_name) == [
        ("probe_case", "GET"),
        ("probe_case", "POST"),
        ("probe_leaky", "GET"),
        ("probe_leaky", "POST"),
        ("probe_public", "GET"),
        ("probe_public", "POST"),
        ("probe_undeclared", "GET"),
        ("probe_undeclared", "POST"),
        ("probe_write", "POST"),
    ]
    assert by_name["probe_undeclared", "GET"].requirement is None

    wanted = [by_name[k] for k in [("probe_case", "GET"), ("probe_write", "POST")]]
    found = run_matrix(world, wanted)
    statuses = {(o.route.name, o.persona): o.status for o in found}
    # Signed out → login; not among the rows the persona sees → 404; seen but not of the case's
    # agency → 403 with the rule's reason; agency A's staff and the administrator → 200.
    # (The social supervisor is left out: whether he sees the case he accompanies is the row
    # filter's to say, and it may change; the harness must agree with it either way.)
    assert {p: statuses["probe_case", p] for p in PERSONA_NAMES if p != "social"} == {
        "anonymous": 302,
        "enterprise": 403,
        "enterprise_other": 404,
        "officer_a": 200,
        "officer_b": 404,
        "approver": 200,
        "legal": 200,
        "supervisor": 403,
        "supervisor_other": 404,
        "township": 404,
        "admin": 200,
        "multi_role": 200,
    }
    assert all(o.ok for o in found), [o.describe() for o in found if not o.ok]

    leaky = run_matrix(world, [by_name["probe_leaky", "GET"]])
    # The view writes an audit record and then answers 404: for the personas who should have
    # been refused, the matrix reports the write.
    caught = sorted(o.persona for o in leaky if o.changed)
    refused = sorted(o.persona for o in leaky if o.expected.status in (302, 403, 404))
    assert "officer_b" in caught
    assert caught == refused
    officer_b = next(o for o in leaky if o.persona == "officer_b")
    assert [c.split(" ")[0] for c in officer_b.changed] == ["audit.AuditRecord", "审计链末条哈希"]
