"""Benchmark: the district dashboard read from the rollups, the nightly rollup, the year's brief.

``shegong bench dashboard [--size N]`` builds a district of 10 streets and 200 communities with
bulk INSERTs (not through actions): N approved-or-pending volunteer service records served over
the last three years (default 1,000,000) with N/100 activities, N 随手拍 cases submitted over the
same years with the closed loop's statuses and timestamps (rejected, merged, transferred,
responded, resolved, closed; ratings and 回访), and N/10 social organizations (100,000, ledger
Organization + SocialOrg) registered over twenty years, 3 % of them closed. Then, in the same run:

- ``rollup.backfill()`` over every registered indicator (timed: ``backfill_s``);
- the dashboard: the queries the district dashboard makes — ``figures.totals`` of every
  registered indicator for this year, the same ``by="street"``, and ``figures.monthly`` over 12
  months — median of 5 runs (``read_ms``, target 200 ms), against the floor: the same figures
  counted from the raw records with ``figures.raw_value`` per indicator, street and month
  (``raw_ms``). Every figure must be equal (``mismatches``: none). A figure on the clock
  (``clock_fields``: 应响应, 应办理 and their rates) is rolled again just before its raw count, and
  once more when a deadline passed during the count (``clock_passed_during_count``): the raw
  figure must then equal the second read;
- the nightly step: one day's changes (N/365 new service records and cases, N/365 older open
  cases closed, N/3650 new social organizations and a quarter as many closed) written with
  their audit entries (sealed into the hash chain), then ``rollup.roll_all_changes()`` (target
  10 s), and the consistency check over the touched days (``drift_cells``: none);
- the year's work brief, when ``shegong.dashboard.brief`` exists (target 5 s; otherwise
  "skipped").

Whatever indicators are registered are read: the apps' own records beyond these three tables are
simply empty here. Like the other benchmarks it runs in a child process on a throwaway data
directory (a SQLite file, or a fresh PostgreSQL database whose name contains "bench") unless
``in_place=True`` (the test suite).
"""

from __future__ import annotations

import importlib
import importlib.util
import math
import os
import random
import statistics
import time
from datetime import date, datetime, timedelta
from decimal import Decimal
from pathlib import Path

DISTRICT = "341279000000"
STREETS = 10
COMMUNITIES = 20  # per street
SPAN_DAYS = 3 * 365  # service records, activities and cases
ORG_SPAN_DAYS = 20 * 365
DEPARTMENTS = 20
READS = 5


def _support():
    from shegong.cli import load_benchmark

    return load_benchmark("ledger_import")


# --- the data ---------------------------------------------------------------------------------


def _regions() -> list[str]:
    """The benchmark's district (a fake one beside the demo's): its communities' codes."""
    from shegong.core.bulk import insert_rows
    from shegong.regions.models import Region

    parents = [
        ("340000000000", "示范省", "province", None),
        ("341200000000", "示范市", "city", "340000000000"),
        (DISTRICT, "基准测试区", "district", "341200000000"),
    ]
    for code, name, level, parent in parents:
        Region.objects.get_or_create(
            code=code, defaults={"name": name, "level": level, "parent_id": parent}
        )
    streets = [f"{DISTRICT[:6]}{s:03d}000" for s in range(1, STREETS + 1)]
    communities = [f"{street[:9]}{c:03d}" for street in streets for c in range(1, COMMUNITIES + 1)]
    missing = set(streets + communities) - set(
        Region.objects.filter(code__startswith=DISTRICT[:6]).values_list("code", flat=True)
    )
    rows = [(code, f"基准街道{code[6:9]}", "street", DISTRICT) for code in streets]
    rows += [(c, f"基准社区{c[6:9]}-{c[9:]}", "community", c[:9] + "000") for c in communities]
    insert_rows(
        Region, ["code", "name", "level", "parent_id"], [r for r in rows if r[0] in missing]
    )
    return communities


