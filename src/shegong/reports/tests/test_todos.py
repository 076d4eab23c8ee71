"""The closed loop's to-dos on the workbench: each count equals the rows of the queue page its
link opens, as that role, oldest first; another street's cases are not counted.

Personas: ``dispatcher`` (区指挥中心), ``handler`` (城管局), ``other_handler`` (市场监管局),
``street_a_staff`` and the outsider ``street_b_staff``.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from shegong import testing
from shegong.reports.actions.reports import (
    accept_report,
    reassign_report,
    resolve_report,
    respond_report,
    return_report,
    submit_report,
)
from shegong.reports.choices import Status
from shegong.reports.models import Report

pytestmark = pytest.mark.django_db


def submit(actor, category, *, days_ago: float, point=testing.POINT_A, **kwargs):
    """A case submitted ``days_ago`` days ago (its clocks moved back with it)."""
    kwargs.setdefault("description", "人行道地砖松动，老人容易绊倒")
    report = submit_report(actor=actor, category=category, lat=point[0], lon=point[1], **kwargs)
    shift = timedelta(days=days_ago)
    Report.objects.filter(pk=report.pk).update(submitted_at=report.submitted_at - shift)
    report.refresh_from_db()
    return report


def make_overdue(report):
    Report.objects.filter(pk=report.pk).update(response_due_at=timezone.now() - timedelta(hours=1))


def walk(client, user, key):
    """Open the to-do's link as ``user``: (the to-do's count, the numbers of the list's rows,
    the list's own total)."""
    todo = testing.todo_of(user, key)
    assert todo is not None, f"{key} is not shown"
    client.force_login(user)
    response = client.get(todo["url"])
    assert response.status_code == 200
    page = response.context["page"]
    return todo["count"], [r.number for r in page.object_list], page.paginator.count


def test_the_dispatch_desk_counts_cases_to_accept_to_dispatch_and_returned_oldest_first(
    client, dispatcher, handler, rider, category, unrouted_category
):
    newer = submit(rider, unrouted_category, days_ago=0.1)
    older = submit(rider, unrouted_category, days_ago=3)
    oldest = submit(rider, unrouted_category, days_ago=5, point=testing.POINT_B)
    accepted = accept_report(submit(rider, unrouted_category, days_ago=2), actor=dispatcher)
    sent_back = submit(rider, category, days_ago=1)  # routed: with 城管局 at once
    assert sent_back.status == Status.TRANSFERRED
    return_report(sent_back, actor=handler, reason="不属于本部门职责")
    done = submit(rider, category, days_ago=4)
    respond_report(done, actor=handler)
    resolve_report(done, actor=handler, result="已修复破损地砖")

    count, rows, total = walk(client, dispatcher, "reports.submitted")
    assert count == total == 3
    assert rows == [oldest.number, older.number, newer.number]

    count, rows, total = walk(client, dispatcher, "reports.accepted")
    assert (count, rows, total) == (1, [accepted.number], 1)

    count, rows, total = walk(client, dispatcher, "reports.returned")
    assert (count, rows, total) == (1, [sent_back.number], 1)

    count, rows, total = walk(client, dispatcher, "reports.resolved")
    assert (count, rows, total) == (1, [done.number], 1)

    # A department does not dispatch: it sees none of the desk's to-dos.
    assert testing.todo_of(handler, "reports.submitted") is None


def test_a_department_counts_its_cases_awaiting_an_answer_and_its_overdue_clocks(
    client, dispatcher, handler, other_handler, rider, category, department_b
):
    late = submit(rider, category, days_ago=2)
    fresh = submit(rider, category, days_ago=0.2)
    lost = submit(rider, category, days_ago=4)
    # 改派 to 市场监管局: still readable by 城管局, but no longer theirs to answer.
    reassign_report(lost, actor=dispatcher, department=department_b, note="改派")
    make_overdue(late)

    count, rows, total = walk(client, handler, "reports.awaiting")
    assert count == total == 2
    assert rows == [late.number, fresh.number]

    count, rows, total = walk(client, handler, "reports.overdue")
    assert (count, rows, total) == (1, [late.number], 1)

    count, rows, total = walk(client, other_handler, "reports.awaiting")
    assert (count, rows, total) == (1, [lost.number], 1)
    assert testing.todo_of(other_handler, "reports.overdue") is None  # nothing overdue: hidden


def test_street_staff_count_only_their_streets_overdue_cases(
    client, street_a_staff, street_b_staff, rider, category
):
    ours = submit(rider, category, days_ago=3)
    ours_too = submit(rider, category, days_ago=6)
    theirs = submit(rider, category, days_ago=1, point=testing.POINT_B)
    for report in (ours, ours_too, theirs):
        make_overdue(report)
    submit(rider, category, days_ago=1)  # on time: not counted

    count, rows, total = walk(client, street_a_staff, "reports.overdue")
    assert count == total == 2
    assert rows == [ours_too.number, ours.number]
    count, rows, total = walk(client, street_b_staff, "reports.overdue")
    assert (count, rows, total) == (1, [theirs.number], 1)


def test_the_queue_refuses_an_unknown_sort_with_a_chinese_message(client, handler):
    client.force_login(handler)
    response = client.get("/reports/?sort=newest")
    assert "未知的排序方式" in response.content.decode()
    assert response.context["page"].paginator.count == 0
