from __future__ import annotations

import json

from zhifa.training.models import Attendance, TrainingSession


def _post(client, url, body):
    return client.post(url, json.dumps(body), content_type="application/json")


def test_the_supervisor_creates_a_session_and_adds_attendees_through_the_api(
    client_for, supervisor, wang, li, requirement_zhoushan
):
    client = client_for(supervisor)
    created = _post(
        client,
        "/api/training/sessions",
        {
            "date": "2026-03-10",
            "form": "practice",
            "topic": "执法文书制作实务",
            "trainer": "钱律师",
            "place": "舟山市司法局",
            "hours": "3",
        },
    )
    assert created.status_code == 201
    session_id = created.json()["id"]
    assert created.json()["form_name"] == "实务指导"
    added = _post(
        client, f"/api/training/sessions/{session_id}/attendees", {"officer_ids": [wang.pk, li.pk]}
    )
    assert added.status_code == 201
    assert sorted(a["officer_name"] for a in added.json()) == ["李卫东", "王建国"]
    below = client.get("/api/training/below-minimum", {"year": 2026}).json()
    assert [(r["officer_name"], r["hours"], r["shortfall"]) for r in below] == [
        ("李卫东", "3.0", "1.0"),
        ("王建国", "3.0", "1.0"),
    ]
    agencies = client.get("/api/training/agencies", {"year": 2026}).json()
    assert [
        (a["organisation_name"], a["person_times"], a["hours"], a["below"]) for a in agencies
    ] == [("舟山市卫生健康委员会", 2, "6.0", 2)]
    listed = client.get("/api/training/sessions").json()
    assert listed["count"] == 1


def test_the_api_refuses_an_officer_of_another_region_and_changes_nothing(
    client_for, supervisor, bureau_session, wang, jinzhong_officer, admin_user
):
    response = _post(
        client_for(admin_user),
        f"/api/training/sessions/{bureau_session.pk}/attendees",
        {"officer_ids": [wang.pk, jinzhong_officer.pk]},
    )
    assert response.status_code == 400
    assert "不在舟山市司法局的区划范围内" in response.json()["detail"]
    assert Attendance.objects.count() == 0


def test_the_api_hides_the_session_from_another_regions_agency(
    client_for, outsider, bureau_session, jinzhong_officer
):
    response = _post(
        client_for(outsider),
        f"/api/training/sessions/{bureau_session.pk}/attendees",
        {"officer_ids": [jinzhong_officer.pk]},
    )
    assert response.status_code == 404
    assert Attendance.objects.count() == 0


def test_an_inspector_may_not_create_a_session_through_the_api(client_for, inspector):
    response = _post(
        client_for(inspector),
        "/api/training/sessions",
        {
            "date": "2026-03-10",
            "form": "practice",
            "topic": "x",
            "trainer": "y",
            "place": "z",
            "hours": "1",
        },
    )
    assert response.status_code == 403
    assert TrainingSession.objects.count() == 0


def test_the_supervisor_records_an_exam_score_through_the_api(
    client_for, supervisor, exam_session, wang
):
    from zhifa.training import services

    (attendance,) = services.add_attendees(exam_session, actor=supervisor, officers=[wang])
    client = client_for(supervisor)
    response = _post(
        client, f"/api/training/attendances/{attendance.pk}/result", {"hours": "2", "score": "61"}
    )
    assert response.status_code == 200
    assert (response.json()["score"], response.json()["passed"]) == ("61.0", True)
    refused = _post(
        client, f"/api/training/attendances/{attendance.pk}/result", {"hours": "2", "score": "-1"}
    )
    assert refused.status_code == 400
    assert refused.json()["errors"] == {"score": ["考试成绩应在 0 至 100 之间，填写的是 -1。"]}
    attendance.refresh_from_db()
    assert attendance.score == 61


def test_the_requirements_are_listed_with_their_source(client_for, approver, requirement_zhoushan):
    listed = client_for(approver).get("/api/training/requirements").json()
    assert listed == [
        {
            "region": "330900",
            "region_name": "浙江省舟山市",
            "yearly_hours": "4.0",
            "source": "演示设置",
        }
    ]