def _case(rng: random.Random, submitted: datetime, now: datetime, departments: list[int]) -> tuple:
    """One case's row, its closed loop as far as it got by ``now``."""
    hour = timedelta(hours=1)
    roll = rng.random()
    department = rng.choice(departments)
    status, dept = "transferred", department
    transferred = submitted + hour
    responded = resolved = closed = rated_at = followup_at = None
    rating = followup_solved = None
    satisfaction = ""
    overdue = False
    if roll < 0.02:
        status, dept, transferred = "rejected", None, None
    elif roll < 0.03:
        status, dept, transferred = "merged", None, None
    elif transferred > now:
        status, dept, transferred = "submitted", None, None
    else:
        delay = rng.uniform(0.5, 30)
        overdue = delay > 24
        if transferred + delay * hour <= now:
            responded, status = transferred + delay * hour, "responded"
            done = responded + rng.uniform(12, 144) * hour
            if done <= now:
                resolved, status = done, "resolved"
                finish = done + rng.uniform(2, 72) * hour
                if finish <= now and rng.random() < 0.97:
                    closed, status = finish, "closed"
                    if rng.random() < 0.6:
                        rating = rng.choices([1, 2, 3, 4, 5], [2, 3, 10, 35, 50])[0]
                        rated_at = finish
                    if rng.random() < 0.8:
                        followup_at = finish
                        followup_solved = rng.random() < 0.92
                        satisfaction = rng.choices(
                            ["satisfied", "basic", "unsatisfied"], [80, 15, 5]
                        )[0]
    due = (transferred + 24 * hour, transferred + 120 * hour) if transferred else (None, None)
    return (
        status, "基准测试工单", dept, submitted, transferred, due[0], responded, due[1], resolved,
        closed, closed or resolved or responded or transferred or submitted, overdue, rating,
        rated_at, followup_at, followup_solved, satisfaction,
    )  # fmt: skip


CASE_COLUMNS = [
    "status", "description", "lead_department_id", "submitted_at", "transferred_at",
    "response_due_at", "responded_at", "resolution_due_at", "resolved_at", "closed_at",
    "updated_at", "was_response_overdue", "rating", "rated_at", "followup_at", "followup_solved",
    "followup_satisfaction",
]  # fmt: skip


