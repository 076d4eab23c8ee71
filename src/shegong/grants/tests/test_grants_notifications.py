"""Who the grants actions tell (``actions._tell``): the applicant organization's portal
accounts of the eligibility check, the committee's decision, the signing, each tranche step,
the visits, 结项 and termination; a fund's managers of the committee's decision on a spending.
Nobody out of scope is told: not another organization's account, not the actor, not another
street's staff."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from shegong import testing
from shegong.core.models import Notification
from shegong.core.perms import Role
from shegong.grants.actions import applications, projects, reviews, spending
from shegong.grants.models import Tranche
from shegong.grants.tests.calls_fixtures import (
    open_call,
    org_account,
    pdf,
    reviewing,
    score_all,
    submitted,
)
from shegong.notices.models import Notice

pytestmark = pytest.mark.django_db


def _titles(user):
    return list(
        Notification.objects.filter(recipient=user).order_by("pk").values_list("title", flat=True)
    )


def _events(user):
    return list(
        Notification.objects.filter(recipient=user).order_by("pk").values_list("event", flat=True)
    )


@pytest.fixture
def other_user(district, other_org):
    return org_account(district, other_org)


def test_the_eligibility_check_tells_the_applicant_with_the_reason(
    district, district_admin, org_user, other_user
):
    call = open_call(district_admin, district)
    app = submitted(org_user, call)
    other = submitted(other_user, call, title="四点半课堂", category="青少年")
    from shegong.grants.actions import calls

    calls.move_call(district_admin, call, "reviewing")
    applications.check(district_admin, app, passed=False, note="申报书缺少预算明细")
    found = Notification.objects.get(recipient=org_user)
    assert found.title == "公益创投资格审查未通过：银龄守望"
    assert "原因：申报书缺少预算明细" in found.body
    assert found.link == f"/grants/portal/applications/{app.pk}/"
    applications.check(district_admin, other, passed=True)
    assert _titles(other_user) == ["公益创投资格审查通过：四点半课堂"]
    assert _titles(org_user) == ["公益创投资格审查未通过：银龄守望"]
    assert not Notification.objects.filter(recipient=district_admin).exists()


def _decided(district, district_admin, org_user, other_user, reviewers):
    call = open_call(district_admin, district)
    first = submitted(org_user, call)
    second = submitted(
        other_user, call, title="四点半课堂", category="青少年", amount="20000",
        budget_lines=[{"item": "课程", "amount": "20000"}],
    )  # fmt: skip
    reviewing(district_admin, call, [first, second], reviewers)
    score_all(call, reviewers, {first.pk: [60, 80, 100], second.pk: [70, 75, 95]})
    reviews.rank(district_admin, call)
    Notification.objects.all().delete()
    return reviews.decide(district_admin, call, awards={first.pk: "12000"})[0]


def test_the_decision_tells_funded_with_the_amount_and_not_funded(
    district, district_admin, org_user, other_user, reviewers
):
    project = _decided(district, district_admin, org_user, other_user, reviewers)
    funded = Notification.objects.get(recipient=org_user)
    assert funded.title == "公益创投拟立项：银龄守望" and "12000" in funded.body
    assert funded.link == f"/grants/portal/projects/{project.pk}/"
    assert _titles(other_user) == ["公益创投未立项：四点半课堂"]
    assert not Notification.objects.filter(recipient__in=reviewers).exists()


PLAN = [{"milestone": "签约后", "amount": "6000"}, {"milestone": "中期评估后", "amount": "6000"}]


def test_the_project_steps_tell_the_organization(
    district, district_admin, org_user, other_user, reviewers
):
    project = _decided(district, district_admin, org_user, other_user, reviewers)
    Notification.objects.all().delete()
    projects.sign(
        district_admin, project, agreement_no="GY-1", signed_on=timezone.localdate(),
        tranches=PLAN, confirm_early=True,
    )  # fmt: skip
    one, two = Tranche.objects.order_by("seq")
    projects.request_tranche(org_user, one, report="启动", evidence=[pdf("照片.pdf")])
    projects.decide_tranche(district_admin, one, approve=False, note="佐证照片不清晰")
    projects.request_tranche(org_user, one, report="启动", evidence=[pdf("照片2.pdf")])
    projects.decide_tranche(district_admin, one, approve=True)
    projects.pay_tranche(district_admin, one, voucher_no="PZ-001")
    projects.record_visit(
        district_admin, project, kind="midterm", visited_on=timezone.localdate(),
        visitor="督导甲", findings="进度正常", rating="good",
    )  # fmt: skip
    projects.complete(
        district_admin, project, beneficiaries_reached=280, returned="500",
        indicators_achieved=[{"name": "上门探访", "target": 200, "achieved": 210, "unit": "次"}],
    )  # fmt: skip
    assert _events(org_user) == [
        "grants.project_signed", "grants.tranche_returned", "grants.tranche_approved",
        "grants.tranche_paid", "grants.visit_recorded", "grants.project_completed",
    ]  # fmt: skip
    rows = {n.event: n for n in Notification.objects.filter(recipient=org_user)}
    assert rows["grants.project_signed"].title == "公益创投项目已签约：银龄守望"
    assert "原因：佐证照片不清晰" in rows["grants.tranche_returned"].body
    assert rows["grants.tranche_paid"].title == "项目资金已拨付：银龄守望 第1期"
    assert "PZ-001" in rows["grants.tranche_paid"].body
    assert rows["grants.visit_recorded"].title == "项目中期评估已记录：银龄守望"
    assert "280 人次" in rows["grants.project_completed"].body
    assert not Notification.objects.filter(recipient__in=[other_user, district_admin]).exists()
    assert two.status == "planned"


def test_termination_tells_the_organization_with_the_reason(
    district, district_admin, org_user, other_user, reviewers
):
    project = _decided(district, district_admin, org_user, other_user, reviewers)
    Notification.objects.all().delete()
    Notice.objects.update(
        starts_at=timezone.now() - timedelta(days=8), ends_at=timezone.now() - timedelta(days=1)
    )
    projects.terminate(district_admin, project, reason="公示期内异议成立")
    found = Notification.objects.get()
    assert found.recipient == org_user and found.title == "公益创投项目已终止：银龄守望"
    assert "原因：公示期内异议成立" in found.body


def test_the_spending_decision_tells_the_fund_managers_in_scope(
    district, community_a_worker, street_b_staff
):
    fund = testing.community_fund(district["community_a"], balance="1000")
    west = testing.user(Role.COMMUNITY_WORKER, district["community_b"], name="西关社工")
    colleague = testing.user(Role.COMMUNITY_WORKER, district["community_a"], name="东关社工乙")
    supervisor = fund.committee.get(role="supervisor")
    decision = dict(
        resolution="第3次会议", votes_for=4, votes_against=1, supervisor=supervisor,
        supervisor_opinion="同意",
    )  # fmt: skip
    asked = spending.request_spending(
        community_a_worker, fund, title="助老餐", purpose="助餐", amount_value="100"
    )
    Notification.objects.all().delete()
    spending.decide(community_a_worker, asked, approve=True, **decision)
    found = Notification.objects.get(recipient=colleague)
    assert found.title == "社区慈善基金支出已批准：助老餐"
    assert found.link == f"/grants/funds/spending/{asked.pk}/"
    refused = spending.request_spending(
        community_a_worker, fund, title="聚餐", purpose="聚餐", amount_value="100"
    )
    Notification.objects.all().delete()
    spending.decide(community_a_worker, refused, approve=False, **decision)
    assert _titles(colleague) == ["社区慈善基金支出未获批准：聚餐"]
    assert not Notification.objects.filter(
        recipient__in=[west, street_b_staff, community_a_worker]
    ).exists()
