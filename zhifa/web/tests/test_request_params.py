"""Numbers out of any range (a page of twenty digits, year -58, ids beyond 64 bits) answer 400
with a Chinese reason on every list endpoint and batch request, never 500."""

from __future__ import annotations

import json

import pytest

from zhifa.documents.models import DocumentBatch
from zhifa.inspections.models import ApprovalBatch

HUGE = "99999999999999999999"
PAGE_REFUSED = {"detail": f"参数 page 的取值“{HUGE}”无效，页码应为 1–1000000 之间的整数。"}
ID_RULE = "无效，超出了编号的取值范围（不超过 9223372036854775807）。"
YEAR_REFUSED = {"detail": "参数 year 的取值“-58”无效，请填写 2000–2100 之间的年度。"}

PAGINATED = [
    "/api/compliance/versions",
    "/api/compliance/self-checks",
    "/api/discretion/items",
    "/api/documents/",
    "/api/draws/draws",
    "/api/inspections/cases",
    "/api/inspections/public/results",
    "/api/org/organisations",
    "/api/org/officers",
    "/api/plans/items",
    "/api/plans/plans",
    "/api/plans/public/plans",
    "/api/registry/enterprises",
]
ANONYMOUS = [
    "/api/compliance/versions",
    "/api/discretion/items",
    "/api/inspections/public/results",
    "/api/plans/public/plans",
]
WITH_YEAR = [
    "/api/documents/",
    "/api/draws/draws",
    "/api/inspections/cases",
    "/api/inspections/public/results",
    "/api/plans/plans",
    "/api/plans/public/plans",
]


def _json(response):
    return json.loads(response.content)


@pytest.mark.django_db
@pytest.mark.parametrize("path", PAGINATED)
def test_a_page_number_no_database_can_offset_to_is_refused(path, client_for, admin_user):
    response = client_for(admin_user).get(path, {"page": HUGE})
    assert response.status_code == 400
    assert _json(response) == PAGE_REFUSED


@pytest.mark.django_db
@pytest.mark.parametrize("path", ANONYMOUS)
def test_an_anonymous_reader_asking_for_a_huge_page_is_refused(path, client):
    response = client.get(path, {"page": HUGE})
    assert response.status_code == 400
    assert _json(response) == PAGE_REFUSED


@pytest.mark.django_db
@pytest.mark.parametrize("path", WITH_YEAR)
def test_a_year_before_the_common_era_is_refused(path, client_for, admin_user):
    response = client_for(admin_user).get(path, {"year": "-58"})
    assert response.status_code == 400
    assert _json(response) == YEAR_REFUSED


@pytest.mark.django_db
def test_a_year_too_large_for_a_date_is_refused(client_for, inspector):
    response = client_for(inspector).get("/api/documents/", {"year": HUGE})
    assert response.status_code == 400
    assert _json(response) == {
        "detail": f"参数 year 的取值“{HUGE}”无效，请填写 2000–2100 之间的年度。"
    }


@pytest.mark.django_db
def test_a_version_id_beyond_64_bits_is_refused(client):
    response = client.get("/api/discretion/items", {"version": HUGE})
    assert response.status_code == 400
    assert _json(response) == {"detail": f"参数 version 中的编号“{HUGE}”{ID_RULE}"}


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("path", "body"),
    [
        ("/api/inspections/batches", {"cases": [1, int(HUGE)], "title": "批量审批"}),
        ("/api/inspections/notices/batch", {"cases": [int(HUGE)]}),
    ],
)
def test_a_batch_naming_a_case_id_beyond_64_bits_is_refused(path, body, client_for, approver):
    response = client_for(approver).post(path, body, content_type="application/json")
    assert response.status_code == 400
    assert _json(response) == {"detail": f"参数 cases 中的编号“{HUGE}”{ID_RULE}"}
    assert ApprovalBatch.objects.count() == 0


@pytest.mark.django_db
def test_a_document_batch_naming_an_id_beyond_64_bits_is_refused(client_for, inspector):
    response = client_for(inspector).post(
        "/api/documents/batches", {"documents": [int(HUGE)]}, content_type="application/json"
    )
    assert response.status_code == 400
    assert _json(response) == {"detail": f"参数 documents 中的编号“{HUGE}”{ID_RULE}"}
    assert DocumentBatch.objects.count() == 0


# --- Pages --------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_search_page_number_in_other_digits_is_page_one(client):
    response = client.get("/compliance/search/", {"q": "健康", "page": "²"})
    assert response.status_code == 200
    assert response.context["page_number"] == 1


@pytest.mark.django_db
def test_an_agency_number_in_other_digits_is_not_found(client_for, admin_user):
    response = client_for(admin_user).get("/plans/items/new/", {"org": "²"})
    assert response.status_code == 404


@pytest.mark.django_db
def test_a_batch_page_naming_an_id_beyond_64_bits_is_not_found(client_for, inspector):
    response = client_for(inspector).get("/documents/batches/new/", {"ids": HUGE})
    assert response.status_code == 404


@pytest.mark.django_db
def test_a_json_body_over_the_in_memory_limit_is_413_in_chinese(client_for, inspector, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1024 * 1024
    body = json.dumps({"name": "舟" * 600_000})
    response = client_for(inspector).post(
        "/api/registry/enterprises", body, content_type="application/json"
    )
    assert response.status_code == 413
    assert _json(response) == {
        "detail": "提交的文字内容过大（约 3.4 MB），表单或 JSON 内容一次不能超过 1 MB，"
        "请分批提交；文件请作为附件上传。"
    }


@pytest.mark.django_db
def test_a_form_over_the_in_memory_limit_is_413_in_chinese(client_for, inspector, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1024 * 1024
    response = client_for(inspector).post("/registry/enterprises/new/", {"name": "x" * 2_000_000})
    assert response.status_code == 413
    assert "表单或 JSON 内容一次不能超过 1 MB" in response.content.decode()
