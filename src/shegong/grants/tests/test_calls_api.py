"""The 公益创投 API: a call created, an application submitted on the portal (a credit-listed
organization refused naming the listing), a reviewer's declaration and scores, the decision
within the budget, signing; scoped and 422 on bad bodies."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from shegong import testing
from shegong.grants.models import Application, Call, Project, Review
from shegong.grants.tests.calls_fixtures import (
    CRITERIA,
    app_data,
    open_call,
    org_account,
    reviewing,
    submitted,
)

pytestmark = pytest.mark.django_db
API = "/api/v1/grants"


def _client(user):
    client = testing.Client()
    client.force_login(user)
    return client


def _post(client, url, body=None):
    return client.post(url, body or {}, content_type="application/json")


def test_create_a_call_and_bad_bodies(district, district_admin):
    client = _client(district_admin)
    assert _post(client, f"{API}/calls").status_code == 422
    today = timezone.localdate()
    body = {
        "region": district["district"].code, "title": "2026公益创投", "budget": "120000",
        "max_per_project": "20000", "opens_on": str(today),
        "closes_on": str(today + timedelta(days=9)), "criteria": CRITERIA,
    }  # fmt: skip
    bad = {**body, "criteria": [{**CRITERIA[0], "weight": 10}, *CRITERIA[1:]]}
    answer = _post(client, f"{API}/calls", bad)
    assert answer.status_code == 422 and "权重之和" in answer.json()["detail"]
    assert not Call.objects.exists()
    made = _post(client, f"{API}/calls", body)
    assert made.status_code == 201, made.content
    call_id = made.json()["id"]
    assert _post(client, f"{API}/calls/{call_id}/open").json()["status"] == "open"
    assert client.get(f"{API}/calls").json()["count"] == 1


def test_portal_submit_refuses_a_listed_organization(
    district, district_admin, org_user, social_org
):
    from shegong.socialorgs.models import CreditListing

    call = open_call(district_admin, district)
    client = _client(org_user)
    assert _post(client, f"{API}/portal/applications", {"title": "x"}).status_code == 422
    made = _post(client, f"{API}/portal/applications", {"call": call.pk, **app_data()})
    assert made.status_code == 201, made.content
    today = timezone.localdate()
    CreditListing.objects.create(
        social_org=social_org, kind="serious", rule="fraud", fact_on=today, listed_on=today,
        reason="弄虚作假骗取资助", how_to_leave="期满", authority="示范区民政局", clock_from=today,
    )  # fmt: skip
    answer = _post(client, f"{API}/portal/applications/{made.json()['id']}/submit")
    assert answer.status_code == 422
    assert "严重违法失信名单" in answer.json()["detail"]
    assert "弄虚作假骗取资助" in answer.json()["detail"]
    assert Application.objects.get().status == "draft"
    # staff are not the portal
    staff = _client(district_admin)
    assert _post(staff, f"{API}/portal/applications", {"call": call.pk}).status_code == 403


def test_review_declare_score_rank_decide_sign(
    district, district_admin, org_user, other_org, reviewers
):
    call = open_call(district_admin, district)
    first = submitted(org_user, call)
    second = submitted(
        org_account(district, other_org), call, title="四点半课堂", category="青少年",
        amount="20000", budget_lines=[{"item": "课程", "amount": "20000"}],
    )  # fmt: skip
    reviewing(district_admin, call, [first, second], reviewers)
    reviewer = _client(reviewers[0])
    mine = reviewer.get(f"{API}/reviews").json()
    assert mine["count"] == 2
    review = Review.objects.get(application=first, reviewer=reviewers[0])
    other = Review.objects.get(application=first, reviewer=reviewers[1])
    assert (
        _post(reviewer, f"{API}/reviews/{other.pk}/declare", {"conflict": False}).status_code == 404
    )
    marks = {str(c.pk): "80" for c in call.criteria.all()}
    assert (
        _post(
            reviewer, f"{API}/reviews/{review.pk}/declare", {"conflict": True, "note": "理事"}
        ).status_code
        == 200
    )
    refused = _post(reviewer, f"{API}/reviews/{review.pk}/score", {"scores": marks})
    assert refused.status_code == 409 and "利益冲突" in refused.json()["detail"]
    # reviewers see no staff lists
    assert reviewer.get(f"{API}/applications").status_code == 403
    for user in reviewers[1:]:
        client = _client(user)
        for app in (first, second):
            r = Review.objects.get(application=app, reviewer=user)
            assert (
                _post(client, f"{API}/reviews/{r.pk}/declare", {"conflict": False}).status_code
                == 200
            )
            assert (
                _post(client, f"{API}/reviews/{r.pk}/score", {"scores": marks}).status_code == 200
            )
    staff = _client(district_admin)
    ranking = staff.get(f"{API}/calls/{call.pk}/ranking").json()
    assert len(ranking) == 2 and ranking[0]["conflicts"] == 1
    Call.objects.filter(pk=call.pk).update(budget="30000")
    both = {"awards": {str(first.pk): "", str(second.pk): ""}}
    over = _post(staff, f"{API}/calls/{call.pk}/decide", both)
    assert over.status_code == 422 and "超出本次资助总额" in over.json()["detail"]
    assert not Project.objects.exists()
    made = _post(staff, f"{API}/calls/{call.pk}/decide", {"awards": {str(second.pk): ""}})
    assert made.status_code == 200, made.content
    project = made.json()[0]
    plan = [{"milestone": "签约后", "amount": "20000"}]
    sign = {"agreement_no": "GY-2", "signed_on": str(timezone.localdate()), "tranches": plan}
    early = _post(staff, f"{API}/projects/{project['id']}/sign", sign)
    assert early.status_code == 409 and "公示期" in early.json()["detail"]
    signed = _post(staff, f"{API}/projects/{project['id']}/sign", {**sign, "confirm_early": True})
    assert signed.status_code == 200 and signed.json()["status"] == "signed"
    assert staff.get(f"{API}/projects").json()["count"] == 1


def test_a_street_sees_none_of_another_streets_applications(
    district, district_admin, org_user, street_b_staff
):
    call = open_call(district_admin, district)
    app = submitted(org_user, call)  # 东关 is street A's
    client = _client(street_b_staff)
    assert client.get(f"{API}/applications").json()["count"] == 0
    assert client.get(f"{API}/applications/{app.pk}").status_code == 404
    assert _post(client, f"{API}/applications/{app.pk}/check", {"passed": True}).status_code == 404
    assert client.get(f"{API}/calls/{call.pk}").status_code == 200  # the district's call
