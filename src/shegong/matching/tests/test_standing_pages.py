"""The standing-order pages: list with filters and counts, create (bad input → 422, nothing
written), the rota editor, pause/resume/end, the calendar, the monthly summary and its Excel
export, the helper's H5 tasks with 完成, the to-do, and another street's 404; the demo loader."""

from __future__ import annotations

from datetime import time, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from shegong import testing
from shegong.core import demo
from shegong.core.audit import Verb
from shegong.core.models import AuditEvent
from shegong.core.perms import Role
from shegong.matching import demo_standing
from shegong.matching.actions import standing
from shegong.matching.choices import StandingStatus, TaskStatus
from shegong.matching.models import Category, StandingOrder, StandingTask
from shegong.matching.tests.test_standing import elder, make_standing

pytestmark = pytest.mark.django_db


@pytest.fixture
def helper_user(district):
    return testing.user(Role.VOLUNTEER, district["community_a"], name="送餐志愿者")


@pytest.fixture
def offer(district, helper_user):
    return testing.match_offer(district["community_a"], "meals", helper=helper_user, name="饭堂")


@pytest.fixture
def order(district, community_a_worker, offer):
    found = make_standing(community_a_worker, district)
    standing.set_rota(found, {d: offer for d in range(1, 8)}, community_a_worker)
    return found


def post_values(district, person, **extra):
    values = {
        "region": district["community_a"].code, "beneficiary": str(person.pk),
        "category": str(Category.objects.get(code="meals").pk), "title": "上门送餐",
        "weekdays": ["1", "3", "5"], "at_time": "11:30", "minutes": "30",
        "starts_on": timezone.localdate().isoformat(), "funding_source": "社区公益基金",
    }  # fmt: skip
    values.update(extra)
    return values


def test_list_filters_and_counts(client, district, community_a_worker, order):
    make_standing(community_a_worker, district, person=elder(district["grid_a"], "周示范"))
    standing.pause(
        order, community_a_worker, until=timezone.localdate() + timedelta(days=3), reason="住院"
    )
    client.force_login(community_a_worker)
    page = client.get(reverse("matching:standing_list"))
    assert page.status_code == 200
    text = page.content.decode()
    assert "共 2 项" in text and "暂停 1" in text and "孙示范" not in text  # masked
    paused = client.get(reverse("matching:standing_list"), {"status": "paused"})
    assert paused.context["rows"].count() == 1
    other = client.get(
        reverse("matching:standing_list"), {"community": district["community_b"].code}
    )
    assert other.context["rows"].count() == 0


def test_create_through_the_page_and_bad_input(client, district, community_a_worker):
    person = elder(district["grid_a"])
    client.force_login(community_a_worker)
    assert client.get(reverse("matching:standing_new")).status_code == 200
    bad = client.post(reverse("matching:standing_new"), post_values(district, person, minutes="0"))
    assert bad.status_code == 422 and not StandingOrder.objects.exists()
    bad = client.post(
        reverse("matching:standing_new"),
        post_values(district, person, ends_on="2020-01-01", starts_on="2026-01-01"),
    )
    assert bad.status_code == 422 and "结束日期不能早于开始日期" in bad.content.decode()
    good = client.post(reverse("matching:standing_new"), post_values(district, person))
    saved = StandingOrder.objects.get()
    assert good.status_code == 302 and good["Location"] == reverse(
        "matching:standing", args=[saved.pk]
    )
    assert saved.weekdays == [1, 3, 5] and saved.at_time == time(11, 30)
    edit = client.post(
        reverse("matching:standing_edit", args=[saved.pk]),
        post_values(district, person, funding_source="慈善会"),
    )
    assert edit.status_code == 302
    saved.refresh_from_db()
    assert saved.funding_source == "慈善会"


def test_rota_pause_resume_end_on_the_detail(client, district, community_a_worker, offer, order):
    client.force_login(community_a_worker)
    detail = client.get(reverse("matching:standing", args=[order.pk]))
    assert detail.status_code == 200 and "饭堂" in detail.content.decode()
    rota = client.post(
        reverse("matching:standing_rota", args=[order.pk]), {"day_1": str(offer.pk), "day_2": ""}
    )
    assert rota.status_code == 302 and order.rota.count() == 1
    bad = client.post(reverse("matching:standing_rota", args=[order.pk]), {"day_1": "999999"})
    assert bad.status_code == 422 and order.rota.count() == 1
    until = timezone.localdate() + timedelta(days=5)
    pause = client.post(
        reverse("matching:standing_pause", args=[order.pk]),
        {"until": until.isoformat(), "reason": "住院"},
    )
    assert pause.status_code == 302
    order.refresh_from_db()
    assert order.status == StandingStatus.PAUSED and order.paused_until == until
    bad = client.post(
        reverse("matching:standing_pause", args=[order.pk]), {"until": "2000-01-01", "reason": "x"}
    )
    assert bad.status_code == 422
    assert client.post(reverse("matching:standing_resume", args=[order.pk])).status_code == 302
    assert (
        client.post(
            reverse("matching:standing_end", args=[order.pk]), {"reason": "搬走"}
        ).status_code
        == 302
    )
    order.refresh_from_db()
    assert order.status == StandingStatus.ENDED
    again = client.post(reverse("matching:standing_end", args=[order.pk]), {"reason": ""})
    assert again.status_code == 409


