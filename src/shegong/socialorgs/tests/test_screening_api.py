"""/api/v1/socialorgs/screening: rounds, leads, visits, interviews, opinion, outcome — the same
actions as the pages, scoped (another street's lead is a 404), Chinese errors."""

from __future__ import annotations

from datetime import date

from shegong import testing
from shegong.reports.models import Report
from shegong.socialorgs.models import Interview, Lead

BASE = "/api/v1/socialorgs/screening"
TODAY = date.today()


def _post(client, url, data):
    return client.post(url, data, content_type="application/json")


def test_a_case_through_the_api(client, registrar, registrar_b, district):
    client.force_login(registrar)
    round_ = _post(client, f"{BASE}/rounds", {
        "name": "第一轮", "starts_on": f"{TODAY.year}-01-01", "ends_on": f"{TODAY.year}-12-31",
        "region": district["district"].code,
    })  # fmt: skip
    assert round_.status_code == 201, round_.content
    created = _post(client, f"{BASE}/leads", {
        "source": "public", "org_name": "东关国学促进会", "place": "东关路8号",
        "description": "收取会费", "region": district["community_a"].code,
    })  # fmt: skip
    assert created.status_code == 201, created.content
    pk = created.json()["id"]
    assert created.json()["state"] == "unvisited"
    visit = _post(client, f"{BASE}/leads/{pk}/visits", {
        "round": str(round_.json()["id"]), "visited_on": TODAY.isoformat(),
        "visitors": "王五", "findings": "有横幅",
    })  # fmt: skip
    assert visit.status_code == 201 and visit.json()["state"] == "pending"
    refused = _post(
        client,
        f"{BASE}/leads/{pk}/interviews",
        {"people": [], "record": "x", "interviewed_on": str(TODAY)},
    )
    assert refused.status_code == 422 and "约谈对象" in refused.json()["detail"]
    assert not Interview.objects.exists()
    ok = _post(
        client,
        f"{BASE}/leads/{pk}/interviews",
        {"people": ["李某"], "record": "x", "interviewed_on": str(TODAY)},
    )
    assert ok.status_code == 201 and ok.json()["interviews"][0]["people"] == ["李某"]
    assert _post(client, f"{BASE}/leads/{pk}/outcome", {"outcome": "no_case"}).status_code == 409
    assert _post(client, f"{BASE}/leads/{pk}/opinion", {"opinion": "取缔"}).status_code == 200
    negative = _post(client, f"{BASE}/leads/{pk}/outcome",
                     {"outcome": "banned", "losses_recovered": "-1"})  # fmt: skip
    assert negative.status_code == 422 and "负数" in negative.json()["detail"]
    done = _post(client, f"{BASE}/leads/{pk}/outcome",
                 {"outcome": "banned", "losses_recovered": "8000"})  # fmt: skip
    assert done.status_code == 200 and done.json()["losses_recovered"] == "8000.00"
    listed = client.get(f"{BASE}/leads", {"recovered": "1", "year": TODAY.year}).json()
    assert [row["id"] for row in listed["items"]] == [pk]
    assert client.get(f"{BASE}/rounds").json()["items"][0]["visits"] == 1
    client.force_login(registrar_b)
    assert client.get(f"{BASE}/leads/{pk}").status_code == 404
    assert _post(client, f"{BASE}/leads/{pk}/opinion", {"opinion": "x"}).status_code == 404
    assert client.get(f"{BASE}/leads").json()["items"] == []


def test_report_outside_scope_is_404(client, registrar_b, district):
    report = Report.objects.create(
        category=testing.report_category(), description="集资", region=district["community_a"]
    )
    client.force_login(registrar_b)
    response = _post(client, f"{BASE}/leads", {
        "source": "report", "report": str(report.pk), "org_name": "某会", "place": "x",
        "description": "y",
    })  # fmt: skip
    assert response.status_code == 404 and not Lead.objects.exists()


def test_view_only_cannot_write(client, street_a_staff, community_a_worker, district):
    client.force_login(street_a_staff)
    assert client.get(f"{BASE}/leads").status_code == 200
    response = _post(client, f"{BASE}/leads", {"source": "public", "org_name": "某会"})
    assert response.status_code == 403
    client.force_login(community_a_worker)
    assert client.get(f"{BASE}/leads").status_code == 403
