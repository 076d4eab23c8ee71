"""The demo's closed loop: appointed riders and cases in every state, with real rates."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db.models import F
from django.utils import timezone

from shegong.accounts.models import User
from shegong.core import demo
from shegong.core.pii import validate_id_number
from shegong.core.workdays import add_workdays
from shegong.regions.queries import locate
from shegong.reports import demo as reports_demo
from shegong.reports import metrics
from shegong.reports.choices import AppointmentKind, EventKind, Status
from shegong.reports.models import Appointment, Category, Report, ReportEvent, RoutingRule

pytestmark = pytest.mark.django_db


@pytest.fixture
def loaded(settings):
    """The small demo district with its logins, then the reports loader (the ledger's is not
    needed here)."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    ctx = demo.DemoContext(size="small")
    for name in ("regions", "departments", "users"):
        dict(demo.loaders())[name](ctx)
    created = reports_demo.load(ctx)
    return ctx, created


def test_the_demo_has_appointed_riders_and_cases_in_every_state_with_real_rates(loaded):
    ctx, created = loaded
    assert created == Report.objects.count() == sum(reports_demo.COUNTS["small"].values())
    statuses = set(Report.objects.values_list("status", flat=True))
    assert statuses == set(Status) - {Status.VERIFIED}  # verifying closes the case at once
    assert ReportEvent.objects.filter(kind=EventKind.VERIFIED).exists()
    today = timezone.localdate()
    rates = metrics.summary(Report.objects.all(), metrics.Period(today - timedelta(days=91), today))
    for rate in (rates.response_rate, rates.on_time_response_rate, rates.completion_rate,
                 rates.satisfaction_rate):  # fmt: skip
        assert rate is not None and 0 < rate <= 100
    assert rates.escalated > 0 and rates.rated > 0
    # The 回访: most closed cases asked (not all), some 未解决, some 差评 re-handled, on time or
    # late, a few still waiting; every 差评's limit is 15 working days from its 回访.
    assert rates.solved_rate is not None and 0 < rates.solved_rate < 100
    assert rates.followup_rate is not None and 50 < rates.followup_rate <= 100
    assert rates.bad_reviews > 0 and rates.rehandled_on_time <= rates.rehandled
    assert rates.rehandled + rates.rehandle_pending == rates.bad_reviews
    assert ReportEvent.objects.filter(kind=EventKind.REHANDLED).exists()
    assert not Report.objects.filter(followup_at__lt=F("closed_at")).exists()
    assert not Report.objects.filter(rehandled_at__lt=F("followup_at")).exists()
    for report in Report.objects.exclude(rehandle_due_at=None)[:20]:
        assert report.rehandle_due_at == add_workdays(report.followup_at, 15)
    assert Report.objects.filter(anonymous=True).exists()
    assert Report.objects.exclude(photos=[]).exists()
    assert Report.objects.filter(reporter=None, channel="staff").exists()  # a hotline call
    for report in Report.objects.all():  # every point lies in the district, in its grid
        assert report.region.level == "grid"
        assert locate(report.lat, report.lon).region.code == report.region_id

    # 40 城市流动监督员 and 9 红骑网格员: made-up riders, outside the demo logins
    assert Appointment.objects.filter(kind=AppointmentKind.SUPERVISOR, active=True).count() == 40
    assert Appointment.objects.filter(kind=AppointmentKind.GRID_RIDER, active=True).count() == 9
    riders = User.objects.filter(report_appointments__isnull=False).distinct()
    assert riders.count() == 49
    for rider in riders:
        assert rider.name in demo.FAKE_NAMES and not rider.has_usable_password()
        assert validate_id_number(rider.id_number).startswith("341202")
        assert not rider.phone.startswith("138000000")
        assert rider.memberships.get().role == "worker"

    # 下派: two cases of 东城's first community given to it, one answered (/m/tasks/)
    held = Report.objects.filter(holder_region=ctx.region("community:1:1"))
    assert held.count() == 2 and held.filter(held_answered_at__isnull=False).count() == 1

    # A street office takes its street's 非机动车乱停放: more specific than the district rule.
    category = Category.objects.get(service_code="ebike-parking")
    rule = RoutingRule.objects.get(category=category, region=ctx.region("street:1"))
    assert rule.department.name == "东城街道办事处"
    district_rule = RoutingRule.objects.get(category=category, region=ctx.region("district"))
    assert district_rule.department.code == "cgj"


def test_the_demo_history_is_spread_over_ninety_days_and_loading_again_adds_nothing(loaded):
    ctx, _ = loaded
    now = timezone.now()
    oldest = Report.objects.order_by("submitted_at").first().submitted_at
    assert now - timedelta(days=91) < oldest < now - timedelta(days=30)
    assert not Report.objects.filter(updated_at__gt=now).exists()
    assert not ReportEvent.objects.filter(at__gt=now).exists()
    assert not ReportEvent.objects.filter(at__lt=F("report__submitted_at")).exists()
    assert not Report.objects.filter(responded_at__lt=F("transferred_at")).exists()
    for report in Report.objects.exclude(transferred_at=None).exclude(response_due_at=None):
        hours = report.category.response_hours
        assert report.response_due_at >= report.transferred_at + timedelta(hours=hours)
    assert ReportEvent.objects.filter(kind=EventKind.ESCALATED, data__level=1).exists()
    # The acknowledgement quotes the deadline the case was given, not one from the load's time.
    for ack in ReportEvent.objects.filter(kind=EventKind.NOTE, data__auto=True)[:20]:
        due = timezone.localtime(ack.at + timedelta(hours=ack.report.category.response_hours))
        assert f"将于{due:%Y-%m-%d %H:%M}前" in ack.note

    counts = (Report.objects.count(), User.objects.count(), Appointment.objects.count(),
              ReportEvent.objects.count(), Category.objects.count())  # fmt: skip
    assert reports_demo.load(ctx) == 0
    assert counts == (Report.objects.count(), User.objects.count(), Appointment.objects.count(),
                      ReportEvent.objects.count(), Category.objects.count())  # fmt: skip
