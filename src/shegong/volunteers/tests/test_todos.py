"""Volunteer service's to-dos on the workbench: activities to review, hours to confirm and
certificate requests to answer. Each count equals the rows of the list its link opens, as that
person, oldest first; a team's leader (no workbench role) sees their own team's, another
team's leader and another street none.

Personas: ``hours_leader_user`` (leads 东关助老服务队), ``hours_other_leader_user`` (leads
another team), ``community_a_worker``, ``street_a_staff`` and the outsider ``street_b_staff``.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from shegong import testing
from shegong.volunteers.models import CertificateRequest

pytestmark = pytest.mark.django_db


def open_todo(client, user, key):
    todo = testing.todo_of(user, key)
    assert todo is not None, f"{key} is not shown"
    client.force_login(user)
    response = client.get(todo["url"])
    assert response.status_code == 200
    return todo["count"], response


def test_a_team_leader_counts_the_hours_waiting_for_their_team_oldest_first(
    client, hours_record, hours_leader_user, hours_other_leader_user, community_a_worker,
    street_b_staff,
):  # fmt: skip
    today = timezone.localdate()
    week_old = hours_record(served_on=today - timedelta(days=7))
    fresh = hours_record(served_on=today - timedelta(days=1))
    month_old = hours_record(served_on=today - timedelta(days=30))
    hours_record(status="approved")  # done: not counted

    for runner in (hours_leader_user, community_a_worker):
        count, response = open_todo(client, runner, "volunteers.records")
        assert count == response.context["page"].paginator.count == 3
        assert [r.pk for r in response.context["rows"]] == [month_old.pk, week_old.pk, fresh.pk]

    assert testing.todo_of(hours_other_leader_user, "volunteers.records") is None
    assert testing.todo_of(street_b_staff, "volunteers.records") is None


def test_a_team_leader_counts_the_certificate_requests_to_answer_oldest_first(
    client, hours_team, hours_member, hours_leader_user, hours_other_leader_user, district
):
    second = testing.volunteer(district["community_a"], name="王小明")
    today = timezone.localdate()

    def request(volunteer, days_ago):
        made = CertificateRequest.objects.create(
            volunteer=volunteer, team=hours_team, period_start=today - timedelta(days=90),
            period_end=today, purpose="升学",
        )  # fmt: skip
        CertificateRequest.objects.filter(pk=made.pk).update(
            created_at=timezone.now() - timedelta(days=days_ago)
        )
        return made

    newer, older = request(hours_member, 1), request(second, 6)
    count, response = open_todo(client, hours_leader_user, "volunteers.certificate_requests")
    assert count == response.context["request_count"] == 2
    assert [r.pk for r in response.context["requests"]] == [older.pk, newer.pk]
    assert testing.todo_of(hours_other_leader_user, "volunteers.certificate_requests") is None


def test_a_reviewer_counts_the_activities_waiting_for_review_in_their_street(
    client, activities_team, street_a_staff, street_b_staff, hours_leader_user
):
    later = testing.activity(
        activities_team, title="重阳敬老", status="pending",
        starts_at=timezone.now() + timedelta(days=9),
    )  # fmt: skip
    sooner = testing.activity(
        activities_team, title="社区清扫", status="pending",
        starts_at=timezone.now() + timedelta(days=2),
    )  # fmt: skip
    testing.activity(activities_team, title="已发布的活动")  # published: not counted

    count, response = open_todo(client, street_a_staff, "volunteers.review")
    assert count == response.context["page"].paginator.count == 2
    assert [a.pk for a in response.context["page"]] == [sooner.pk, later.pk]
    assert testing.todo_of(street_b_staff, "volunteers.review") is None
    assert testing.todo_of(hours_leader_user, "volunteers.review") is None  # leaders don't review
