"""公益创投 from call to 结项 through the actions, with every bad input of the issue."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from shegong.core.audit import Verb
from shegong.core.errors import DomainError, IllegalTransition, InvalidInput, NotFound
from shegong.core.models import AuditEvent
from shegong.grants.actions import applications, calls, projects, reviews
from shegong.grants.models import Application, Call, Project, Review, Tranche
from shegong.grants.queries import calls as q
from shegong.grants.tests.calls_fixtures import (
    app_data,
    call_data,
    open_call,
    org_account,
    pdf,
    reviewing,
    score_all,
    submitted,
)
from shegong.notices.models import Notice

pytestmark = pytest.mark.django_db


def test_a_call_needs_weights_summing_to_100_and_a_cap_within_budget(district, district_admin):
    bad = [dict(c) for c in call_data(district)["criteria"]]
    bad[0]["weight"] = 50
    with pytest.raises(InvalidInput, match="权重之和须为 100"):
        calls.save_call(district_admin, **call_data(district, criteria=bad))
    with pytest.raises(InvalidInput, match="单个项目资助上限"):
        calls.save_call(district_admin, **call_data(district, max_per_project="200000"))
    with pytest.raises(InvalidInput, match="截止日期不能早于"):
        calls.save_call(
            district_admin,
            **call_data(district, closes_on=timezone.localdate() - timedelta(days=5)),
        )
    assert not Call.objects.exists()


def test_a_street_cannot_run_or_touch_a_district_call(district, district_admin, street_a_staff):
    with pytest.raises(NotFound):
        calls.save_call(street_a_staff, **call_data(district))
    call = open_call(district_admin, district)
    with pytest.raises(NotFound):
        calls.move_call(street_a_staff, call, "reviewing")
    # but the street sees the district's call (its organizations apply to it)
    assert q.access_call(street_a_staff, call.pk) == call


def test_an_open_call_is_not_edited(district, district_admin):
    call = open_call(district_admin, district)
    with pytest.raises(IllegalTransition):
        calls.save_call(district_admin, call, **call_data(district, title="改名"))


def test_application_budget_lines_must_sum_to_the_amount_within_the_cap(
    district, district_admin, org_user
):
    call = open_call(district_admin, district)
    with pytest.raises(InvalidInput, match="须等于申请金额"):
        applications.save_application(org_user, call, **app_data(amount="16000"))
    with pytest.raises(InvalidInput, match="资助上限"):
        applications.save_application(
            org_user, call,
            **app_data(amount="30000", budget_lines=[{"item": "x", "amount": "30000"}]),
        )  # fmt: skip
    with pytest.raises(InvalidInput, match="类别"):
        applications.save_application(org_user, call, **app_data(category="环保"))
    assert not Application.objects.exists()


def test_submit_runs_the_eligibility_check(district, district_admin, org_user, social_org):
    call = open_call(district_admin, district)
    app = submitted(org_user, call)
    assert app.status == "submitted"
    assert {f["rule"] for f in app.eligibility} == {"registered", "inspection", "credit"}
    assert all(f["ok"] for f in app.eligibility)
    assert AuditEvent.objects.filter(verb=Verb.GRANT_APPLICATION_SUBMITTED).count() == 1


def test_a_credit_listed_organization_is_refused_naming_the_listing(
    district, district_admin, org_user, social_org
):
    from shegong.socialorgs.models import CreditListing

    call = open_call(district_admin, district)
    app = applications.save_application(org_user, call, **app_data())
    today = timezone.localdate()
    CreditListing.objects.create(
        social_org=social_org, kind="abnormal", rule="no_report", fact_on=today,
        listed_on=today - timedelta(days=3), reason="未按规定参加年度检查", how_to_leave="补报",
        authority="示范区民政局", clock_from=today,
    )  # fmt: skip
    with pytest.raises(InvalidInput) as refused:
        applications.submit(org_user, app)
    message = str(refused.value.detail)
    assert "活动异常名录" in message
    assert (today - timedelta(days=3)).strftime("%Y-%m-%d") in message
    assert "未按规定参加年度检查" in message
    app.refresh_from_db()
    assert app.status == "draft" and app.submitted_at is None


def test_a_failed_inspection_is_refused(district, district_admin, org_user, social_org):
    from shegong.socialorgs.models import AnnualReport

    AnnualReport.objects.filter(social_org=social_org).update(conclusion="fail")
    call = open_call(district_admin, district)
    app = applications.save_application(org_user, call, **app_data())
    with pytest.raises(InvalidInput, match="年检结论：不合格"):
        applications.submit(org_user, app)


def test_no_submission_after_the_call_closes(district, district_admin, org_user):
    call = open_call(district_admin, district)
    app = applications.save_application(org_user, call, **app_data())
    Call.objects.filter(pk=call.pk).update(closes_on=timezone.localdate() - timedelta(days=1))
    with pytest.raises(InvalidInput, match="截止"):
        applications.submit(org_user, app)
    calls.move_call(district_admin, call, "reviewing")
    with pytest.raises(IllegalTransition):
        applications.submit(org_user, app)


def test_only_the_own_organization_touches_an_application(
    district, district_admin, org_user, other_org
):
    call = open_call(district_admin, district)
    app = applications.save_application(org_user, call, **app_data())
    other = org_account(district, other_org)
    with pytest.raises(NotFound):
        applications.submit(other, app)


@pytest.fixture
def two_apps(district, district_admin, org_user, other_org, reviewers):
    call = open_call(district_admin, district)
    first = submitted(org_user, call)
    second = submitted(
        org_account(district, other_org), call, title="四点半课堂", category="青少年",
        amount="20000", budget_lines=[{"item": "课程", "amount": "20000"}],
    )  # fmt: skip
    reviewing(district_admin, call, [first, second], reviewers)
    return call, first, second


def test_a_declared_conflict_blocks_scoring(two_apps, reviewers):
    call, first, _ = two_apps
    review = Review.objects.get(application=first, reviewer=reviewers[0])
    criteria = {c.pk: 80 for c in call.criteria.all()}
    with pytest.raises(InvalidInput, match="先声明"):
        reviews.score(reviewers[0], review, scores=criteria)
    with pytest.raises(InvalidInput, match="利益冲突说明"):
        reviews.declare(reviewers[0], review, conflict=True)
    reviews.declare(reviewers[0], review, conflict=True, note="本人任该组织理事")
    with pytest.raises(IllegalTransition, match="利益冲突"):
        reviews.score(reviewers[0], review, scores=criteria)
    review.refresh_from_db()
    assert review.total is None and not review.scores.exists()
    with pytest.raises(IllegalTransition):
        reviews.declare(reviewers[0], review, conflict=False)


def test_a_reviewer_sees_and_scores_only_their_own(two_apps, reviewers, district_admin):
    call, first, _ = two_apps
    theirs = Review.objects.get(application=first, reviewer=reviewers[1])
    with pytest.raises(NotFound):
        reviews.declare(reviewers[0], theirs, conflict=False)
    assert set(q.my_reviews(reviewers[0]).values_list("reviewer", flat=True)) == {reviewers[0].pk}
    mine = Review.objects.get(application=first, reviewer=reviewers[0])
    reviews.declare(reviewers[0], mine, conflict=False)
    top = call.criteria.first()
    with pytest.raises(InvalidInput, match="不能超过 100"):
        reviews.score(
            reviewers[0], mine, scores={c.pk: 101 if c == top else 1 for c in call.criteria.all()}
        )
    done = reviews.score(reviewers[0], mine, scores={c.pk: 90 for c in call.criteria.all()})
    assert done.total == Decimal("90.00")
    with pytest.raises(IllegalTransition, match="已提交"):
        reviews.score(reviewers[0], mine, scores={c.pk: 10 for c in call.criteria.all()})


def test_ranking_drops_the_extremes(two_apps, reviewers):
    call, first, second = two_apps
    score_all(call, reviewers, {first.pk: [60, 80, 100], second.pk: [70, 75, 95]})
    rows = q.ranking(call)
    assert [r.application.pk for r in rows] == [first.pk, second.pk]
    assert rows[0].score == Decimal("80.00") and rows[1].score == Decimal("75.00")
    Call.objects.filter(pk=call.pk).update(drop_extremes=False)
    call.refresh_from_db()
    assert q.ranking(call)[1].score == Decimal("80.00")


def test_an_over_budget_decision_is_refused(two_apps, district_admin):
    call, first, second = two_apps
    Call.objects.filter(pk=call.pk).update(budget="30000")
    with pytest.raises(InvalidInput, match="超出本次资助总额"):
        reviews.decide(district_admin, call, awards={first.pk: None, second.pk: None})
    assert not Project.objects.exists() and not Notice.objects.exists()
    call.refresh_from_db()
    assert call.status == "reviewing"


def _decided(two_apps, reviewers, district_admin):
    call, first, second = two_apps
    score_all(call, reviewers, {first.pk: [60, 80, 100], second.pk: [70, 75, 95]})
    reviews.rank(district_admin, call)
    made = reviews.decide(district_admin, call, awards={first.pk: "12000"})
    return call, first, second, made[0]


def test_the_decision_makes_projects_and_notices(two_apps, reviewers, district_admin):
    _call, first, second, project = _decided(two_apps, reviewers, district_admin)
    first.refresh_from_db(), second.refresh_from_db()
    assert (first.status, first.rank, second.status) == ("awarded", 1, "not_awarded")
    assert project.amount == Decimal("12000") and project.status == "publicizing"
    notice = Notice.objects.get()
    assert notice.kind == "grants.award" and notice.target_id == project.pk
    assert "东关为老服务中心" in notice.body


PLAN = [{"milestone": "签约后", "amount": "6000"}, {"milestone": "中期评估后", "amount": "6000"}]


def test_signing_is_refused_while_an_objection_holds_the_award(two_apps, reviewers, district_admin):
    *_, project = _decided(two_apps, reviewers, district_admin)
    notice = Notice.objects.get()
    _object(notice)
    with pytest.raises(DomainError, match="异议"):
        projects.sign(
            district_admin, project, agreement_no="GY-1", signed_on=timezone.localdate(),
            tranches=PLAN, confirm_early=True,
        )  # fmt: skip
    project.refresh_from_db()
    assert project.status == "publicizing" and not Tranche.objects.exists()


def _object(notice):
    from shegong.notices.models import Objection

    return Objection.objects.create(
        notice=notice, region_id=notice.region_id, content="该组织曾有违规", holds=True
    )


def test_signing_waits_for_the_window_or_a_confirmation(two_apps, reviewers, district_admin):
    *_, project = _decided(two_apps, reviewers, district_admin)
    sign = dict(agreement_no="GY-1", signed_on=timezone.localdate(), tranches=PLAN)
    with pytest.raises(DomainError, match="公示期"):
        projects.sign(district_admin, project, **sign)
    with pytest.raises(InvalidInput, match="须等于资助金额"):
        projects.sign(district_admin, project, **{**sign, "tranches": PLAN[:1]}, confirm_early=True)
    Notice.objects.update(
        starts_at=timezone.now() - timedelta(days=8), ends_at=timezone.now() - timedelta(days=1)
    )
    signed = projects.sign(district_admin, project, **sign)
    assert signed.status == "signed" and signed.tranches.count() == 2


def test_tranches_to_completion(two_apps, reviewers, district_admin, org_user):
    *_, project = _decided(two_apps, reviewers, district_admin)
    projects.sign(
        district_admin, project, agreement_no="GY-1", signed_on=timezone.localdate(),
        tranches=PLAN, confirm_early=True,
    )  # fmt: skip
    one, two = Tranche.objects.order_by("seq")
    with pytest.raises(InvalidInput, match="佐证"):
        projects.request_tranche(org_user, one, report="启动")
    projects.request_tranche(org_user, one, report="启动", evidence=[pdf("照片.pdf")])
    with pytest.raises(InvalidInput, match="审核意见"):
        projects.decide_tranche(district_admin, one, approve=False)
    projects.decide_tranche(district_admin, one, approve=True)
    projects.pay_tranche(district_admin, one, voucher_no="PZ-001")
    project.refresh_from_db()
    assert project.paid == Decimal("6000") and project.status == "in_progress"
    with pytest.raises(IllegalTransition):
        projects.pay_tranche(district_admin, one, voucher_no="PZ-001")
    with pytest.raises(InvalidInput, match="中期评估"):
        projects.complete(district_admin, project, indicators_achieved=[], beneficiaries_reached=1)
    projects.record_visit(
        district_admin, project, kind="midterm", visited_on=timezone.localdate(),
        visitor="督导甲", findings="进度正常", rating="good",
    )  # fmt: skip
    with pytest.raises(InvalidInput, match="退回金额不能超过"):
        projects.complete(
            district_admin, project, indicators_achieved=[], beneficiaries_reached=1,
            returned="7000",
        )  # fmt: skip
    done = projects.complete(
        district_admin, project, beneficiaries_reached=280, returned="500",
        indicators_achieved=[{"name": "上门探访", "target": 200, "achieved": 210, "unit": "次"}],
    )  # fmt: skip
    assert done.status == "completed" and done.returned == Decimal("500")
    assert two.status == "planned"


def test_the_database_keeps_paid_within_the_amount(two_apps, reviewers, district_admin):
    *_, project = _decided(two_apps, reviewers, district_admin)
    with pytest.raises(IntegrityError), transaction.atomic():
        Project.objects.filter(pk=project.pk).update(paid=project.amount + 1)


def test_numbers_on_hand_built_data(two_apps, reviewers, district_admin, org_user):
    call, _first, _second, project = _decided(two_apps, reviewers, district_admin)
    figures = q.numbers(Application.objects.all(), Project.objects.all(), year=call.year)
    assert (figures.applications, figures.checked, figures.passed) == (2, 2, 2)
    assert (figures.funded, figures.awarded, figures.paid) == (1, Decimal("12000"), 0)
    assert figures.pass_rate == Decimal("100.0") and figures.completion_rate is None
    projects.terminate(district_admin, project, reason="公示期异议成立")
    figures = q.numbers(Application.objects.all(), Project.objects.all(), call=call)
    assert figures.funded == 0 and figures.ended == 1 and figures.completed == 0
