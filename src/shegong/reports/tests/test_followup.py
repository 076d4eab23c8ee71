"""The 回访 and the 差评 clock (issue 18, A5): 解决率 by the requester's own answer, 办结率 as
the department's record, 回访率 with its 100 % target, 差评 re-handled within 15 working days.

Every rate on hand-built cases; each definition change has a test that fails on the old one
(the board's 解决率 was the department's 已办理 ÷ 应办理)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from shegong import testing
from shegong.core.audit import Verb
from shegong.core.errors import DomainError, InvalidInput, NotPermitted
from shegong.core.models import AuditEvent, Notification
from shegong.core.workdays import add_workdays
from shegong.reports import metrics, queries
from shegong.reports.actions.followup import record_followup, rehandle_report
from shegong.reports.actions.reports import reopen_report, resolve_report, verify_report
from shegong.reports.choices import EventKind, Status
from shegong.reports.metrics import Period
from shegong.reports.models import Report
from shegong.reports.todos import TODOS

from .test_api_steps import step
from .test_metrics import move, now_rates, submit
from .test_pages_staff_case import act

pytestmark = pytest.mark.django_db

DAY = timedelta(days=1)


def closed(rider, category, handler):
    report = submit(rider, category)
    resolve_report(report, actor=handler, result="已修复")
    verify_report(report, actor=rider)
    return Report.objects.get(pk=report.pk)


def followup(report, dispatcher, *, solved=True, satisfaction="satisfied", note=""):
    return record_followup(
        report, actor=dispatcher, solved=solved, satisfaction=satisfaction, note=note
    )


def todo(key):
    return next(t for t in TODOS if t.key == key)


# --- 解决率 (the requester's answer) vs 办结率 (the department's record) -----------------------


def test_a_case_the_department_closed_but_the_requester_called_unsolved_is_not_solved(
    rider, category, handler, dispatcher
):
    report = closed(rider, category, handler)
    followup(report, dispatcher, solved=False, satisfaction="basic")
    rates = now_rates()
    # The department's record: done when due → counts in 办结率 …
    assert (rates.resolved, rates.resolution_due, rates.completion_rate) == (1, 1, 100.0)
    # … but the requester said 未解决: 解决率 is 0 (the old 解决率 said 100 %).
    assert (rates.solved, rates.answered, rates.solved_rate) == (0, 1, 0.0)


def test_solved_rate_counts_the_requesters_answers_over_the_answered_cases_only(
    rider, category, handler, dispatcher
):
    yes = closed(rider, category, handler)
    followup(yes, dispatcher, solved=True)
    no = closed(rider, category, handler)
    followup(no, dispatcher, solved=False, satisfaction="unsatisfied")
    closed(rider, category, handler)  # no 回访 yet: not in 解决率
    submit(rider, category)  # still with the department
    rates = now_rates()
    assert (rates.solved, rates.answered, rates.solved_rate) == (1, 2, 50.0)
    assert rates.completion_rate == 100.0  # 3 resolved ÷ 3 due or done


def test_no_answer_yet_is_shown_as_no_rate_not_zero(rider, category, handler):
    closed(rider, category, handler)
    assert now_rates().solved_rate is None


# --- 回访率 ------------------------------------------------------------------------------------


def test_followup_rate_is_closed_cases_with_a_followup_over_closed_cases(
    rider, category, handler, dispatcher
):
    one = closed(rider, category, handler)
    followup(one, dispatcher)
    two = closed(rider, category, handler)
    followup(two, dispatcher, solved=False, satisfaction="unsatisfied")
    closed(rider, category, handler)
    resolved_only = submit(rider, category)
    resolve_report(resolved_only, actor=handler, result="已修复")  # not closed: not due a 回访
    rates = now_rates()
    assert (rates.followed_up, rates.closed, rates.followup_rate) == (2, 3, 66.7)
    assert metrics.FOLLOWUP_TARGET == 100


def test_a_reopened_case_is_asked_again_at_its_next_closing(rider, category, handler, dispatcher):
    report = closed(rider, category, handler)
    followup(report, dispatcher, solved=False, satisfaction="basic")
    reopen_report(report, actor=dispatcher, reason="群众反映未解决")
    report.refresh_from_db()
    assert report.followup_at is None and report.followup_solved is None
    rates = now_rates()
    assert (rates.followed_up, rates.answered, rates.closed) == (0, 0, 0)


def test_the_period_is_the_month_of_submission(rider, category, handler, dispatcher):
    report = closed(rider, category, handler)
    followup(report, dispatcher, solved=True)
    move(report, submitted_at=timezone.now() - timedelta(days=40))
    assert now_rates().answered == 0
    last = metrics.summary(
        Report.objects.all(), Period.month_of(timezone.localdate() - timedelta(days=40))
    )
    assert (last.solved, last.answered, last.followed_up, last.closed) == (1, 1, 1, 1)


# --- the 回访 action ----------------------------------------------------------------------------


def test_a_followup_is_recorded_once_with_one_audit_entry_and_an_internal_event(
    rider, category, handler, dispatcher
):
    report = closed(rider, category, handler)
    report = followup(report, dispatcher, solved=True, satisfaction="satisfied", note="电话回访")
    assert report.followup_solved is True and report.followup_satisfaction == "satisfied"
    assert report.rehandle_due_at is None  # not a 差评
    event = report.events.get(kind=EventKind.FOLLOWED_UP)
    assert not event.public and "已解决" in event.note
    assert AuditEvent.objects.filter(verb=Verb.REPORT_FOLLOWUP_RECORDED).count() == 1
    with pytest.raises(DomainError, match="已回访"):
        followup(report, dispatcher)


def test_a_followup_needs_a_closed_case_the_desk_and_valid_answers(
    rider, category, handler, dispatcher
):
    open_case = submit(rider, category)
    with pytest.raises(DomainError, match="办结后才能回访"):
        followup(open_case, dispatcher)
    report = closed(rider, category, handler)
    with pytest.raises(NotPermitted):
        followup(report, handler)  # the department does not ask about its own work
    with pytest.raises(InvalidInput):
        followup(report, dispatcher, satisfaction="great")
    with pytest.raises(InvalidInput):
        record_followup(report, actor=dispatcher, solved="yes", satisfaction="basic")
    with pytest.raises(InvalidInput):
        followup(report, dispatcher, note="长" * 501)
    report.refresh_from_db()
    assert report.followup_at is None
    assert not AuditEvent.objects.filter(verb=Verb.REPORT_FOLLOWUP_RECORDED).exists()


# --- the 差评 clock -------------------------------------------------------------------------------


def test_a_bad_review_starts_a_15_working_day_clock_and_tells_the_handlers(
    rider, category, handler, dispatcher
):
    report = followup(
        closed(rider, category, handler), dispatcher, solved=False, satisfaction="unsatisfied"
    )
    assert report.rehandle_due_at == add_workdays(report.followup_at, 15)
    assert report.awaiting_rehandle and report.status == Status.CLOSED
    told = Notification.objects.get(recipient=handler, event="reports.rehandle")
    assert report.number in told.title and "差评" in told.title


def test_the_rehandle_limit_is_a_setting(rider, category, handler, dispatcher, settings):
    settings.SHEGONG_REPORTS_REHANDLE_WORKDAYS = 5
    report = followup(
        closed(rider, category, handler), dispatcher, solved=True, satisfaction="unsatisfied"
    )
    assert report.rehandle_due_at == add_workdays(report.followup_at, 5)


def test_the_lead_department_records_the_rehandling_once(
    rider, category, handler, other_handler, dispatcher
):
    report = followup(
        closed(rider, category, handler), dispatcher, solved=False, satisfaction="unsatisfied"
    )
    with pytest.raises(NotPermitted):
        rehandle_report(report, actor=other_handler, result="已处理")
    with pytest.raises(InvalidInput):
        rehandle_report(report, actor=handler, result="  ")
    assert not AuditEvent.objects.filter(verb=Verb.REPORT_REHANDLED).exists()
    report = rehandle_report(report, actor=handler, result="重新铺设路面")
    assert report.rehandled_at is not None and not report.awaiting_rehandle
    assert report.events.filter(kind=EventKind.REHANDLED, public=True).count() == 1
    assert AuditEvent.objects.filter(verb=Verb.REPORT_REHANDLED).count() == 1
    assert Notification.objects.filter(recipient=dispatcher, event="reports.rehandled").exists()
    assert Notification.objects.filter(recipient=rider, event="reports.status").exists()
    with pytest.raises(DomainError, match="没有待重新办理的差评"):
        rehandle_report(report, actor=handler, result="再次处理")


def test_rehandling_counts_on_time_late_pending_and_overdue(rider, category, handler, dispatcher):
    def bad():
        return followup(
            closed(rider, category, handler), dispatcher, solved=False, satisfaction="unsatisfied"
        )

    on_time = bad()
    rehandle_report(on_time, actor=handler, result="已重办")
    late = bad()
    rehandle_report(late, actor=handler, result="已重办")
    move(late, rehandle_due_at=timezone.now() - 2 * DAY)
    bad()  # pending, limit ahead
    overdue = bad()
    move(overdue, rehandle_due_at=timezone.now() - DAY)
    old = bad()  # a 差评 of a case reported long ago is still waiting now
    move(
        old, submitted_at=timezone.now() - timedelta(days=90), rehandle_due_at=timezone.now() - DAY
    )
    followup(closed(rider, category, handler), dispatcher, solved=False, satisfaction="basic")

    rates = now_rates()
    assert rates.bad_reviews == 4  # the period's: not the old one, not the 基本满意
    assert (rates.rehandled, rates.rehandled_on_time, rates.on_time_rehandle_rate) == (2, 1, 25.0)
    assert (rates.rehandle_pending, rates.rehandle_overdue) == (3, 2)  # snapshots of now


# --- the worklist: the queue's filter and the to-dos --------------------------------------------


def test_the_todos_count_the_worklist_they_open_for_the_lead_department_only(
    rider, category, handler, other_handler, dispatcher, client
):
    waiting = followup(
        closed(rider, category, handler), dispatcher, solved=False, satisfaction="unsatisfied"
    )
    late = followup(
        closed(rider, category, handler), dispatcher, solved=True, satisfaction="unsatisfied"
    )
    move(late, rehandle_due_at=timezone.now() - DAY)
    done = followup(
        closed(rider, category, handler), dispatcher, solved=False, satisfaction="unsatisfied"
    )
    rehandle_report(done, actor=handler, result="已重办")

    assert todo("reports.rehandle").count(handler) == 2
    assert todo("reports.rehandle_overdue").count(handler) == 1
    assert todo("reports.rehandle_overdue").count(dispatcher) == 1
    assert todo("reports.rehandle").count(other_handler) == 0
    client.force_login(handler)
    for key, expected in (("reports.rehandle", {waiting.pk, late.pk}),
                          ("reports.rehandle_overdue", {late.pk})):  # fmt: skip
        item = todo(key)
        page = client.get(f"{reverse(item.url_name)}?{item.query}")
        assert page.status_code == 200
        html = page.content.decode()
        assert f'data-sg-total="{len(expected)}"' in html
        for pk in expected:
            assert f"{pk:08d}" in html


def test_an_unknown_rehandle_filter_is_refused_in_chinese(client, dispatcher):
    client.force_login(dispatcher)
    page = client.get(reverse("reports:queue") + "?rehandle=soon")
    assert "未知的差评筛选" in page.content.decode()


# --- the pages ---------------------------------------------------------------------------------


def test_the_desk_records_a_followup_on_the_case_page_and_the_handler_rehandles(
    client, rider, category, handler, dispatcher
):
    report = closed(rider, category, handler)
    client.force_login(dispatcher)
    assert "记录回访" in client.get(reverse("reports:detail", args=[report.pk])).content.decode()
    bad = act(client, report, "followup", {"solved": "", "satisfaction": "unsatisfied"})
    assert bad.status_code == 422 and "请选择问题是否已解决" in bad.content.decode()
    response = act(client, report, "followup", {"solved": "no", "satisfaction": "unsatisfied"})
    assert response.status_code == 302
    report.refresh_from_db()
    assert report.followup_solved is False and report.awaiting_rehandle

    client.force_login(handler)
    page = client.get(reverse("reports:detail", args=[report.pk])).content.decode()
    assert "差评重新办理" in page and "待重办" in page
    empty = act(client, report, "rehandle", {"result": ""})
    assert empty.status_code == 422 and "请填写重新办理的情况" in empty.content.decode()
    assert act(client, report, "rehandle", {"result": "重新修补"}).status_code == 302
    report.refresh_from_db()
    assert report.rehandle_result == "重新修补"


def test_the_board_shows_solved_rate_completion_rate_and_followup_rate_apart(
    client, rider, category, handler, dispatcher, district
):
    report = closed(rider, category, handler)
    followup(report, dispatcher, solved=False, satisfaction="unsatisfied")
    closed(rider, category, handler)
    boss = testing.user("district_admin", district["district"], name="区领导")
    client.force_login(boss)
    html = client.get(reverse("reports:board")).content.decode()
    assert 'id="rate-solved">0.0%' in html  # the old board showed 解决率 100 %
    assert 'id="rate-completion">100.0%' in html
    assert 'id="rate-followup">50.0%' in html and "目标 100%" in html
    assert 'data-sg-count="1"' in html  # 差评待重办, linking to the worklist


# --- the API -------------------------------------------------------------------------------------


def test_followup_and_rehandle_through_the_api(client, rider, category, handler, dispatcher):
    report = closed(rider, category, handler)
    client.force_login(dispatcher)
    wrong = step(client, report, "followup", {"solved": True, "satisfaction": "meh"})
    assert wrong.status_code == 422
    response = step(client, report, "followup", {"solved": False, "satisfaction": "unsatisfied"})
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["followup_solved"] is False and body["rehandle_due_at"]
    again = step(client, report, "followup", {"solved": True, "satisfaction": "satisfied"})
    assert again.status_code == 409

    client.force_login(handler)
    done = step(client, report, "rehandle", {"result": "重新修补完毕"})
    assert done.status_code == 200 and done.json()["rehandled_at"]
    assert step(client, report, "rehandle", {"result": "再次"}).status_code == 409


def test_queries_offer_the_verbs_only_where_they_apply(rider, category, handler, dispatcher):
    report = closed(rider, category, handler)
    assert "followup" in queries.available_verbs(dispatcher, report, [])
    assert "followup" not in queries.available_verbs(handler, report, [])
    report = followup(report, dispatcher, solved=False, satisfaction="unsatisfied")
    assert "followup" not in queries.available_verbs(dispatcher, report, [])
    assert "rehandle" in queries.available_verbs(handler, report, [])
