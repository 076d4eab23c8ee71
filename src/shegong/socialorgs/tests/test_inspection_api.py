"""/api/v1/socialorgs/inspections… and /api/v1/socialorgs/portal/inspections…: the same actions
as the pages, scoped; errors as the rest of the API."""

from __future__ import annotations

from django.utils import timezone

from .inspection_helpers import FORM, open_year, org, pdf

BASE = "/api/v1/socialorgs/inspections"
PORTAL = "/api/v1/socialorgs/portal/inspections"
THIS_YEAR = timezone.localdate().year


def test_file_and_review_through_the_api(client, registrar, social_org, org_user, district):
    client.force_login(registrar)
    opened = client.post(
        f"{BASE}/years",
        {"authority": "示范区民政局", "region": district["district"].code, "year": THIS_YEAR},
        content_type="application/json",
    )
    assert opened.status_code == 201 and opened.json()["required"] == 1
    listed = client.get(f"{BASE}/reports", {"year": THIS_YEAR}).json()
    assert listed["count"] == 1
    pk = listed["items"][0]["id"]
    client.force_login(org_user)
    assert client.get(PORTAL).json()[0]["id"] == pk
    saved = client.post(f"{PORTAL}/{pk}", FORM, content_type="application/json")
    assert saved.status_code == 200 and saved.json()["staff_count"] == 3
    refused = client.post(f"{PORTAL}/{pk}/submit")
    assert refused.status_code == 422 and "登记证书副本" in refused.json()["detail"]
    for kind in ("financial", "certificate"):
        up = client.post(f"{PORTAL}/{pk}/files", {"kind": kind, "files": [pdf(f"{kind}.pdf")]})
        assert up.status_code == 200, up.content
    done = client.post(f"{PORTAL}/{pk}/submit")
    assert done.status_code == 200 and done.json()["state"] == "submitted"
    client.force_login(registrar)
    verify = client.post(f"{BASE}/{pk}/verify", {"verified_on": "2026-04-01", "findings": "齐全"},
                         content_type="application/json")  # fmt: skip
    assert verify.status_code == 200
    bad = client.post(f"{BASE}/{pk}/conclude", {"conclusion": "basic"},
                      content_type="application/json")  # fmt: skip
    assert bad.status_code == 422 and bad.json()["errors"][0]["field"] == "grounds"
    good = client.post(f"{BASE}/{pk}/conclude",
                       {"conclusion": "basic", "grounds": ["officers"]},
                       content_type="application/json")  # fmt: skip
    assert good.json()["conclusion"] == "basic" and good.json()["grounds_labels"]
    rate = client.get(f"{BASE}/rate", {"year": THIS_YEAR}).json()
    assert rate["total"]["completed"] == 1 and rate["total"]["required"] == 1


def test_scope_and_other_organizations(client, registrar, registrar_b, social_org, org_user,
                                       org_data, district):  # fmt: skip
    other = org(org_data, 2)
    plan = open_year(district, THIS_YEAR, registrar)
    theirs = plan.reports.get(social_org=other)
    client.force_login(registrar_b)
    assert client.get(f"{BASE}/{theirs.pk}").status_code == 404
    client.force_login(org_user)
    assert client.get(f"{PORTAL}/{theirs.pk}").status_code == 404
    assert (
        client.post(f"{PORTAL}/{theirs.pk}", FORM, content_type="application/json").status_code
        == 404
    )
    assert client.get(f"{BASE}/{theirs.pk}").status_code in (403, 404)
