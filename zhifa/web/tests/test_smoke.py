from __future__ import annotations

import pytest


@pytest.mark.django_db
def test_anonymous_visitor_reads_the_public_home(client):
    response = client.get("/")
    assert response.status_code == 200
    assert "涉企行政执法公开服务" in response.content.decode()


def test_inspector_sees_the_enforcement_workbench(client_for, inspector):
    response = client_for(inspector).get("/")
    assert response.status_code == 200
    assert "执法工作台" in response.content.decode()


@pytest.mark.django_db
def test_api_docs_and_schema_are_served_without_any_external_asset(client):
    docs = client.get("/api/docs")
    schema = client.get("/api/openapi.json")
    assert docs.status_code == 200
    assert schema.status_code == 200
    assert schema.json()["info"]["title"] == "zhifa 执法 API"
    body = docs.content.decode()
    assert "/static/ninja/swagger-ui-bundle.js" in body
    assert "http://" not in body
    assert "https://" not in body


def test_pages_load_only_local_assets(client_for, inspector):
    body = client_for(inspector).get("/").content.decode()
    assert '<script src="/static/vendor/htmx.min.js" defer></script>' in body
    assert "http://" not in body
    assert "https://" not in body


@pytest.mark.django_db
def test_the_login_page_is_chinese(client):
    body = client.get("/accounts/login/").content.decode()
    assert '<html lang="zh-hans">' in body
    assert "<h1>登录</h1>" in body


def test_malformed_api_input_is_refused_in_chinese_naming_the_field(client_for, inspector):
    response = client_for(inspector).get("/api/org/officers", {"page": "三"})
    assert response.status_code == 422
    assert response.json()["detail"] == "请求格式有误，请按各字段的提示改正后重新提交。"
    assert response.json()["errors"] == {
        "page": ["取值类型不正确（int_parsing），请按接口文档填写。"]
    }
