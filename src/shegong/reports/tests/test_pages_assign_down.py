"""下派 through the pages and the API: the case page's form (bad input → 4xx with a Chinese
message, nothing written), the holder's phone pages, and the two API steps."""

from __future__ import annotations

import json

import pytest

from shegong import testing
from shegong.core.audit import Verb
from shegong.core.models import AuditEvent
from shegong.reports.actions.holding import assign_down
from shegong.reports.actions.reports import submit_report
from shegong.reports.choices import EventKind
from shegong.reports.models import Report

pytestmark = pytest.mark.django_db

URL = "/api/v1/reports"


@pytest.fixture
def case(rider, category):
    return submit_report(
        actor=rider, category=category, lat=testing.POINT_A[0], lon=testing.POINT_A[1],
        description="人行道地砖松动",
    )  # fmt: skip


def post_json(client, url, body):
    return client.post(url, json.dumps(body), content_type="application/json")


def test_the_case_page_offers_the_form_to_street_staff_only(
    client, case, street_a_staff, handler, community_a_worker
):
    client.force_login(street_a_staff)
    body = client.get(f"/reports/{case.pk}/").content.decode()
    assert 'id="action-assign-down"' in body and "东关社区" in body and "data-confirm" in body
    client.force_login(handler)  # a department does not push work down
    assert 'id="action-assign-down"' not in client.get(f"/reports/{case.pk}/").content.decode()
    client.force_login(community_a_worker)  # no grid worker to pass it to
    assert 'id="action-assign-down"' not in client.get(f"/reports/{case.pk}/").content.decode()


def test_the_form_assigns_down_and_redirects(client, case, street_a_staff):
    client.force_login(street_a_staff)
    response = client.post(
        f"/reports/{case.pk}/assign-down/", {"down-target": "c:341271001001", "down-note": "请核实"}
    )
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.holder_region_id == "341271001001"


def test_a_bad_target_is_a_422_with_a_chinese_message_and_nothing_written(
    client, case, street_a_staff
):
    client.force_login(street_a_staff)
    response = client.post(f"/reports/{case.pk}/assign-down/", {"down-target": "c:341271002001"})
    assert response.status_code == 422
    assert "所选社区或网格员不可选" in response.content.decode()
    response = client.post(f"/reports/{case.pk}/assign-down/", {"down-target": ""})
    assert response.status_code == 422 and "请选择下派的社区或网格员" in response.content.decode()
    case.refresh_from_db()
    assert case.holder_region_id is None
    assert not AuditEvent.objects.filter(verb=Verb.REPORT_ASSIGNED_DOWN).exists()


def test_an_outsider_gets_404(client, case, street_b_staff):
    client.force_login(street_b_staff)
    response = client.post(f"/reports/{case.pk}/assign-down/", {"down-target": "c:341271001001"})
    assert response.status_code == 404
    assert client.get(f"/m/tasks/{case.pk}/").status_code == 404


def test_the_holder_sees_and_answers_it_on_the_phone(
    client, case, street_a_staff, community_a_worker, district
):
    assign_down(case, actor=street_a_staff, community=district["community_a"], note="请核实")
    client.force_login(community_a_worker)
    listing = client.get("/m/tasks/")
    assert list(listing.context["page"].object_list) == [case]
    assert "待回复" in listing.content.decode()
    assert client.get("/reports/").content.decode().count('id="tasks-link"') == 1
    response = client.post(f"/m/tasks/{case.pk}/", {"answer-answer": ""})
    assert response.status_code == 422 and "请填写回复内容" in response.content.decode()
    response = client.post(f"/m/tasks/{case.pk}/", {"answer-answer": "社区已到现场"})
    assert response.status_code == 302
    assert case.events.filter(kind=EventKind.DOWN_ANSWERED, note="社区已到现场").exists()
    assert list(client.get("/m/tasks/").context["page"].object_list) == []


def test_a_case_not_given_to_me_is_not_on_my_task_pages(client, case, rider):
    client.force_login(rider)  # the reporter, not the holder
    assert client.get(f"/m/tasks/{case.pk}/").status_code == 404
    assert list(client.get("/m/tasks/").context["page"].object_list) == []


def test_the_api_steps(client, case, street_a_staff, community_a_worker, street_b_staff):
    client.force_login(street_b_staff)
    response = post_json(client, f"{URL}/{case.pk}/assign-down", {"community": "341271001001"})
    assert response.status_code == 404
    client.force_login(street_a_staff)
    response = post_json(client, f"{URL}/{case.pk}/assign-down", {"community": "341271002001"})
    assert response.status_code == 422
    problem = response.json()
    assert problem["errors"][0]["field"] == "target" and "东关社区" in problem["detail"]
    response = post_json(
        client, f"{URL}/{case.pk}/assign-down", {"community": "341271001001", "note": "请核实"}
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["holder_region"]["name"] == "东关社区" and body["held_answered_at"] is None
    client.force_login(community_a_worker)
    response = post_json(client, f"{URL}/{case.pk}/answer-down", {"answer": "已处理"})
    assert response.status_code == 200, response.content
    assert response.json()["held_answered_at"] is not None
    assert Report.objects.get(pk=case.pk).held_answered_at is not None


def test_the_community_workers_to_do_counts_the_rows_of_its_list(
    client, rider, category, street_a_staff, community_a_worker, district
):
    point = {"lat": testing.POINT_A[0], "lon": testing.POINT_A[1]}
    cases = [
        submit_report(actor=rider, category=category, description=f"第{n}件", **point)
        for n in range(3)
    ]
    for case in cases:
        assign_down(case, actor=street_a_staff, community=district["community_a"])
    client.force_login(community_a_worker)
    client.post(f"/m/tasks/{cases[1].pk}/", {"answer-answer": "已处理"})
    todo = testing.todo_of(community_a_worker, "reports.assigned_down")
    assert todo is not None and todo["count"] == 2 and todo["label"] == "下派待回复"
    page = client.get(todo["url"]).context["page"]
    assert [r.pk for r in page.object_list] == [cases[0].pk, cases[2].pk]  # oldest first
    assert testing.todo_of(street_a_staff, "reports.assigned_down") is None
