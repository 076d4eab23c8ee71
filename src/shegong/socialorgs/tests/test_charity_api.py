"""/api/v1/socialorgs/…/charity: applications, plans (supervision, disclosures), financials —
the same actions as the pages, scoped, with the Chinese errors."""

from __future__ import annotations

from datetime import timedelta

from shegong.socialorgs.models import CharityFinancials, FundraisingPlan

from .charity_helpers import fin_data, plan_data, today

BASE = "/api/v1/socialorgs"
JSON = "application/json"


def test_application_to_plan_to_disclosure(client, registrar, charity_org):
    client.force_login(registrar)
    plan = client.post(f"{BASE}/{charity_org.pk}/charity/plans", plan_data(), content_type=JSON)
    assert plan.status_code == 409 and "不具有公开募捐资格" in plan.json()["detail"]
    filed = client.post(f"{BASE}/{charity_org.pk}/charity/applications", {"note": "申请"},
                        content_type=JSON)  # fmt: skip
    assert filed.status_code == 201, filed.content
    app = filed.json()
    assert app["clock"] == "剩余20天" and app["state"] == "pending"
    governance = next(row for row in app["checklist"] if row["key"] == "governance")
    assert not governance["passed"]  # no document through the API
    listed = client.get(f"{BASE}/charity/applications", {"state": "pending", "sort": "oldest"})
    assert listed.json()["count"] == 1
    refused = client.post(f"{BASE}/charity/applications/{app['id']}/decision",
                          {"decision": "refused"}, content_type=JSON)  # fmt: skip
    assert refused.status_code == 422 and refused.json()["errors"][0]["field"] == "reasons"
    granted = client.post(f"{BASE}/charity/applications/{app['id']}/decision",
                          {"decision": "granted"}, content_type=JSON)  # fmt: skip
    assert granted.status_code == 409 and "内部治理" in granted.json()["detail"]
    done = client.post(f"{BASE}/charity/applications/{app['id']}/decision",
                       {"decision": "refused", "reasons": "未提交内部治理制度"},
                       content_type=JSON)  # fmt: skip
    assert done.status_code == 200 and done.json()["state_label"] == "不予"

    charity_org.public_fundraising, charity_org.public_fundraising_on = True, today()
    charity_org.save()
    bad = client.post(f"{BASE}/{charity_org.pk}/charity/plans",
                      plan_data(ends_on="2001-01-01"), content_type=JSON)  # fmt: skip
    assert bad.status_code == 422 and bad.json()["errors"][0]["field"] == "ends_on"
    assert not FundraisingPlan.objects.exists()
    plan = client.post(f"{BASE}/{charity_org.pk}/charity/plans", plan_data(), content_type=JSON)
    assert plan.status_code == 201 and plan.json()["phase"] == "upcoming"
    pk = plan.json()["id"]
    logged = client.post(f"{BASE}/charity/plans/{pk}/supervision",
                         {"checked_on": today().isoformat(), "checked": "核对方案"},
                         content_type=JSON)  # fmt: skip
    assert logged.status_code == 201 and len(logged.json()["supervision"]) == 1
    early = client.post(f"{BASE}/charity/plans/{pk}/disclosures",
                        {"disclosed_on": today().isoformat(), "content": "x"},
                        content_type=JSON)  # fmt: skip
    assert early.status_code == 422 and early.json()["errors"][0]["field"] == "disclosed_on"
    assert client.get(f"{BASE}/charity/plans", {"phase": "upcoming"}).json()["count"] == 1
    assert client.get(f"{BASE}/charity/plans/{pk}").json()["disclosure_overdue"] is False


def test_financials_and_scope(client, registrar, registrar_b, charity_org):
    client.force_login(registrar)
    saved = client.post(f"{BASE}/{charity_org.pk}/charity/financials", fin_data(),
                        content_type=JSON)  # fmt: skip
    assert saved.status_code == 200, saved.content
    assert saved.json()["spending_ratio"] == "80.00" or float(saved.json()["spending_ratio"]) == 80
    audited = client.post(f"{BASE}/{charity_org.pk}/charity/financials", fin_data(audited=True),
                          content_type=JSON)  # fmt: skip
    assert audited.status_code == 422 and audited.json()["errors"][0]["field"] == "audit_files"
    assert not CharityFinancials.objects.get().audited
    year = today().year - 1
    assert client.get(f"{BASE}/charity/financials", {"year": year}).json()["count"] == 1
    client.force_login(registrar_b)
    assert client.get(f"{BASE}/charity/financials").json()["count"] == 0
    assert client.post(f"{BASE}/{charity_org.pk}/charity/financials", fin_data(),
                       content_type=JSON).status_code == 404  # fmt: skip
    _ = timedelta