def test_calendar_shows_the_month_tasks(client, district, community_a_worker, order):
    today = timezone.localdate()
    standing.generate_tasks(today)
    client.force_login(community_a_worker)
    page = client.get(reverse("matching:standing", args=[order.pk]), {"month": f"{today:%Y-%m}"})
    cells = [c for week in page.context["weeks"] for c in week if c["task"]]
    assert [c["day"] for c in cells] == [today]
    assert "待服务" in page.content.decode()


def test_another_street_gets_404(client, district, street_b_staff, order):
    client.force_login(street_b_staff)
    for name in ("matching:standing", "matching:standing_edit"):
        assert client.get(reverse(name, args=[order.pk])).status_code == 404
    assert client.post(reverse("matching:standing_end", args=[order.pk])).status_code == 404
    assert client.get(reverse("matching:standing_list")).context["rows"].count() == 0


def test_resident_gets_403(client, district, resident, order):
    client.force_login(resident)
    assert client.get(reverse("matching:standing_list")).status_code == 403
    assert client.get(reverse("matching:standing_new")).status_code == 403


def test_summary_and_export(client, district, community_a_worker, helper_user, order):
    today = timezone.localdate()
    standing.generate_tasks(today)
    task = StandingTask.objects.get()
    standing.mark_done(task, helper_user, now=task.due_at + timedelta(minutes=5))
    client.force_login(community_a_worker)
    page = client.get(reverse("matching:standing_summary"), {"month": f"{today:%Y-%m}"})
    assert page.status_code == 200
    (person,) = page.context["people"]
    assert (person["due"], person["done"], person["punctuality"]) == (1, 1, "100.0%")
    assert page.context["helpers"][0]["name"] == "饭堂"
    export = client.get(
        reverse("matching:standing_summary"), {"month": f"{today:%Y-%m}", "export": "xlsx"}
    )
    assert export.status_code == 200 and "spreadsheet" in export["Content-Type"]
    assert AuditEvent.objects.filter(verb=Verb.STANDING_SUMMARY_EXPORTED).count() == 1
    outside = client.get(
        reverse("matching:standing_summary"), {"community": district["community_b"].code}
    )
    assert outside.status_code == 404


def test_helper_h5_marks_todays_task_done(client, district, helper_user, order):
    standing.generate_tasks(timezone.localdate())
    task = StandingTask.objects.get()
    StandingTask.objects.filter(pk=task.pk).update(due_at=timezone.now() - timedelta(minutes=5))
    client.force_login(helper_user)
    page = client.get(reverse("matching_m:standing_tasks"))
    assert page.status_code == 200 and "完成" in page.content.decode()
    done = client.post(reverse("matching_m:standing_task_done", args=[task.pk]))
    assert done.status_code == 302
    task.refresh_from_db()
    assert task.status == TaskStatus.DONE and task.done_by == helper_user
    stranger = testing.user(Role.VOLUNTEER, district["community_a"])
    client.force_login(stranger)
    assert client.post(reverse("matching_m:standing_task_done", args=[task.pk])).status_code == 404


def test_todo_counts_orders_with_a_missed_task_today(
    client, community_a_worker, street_b_staff, order
):
    today = timezone.localdate()
    standing.generate_tasks(today)
    StandingTask.objects.update(due_at=timezone.now() - timedelta(hours=1))
    standing.flag_missed()
    todo = testing.todo_of(community_a_worker, "matching.standing_missed")
    assert todo is not None and todo["count"] == 1
    client.force_login(community_a_worker)
    page = client.get(todo["url"])
    assert [s.pk for s in page.context["rows"]] == [order.pk]
    assert testing.todo_of(street_b_staff, "matching.standing_missed") is None


def test_demo_loader_small(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    ctx = demo.DemoContext(size="small")
    for name in ("regions", "departments", "users"):
        dict(demo.loaders())[name](ctx)
    assert demo_standing.load(ctx) == demo_standing.COUNTS["small"]
    assert demo_standing.load(ctx) == 0
    orders = StandingOrder.objects.all()
    assert {o.funding_source for o in orders} == {demo_standing.FUNDING}
    assert all(o.rota.count() == 7 for o in orders)
    statuses = set(StandingTask.objects.values_list("status", flat=True))
    assert {TaskStatus.DONE, TaskStatus.SKIPPED} <= statuses
    done = StandingTask.objects.filter(status=TaskStatus.DONE).count()
    assert (
        done
        > 0.9
        * StandingTask.objects.exclude(status=TaskStatus.SKIPPED)
        .filter(on__lt=timezone.localdate())
        .count()
    )
    assert orders.filter(status=StandingStatus.PAUSED).count() == 2