def _setup(size: int, rng: random.Random) -> dict:
    from django.db import transaction
    from django.utils import timezone

    from shegong.accounts.models import Department
    from shegong.core.bulk import insert_rows
    from shegong.ledger.models import Organization, Person
    from shegong.reports.models import Category, Report
    from shegong.volunteers.models import Activity, ServiceRecord, Team, Volunteer

    now = timezone.now()
    today = timezone.localdate()
    with transaction.atomic():
        communities = _regions()
        teams = {
            code: Team.objects.get_or_create(name=f"基准志愿服务队{code}", region_id=code)[0].pk
            for code in communities
        }
        volunteers = max(size // 100, 20)
        first_person = (
            Person.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
        ) + 1
        insert_rows(
            Person, ["name", "region_id"],
            ((f"基准志愿者{i}", communities[i % len(communities)]) for i in range(volunteers)),
            fixed={"created_at": now, "updated_at": now}, batch=5000,
        )  # fmt: skip
        people = Person.objects.filter(pk__gte=first_person).order_by("pk")
        insert_rows(
            Volunteer, ["person_id", "number", "region_id"],
            ((pk, f"BENCHD{pk:011d}", region) for pk, region in people.values_list("pk", "region")),
            fixed={"created_at": now, "consent_version": "bench", "consent_at": now}, batch=5000,
        )  # fmt: skip
        helpers = list(
            Volunteer.objects.filter(person_id__gte=first_person).values_list("pk", "region_id")
        )

        def records():
            for _ in range(size):
                volunteer, region = helpers[rng.randrange(len(helpers))]
                yield (
                    volunteer, teams[region], region, "manual",
                    "approved" if rng.random() < 0.95 else "pending", "基准服务",
                    today - timedelta(days=rng.randrange(1, SPAN_DAYS)),
                    Decimal(rng.randrange(50, 401)) / 100,
                )  # fmt: skip

        insert_rows(
            ServiceRecord,
            ["volunteer_id", "team_id", "region_id", "kind", "status", "content", "served_on",
             "hours"],
            records(), fixed={"created_at": now}, batch=5000,
        )  # fmt: skip

        def activities():
            for i in range(max(size // 100, 20)):
                region = communities[rng.randrange(len(communities))]
                starts = now - timedelta(days=rng.randrange(1, SPAN_DAYS), hours=rng.randrange(24))
                status = "published" if i % 20 else "cancelled"
                yield (
                    f"基准活动{i}", "community", teams[region], region, "基准地点", 33.0, 115.8,
                    starts, starts + timedelta(hours=2), rng.randrange(0, 60), status, starts,
                )  # fmt: skip

        insert_rows(
            Activity,
            ["title", "category", "team_id", "region_id", "address", "lat", "lon", "starts_at",
             "ends_at", "people_served", "status", "published_at"],
            activities(), fixed={"created_at": now}, batch=5000,
        )  # fmt: skip

        departments = [
            Department.objects.get_or_create(
                code=f"bench-dept-{n}", defaults={"name": f"基准部门{n}", "region_id": DISTRICT}
            )[0].pk
            for n in range(DEPARTMENTS)
        ]
        category, _ = Category.objects.get_or_create(
            service_code="bench-dashboard", defaults={"name": "基准测试类别", "group": "基准"}
        )
        span = SPAN_DAYS * 86400

        def cases():
            for _ in range(size):
                region = communities[rng.randrange(len(communities))]
                # Skewed to the recent past, as a growing platform's cases are.
                ago = span * (1 - math.sqrt(rng.random())) + 3600
                row = _case(rng, now - timedelta(seconds=ago), now, departments)
                yield (category.pk, region, *row)

        insert_rows(
            Report, ["category_id", "region_id", *CASE_COLUMNS], cases(), batch=5000
        )  # fmt: skip
        orgs = max(size // 10, 10)
        first_org = Organization.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
        _social_orgs(orgs, first_org, communities, rng, today, now, "基准社会组织")
    return {
        "communities": communities,
        "departments": departments,
        "category": category.pk,
        "teams": teams,
        "helpers": helpers,
        "volunteers": volunteers,
        "organizations": orgs,
    }


def _social_orgs(
    count: int, first_org: int, communities: list[str], rng: random.Random, today: date,
    now: datetime, name: str, *, registered: date | None = None,
) -> list[int]:  # fmt: skip
    """``count`` social organizations (ledger Organization + SocialOrg), registered over twenty
    years (or all on ``registered``), 3 % closed since; returns the SocialOrg ids."""
    from shegong.core.bulk import insert_rows
    from shegong.ledger.models import Organization
    from shegong.socialorgs.models import SocialOrg

    plan = []
    for i in range(count):
        on = registered or today - timedelta(days=rng.randrange(1, ORG_SPAN_DAYS))
        closed = None
        if registered is None and rng.random() < 0.03:
            closed = on + timedelta(days=rng.randrange(1, max((today - on).days, 2)))
            closed = min(closed, today - timedelta(days=1))
        plan.append((communities[rng.randrange(len(communities))], on, closed, i))
    insert_rows(
        Organization, ["kind", "name", "region_id", "status"],
        (("social_org", f"{name}{first_org + i:07d}", region, "closed" if closed else "active")
         for region, _on, closed, i in plan),
        fixed={"created_at": now, "updated_at": now}, batch=5000,
    )  # fmt: skip
    org_ids = list(
        Organization.objects.filter(pk__gt=first_org, kind="social_org")
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    insert_rows(
        SocialOrg,
        ["organization_id", "org_type", "registration_number", "registration_authority",
         "registered_on", "status", "closed_on"],
        ((org, ("association", "service", "foundation")[i % 3], f"基准民证字第{org:08d}号",
          "基准民政局", on, "deregistered" if closed else "normal", closed)
         for org, (_region, on, closed, i) in zip(org_ids, plan, strict=True)),
        fixed={"created_at": now, "updated_at": now}, batch=5000,
    )  # fmt: skip
    return list(SocialOrg.objects.filter(organization_id__in=org_ids).values_list("pk", flat=True))


# --- the dashboard's read path -----------------------------------------------------------------


def _codes() -> list[str]:
    from shegong.core import registry

    return [indicator.code for indicator in registry.indicators]


def _read(codes: list[str], prefix: str, period, months: list[date]) -> tuple:
    from shegong.dashboard import figures

    return (
        figures.totals(codes, prefix, period),
        figures.totals(codes, prefix, period, by="street"),
        figures.monthly(codes, prefix, months),
    )


def _clocked(codes: list[str]) -> set[str]:
    """The indicators whose figure depends on the clock: their own ``clock_fields``, or a rate's
    or a sum's part that has them."""
    from shegong.core.registry import indicators

    def clock(code: str) -> bool:
        ind = indicators.get(code)
        if ind is None:
            return False
        parts = (ind.numerator, ind.denominator, *ind.parts)
        return bool(ind.clock_fields) or any(clock(p) for p in parts if p)

    return {code for code in codes if clock(code)}


def _same(a: float | None, b: float | None) -> bool:
    if a is None or b is None:
        return a is b
    return math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-6)


def _dashboard(prefix: str, streets: list[str], today: date) -> dict:
    from shegong.core.periods import Period
    from shegong.dashboard import figures, rollup
    from shegong.dashboard.rollup import month_end

    codes = _codes()
    period = Period(date(today.year, 1, 1), today)
    months = figures.months_ending(today, 12)
    _read(codes, prefix, period, months)  # warm: the registry's sources, the connection
    reads = []
    parts = {"totals": [], "by_street": [], "monthly": []}
    for _ in range(READS):
        began = time.perf_counter()
        total = figures.totals(codes, prefix, period)
        middle = time.perf_counter()
        by_street = figures.totals(codes, prefix, period, by="street")
        later = time.perf_counter()
        trend = figures.monthly(codes, prefix, months)
        ended = time.perf_counter()
        reads.append(ended - began)
        parts["totals"].append(middle - began)
        parts["by_street"].append(later - middle)
        parts["monthly"].append(ended - later)

    # A figure whose definition compares a deadline with now (clock_fields: 应响应, 应办理) moves
    # as deadlines pass while the raw side is counted (minutes at full size), so it is rolled
    # again and read again just before its raw count: both sides then see the same clock.
    clocked = _clocked(codes)
    clock_rolls = 0
    clock_s = 0.0  # kept out of the raw side's time

    clock_passed = 0

    def differs(code: str, region: str, span, ours, raw) -> bool:
        """Whether ``ours`` and ``raw`` differ; for a figure on the clock, also when read again
        after the raw count (a deadline may pass between the roll and the count: then the raw
        figure lies between the two reads, and equals the second)."""
        nonlocal clock_passed
        if _same(ours, raw):
            return False
        if code in clocked and _same(rolled(code, region, span, ours), raw):
            clock_passed += 1
            return False
        return True

    def rolled(code: str, region: str, span, value):
        nonlocal clock_rolls, clock_s
        if code not in clocked:
            return value
        began = time.perf_counter()
        rollup.roll_all_changes()
        value = figures.totals([code], region, span).value(code)
        clock_rolls += 1
        clock_s += time.perf_counter() - began
        return value

    mismatches = []
    compared = 0
    began = time.perf_counter()
    for code in codes:
        ours = rolled(code, prefix, period, total.value(code))
        raw = figures.raw_value(code, prefix, period)
        compared += 1
        if differs(code, prefix, period, ours, raw):
            mismatches.append([code, "total", ours, raw])
    raw_totals_s = time.perf_counter() - began - clock_s
    clock_s = 0.0
    began = time.perf_counter()
    for code in codes:
        for street in streets:
            ours = rolled(code, street, period, by_street.value(code, street))
            raw = figures.raw_value(code, street, period)
            compared += 1
            if differs(code, street, period, ours, raw):
                mismatches.append([code, street, ours, raw])
    raw_streets_s = time.perf_counter() - began - clock_s
    clock_s = 0.0
    began = time.perf_counter()
    for code in codes:
        for n, month in enumerate(months):
            span = Period(month, min(month_end(month), today))
            ours = rolled(code, prefix, span, trend[code][n])
            raw = figures.raw_value(code, prefix, span)
            compared += 1
            if differs(code, prefix, span, ours, raw):
                mismatches.append([code, f"{month:%Y-%m}", ours, raw])
    raw_monthly_s = time.perf_counter() - began - clock_s
    clock_s = 0.0
    raw_s = raw_totals_s + raw_streets_s + raw_monthly_s
    read_s = statistics.median(reads)
    return {
        "indicators": len(codes),
        "read_ms": round(read_s * 1000, 1),
        "read_min_ms": round(min(reads) * 1000, 1),
        "read_parts_ms": {k: round(statistics.median(v) * 1000, 1) for k, v in parts.items()},
        "raw_ms": round(raw_s * 1000, 1),
        "raw_parts_ms": {
            "totals": round(raw_totals_s * 1000, 1),
            "by_street": round(raw_streets_s * 1000, 1),
            "monthly": round(raw_monthly_s * 1000, 1),
        },
        "raw_over_read": round(raw_s / read_s, 1) if read_s else None,
        "figures_compared": compared,
        "mismatches": mismatches[:20],
        "mismatch_count": len(mismatches),
        "clock_dependent": sorted(clocked),
        "clock_rerolls": clock_rolls,
        "clock_passed_during_count": clock_passed,
        "nonzero_figures": sorted(c for c in codes if total.value(c)),
        "target_read_ms": 200,
    }


# --- the nightly step ---------------------------------------------------------------------------


def _audit(entries: list[tuple[int, str, int, str]], now: datetime) -> None:
    """Append one audit entry per changed record (verb, model label, pk, region), sealed into
    the hash chain as every writer does."""
    from shegong.core.models import AuditEvent

    AuditEvent.objects.bulk_create(
        [
            AuditEvent(
                at=now,
                verb=verb,
                actor_label="基准测试",
                target_type=label,
                target_id=str(pk),
                region_id=region,
                via="system",
                data={},
            )
            for verb, label, pk, region in entries
        ],
        batch_size=2000,
    )


def _one_day(size: int, built: dict, rng: random.Random) -> dict:
    """One day's changes with their audit entries: new service records and cases today, older
    open cases closed, social organizations registered and closed. Returns what was changed."""
    from django.db import transaction
    from django.db.models.functions import Coalesce
    from django.utils import timezone

    from shegong.core.bulk import insert_rows
    from shegong.core.verbs import Verb
    from shegong.ledger.models import Organization
    from shegong.reports.models import Report
    from shegong.socialorgs.models import SocialOrg
    from shegong.volunteers.models import ServiceRecord

    now = timezone.now()
    today = timezone.localdate()
    daily = max(size // 365, 2)
    communities, helpers, teams = built["communities"], built["helpers"], built["teams"]
    entries: list[tuple[int, str, int, str]] = []
    days: set[date] = {today}
    with transaction.atomic():
        last = ServiceRecord.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
        rows = []
        for _ in range(daily):
            volunteer, region = helpers[rng.randrange(len(helpers))]
            rows.append((volunteer, teams[region], region, "manual", "approved", "基准服务",
                         today, Decimal(rng.randrange(50, 401)) / 100))  # fmt: skip
        insert_rows(
            ServiceRecord,
            ["volunteer_id", "team_id", "region_id", "kind", "status", "content", "served_on",
             "hours"],
            rows, fixed={"created_at": now}, batch=5000,
        )  # fmt: skip
        entries += [
            (Verb.RECORD_ENTERED, "volunteers.servicerecord", pk, region)
            for pk, region in ServiceRecord.objects.filter(pk__gt=last).values_list(
                "pk", "region_id"
            )
        ]

        last = Report.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
        cases = []
        for _ in range(daily):
            submitted = now - timedelta(minutes=rng.randrange(1, 600))
            if timezone.localdate(submitted) != today:
                submitted = now
            region = communities[rng.randrange(len(communities))]
            row = _case(rng, submitted, now, built["departments"])
            cases.append((built["category"], region, *row))
        insert_rows(Report, ["category_id", "region_id", *CASE_COLUMNS], cases, batch=5000)
        entries += [
            (Verb.REPORT_SUBMITTED, "reports.report", pk, region)
            for pk, region in Report.objects.filter(pk__gt=last).values_list("pk", "region_id")
        ]

        # Older cases finished today: the open ones first, then ratings of closed ones.
        older = Report.objects.filter(pk__lte=last)
        open_ids = list(
            older.filter(status__in=["transferred", "responded", "resolved"])
            .order_by("-submitted_at")
            .values_list("pk", flat=True)[:daily]
        )
        closed_ids = list(
            older.filter(status="closed", rating__isnull=True)
            .order_by("-submitted_at")
            .values_list("pk", flat=True)[: daily - len(open_ids)]
        )
        for n in range(0, len(open_ids), 500):
            Report.objects.filter(pk__in=open_ids[n : n + 500]).update(
                status="closed", responded_at=Coalesce("responded_at", now),
                resolved_at=Coalesce("resolved_at", now), closed_at=now, updated_at=now,
            )  # fmt: skip
        for n in range(0, len(closed_ids), 500):
            Report.objects.filter(pk__in=closed_ids[n : n + 500]).update(
                rating=5, rated_at=now, updated_at=now
            )
        finished = set(open_ids)
        changed = Report.objects.filter(pk__in=open_ids + closed_ids)
        for pk, region, submitted in changed.values_list("pk", "region_id", "submitted_at"):
            verb = Verb.REPORT_CLOSED if pk in finished else Verb.REPORT_FOLLOWUP_RECORDED
            entries.append((verb, "reports.report", pk, region))
            days.add(timezone.localdate(submitted))

        orgs = max(built["organizations"] // 3650, 2)
        first_org = Organization.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
        new = _social_orgs(orgs, first_org, communities, rng, today, now, "基准新登记社会组织",
                           registered=today)  # fmt: skip
        gone = list(
            SocialOrg.objects.filter(status="normal", organization_id__lte=first_org)
            .order_by("?")
            .values_list("pk", flat=True)[: max(orgs // 4, 1)]
        )
        SocialOrg.objects.filter(pk__in=gone).update(
            status="deregistered", closed_on=today, updated_at=now
        )
        regions = dict(
            SocialOrg.objects.filter(pk__in=new + gone).values_list("pk", "organization__region")
        )
        entries += [(Verb.SOCIAL_ORG_REGISTERED, "socialorgs.socialorg", pk, regions[pk])
                    for pk in new]  # fmt: skip
        entries += [(Verb.SOCIAL_ORG_STATUS_CHANGED, "socialorgs.socialorg", pk, regions[pk])
                    for pk in gone]  # fmt: skip
        _audit(entries, now)
    return {
        "service_records": daily,
        "cases": daily,
        "cases_closed": len(open_ids),
        "cases_rated": len(closed_ids),
        "social_orgs_registered": len(new),
        "social_orgs_closed": len(gone),
        "audit_entries": len(entries),
        "first_day": min(days),
    }


def _nightly(size: int, built: dict, rng: random.Random) -> dict:
    from django.utils import timezone

    from shegong.dashboard import rollup

    began = time.perf_counter()
    changed = _one_day(size, built, rng)
    write_s = time.perf_counter() - began
    began = time.perf_counter()
    step = rollup.roll_all_changes()
    roll_s = time.perf_counter() - began
    since = min(changed.pop("first_day"), timezone.localdate() - timedelta(days=31))
    began = time.perf_counter()
    drifted = rollup.drift(since, timezone.localdate())
    drift_s = time.perf_counter() - began
    return {
        **changed,
        "write_changes_s": round(write_s, 2),
        "roll_s": round(roll_s, 3),
        "events_read": step.events,
        "days_rolled": step.days,
        "cells_written": step.cells,
        "drift_checked_from": since.isoformat(),
        "drift_cells": len(drifted),
        "drift_check_s": round(drift_s, 2),
        "target_roll_s": 10,
    }


# --- the brief ----------------------------------------------------------------------------------


def _brief(prefix: str, today: date) -> dict:
    """Time the year's work brief (``brief.compose`` from the rollups, then the .docx and the
    Markdown), if the brief module exists: it is built beside this benchmark."""
    from shegong.core.periods import Period
    from shegong.regions.models import Region

    name = "shegong.dashboard.brief"
    if importlib.util.find_spec(name) is None:
        return {"status": "skipped", "reason": f"{name} is absent"}
    module = importlib.import_module(name)
    if not hasattr(module, "compose"):
        return {"status": "skipped", "reason": f"{name} has no compose() to time"}
    region = Region.objects.get(code=DISTRICT)
    period = Period(today - timedelta(days=364), today)
    result: dict = {"status": "ok", "target_brief_s": 5, "region": prefix}
    try:
        began = time.perf_counter()
        brief = module.compose(region, period, "年度总结")
        result["compose_s"] = round(time.perf_counter() - began, 3)
        for fmt in ("docx", "md"):
            began = time.perf_counter()
            document = module.render(brief, fmt)
            result[f"{fmt}_s"] = round(time.perf_counter() - began, 3)
            result[f"{fmt}_bytes"] = len(document)
    except (TypeError, AttributeError, ValueError) as error:  # another API: the lead wires it
        return {"status": "skipped", "reason": f"{type(error).__name__}: {error}", **result}
    result["brief_s"] = round(result["compose_s"] + result["docx_s"], 3)
    result["sentences"] = sum(len(section.sentences) for section in brief.sections)
    return result


# --- the run ------------------------------------------------------------------------------------


def run(size: int) -> dict:
    from django.db import connection
    from django.utils import timezone

    from shegong.dashboard import rollup
    from shegong.dashboard.models import Rollup

    rng = random.Random(19)
    began = time.perf_counter()
    built = _setup(size, rng)
    setup_s = time.perf_counter() - began
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")  # fresh statistics, as a production database would have
    began = time.perf_counter()
    rollup.backfill()
    backfill_s = time.perf_counter() - began
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    today = timezone.localdate()
    prefix = DISTRICT[:6]
    streets = sorted({code[:9] for code in built["communities"]})
    dashboard = _dashboard(prefix, streets, today)
    nightly = _nightly(size, built, rng)
    brief = _brief(prefix, today)
    return {
        "service_records": size,
        "cases": size,
        "social_orgs": built["organizations"],
        "activities": max(size // 100, 20),
        "communities": len(built["communities"]),
        "streets": len(streets),
        "setup_s": round(setup_s, 1),
        "backfill_s": round(backfill_s, 1),
        "rollup_rows": Rollup.objects.count(),
        "dashboard": dashboard,
        "nightly": nightly,
        "brief": brief,
        "database": connection.vendor,
        "floor": "the same figures counted from the raw records (figures.raw_value per "
        "indicator, street and month)",
    }


def main(size: int = 1_000_000, *, in_place: bool = False) -> dict:
    support = _support()
    if in_place or os.environ.get(support.SANDBOX_ENV):
        return run(size)
    return support.sandboxed(Path(__file__).stem, size)
