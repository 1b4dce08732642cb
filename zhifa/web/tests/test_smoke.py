from __future__ import annotations

import pytest


@pytest.mark.django_db
def test_anonymous_visitor_is_sent_to_login(client):
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=/"


def test_inspector_sees_the_enforcement_workbench(client_for, inspector):
    response = client_for(inspector).get("/")
    assert response.status_code == 200
    assert "执法工作台" in response.content.decode()
