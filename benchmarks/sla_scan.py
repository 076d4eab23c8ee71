"""Benchmark: the SLA scan (超时督办) over a large backlog of open cases.

``shegong bench sla_scan [--size N]`` inserts N open cases (default 1,000,000) with their
response clocks running, 1 % of them past their response deadline, then times, in the same run:

- the floor: an indexed ``COUNT(*)`` of exactly the overdue cases (the scan's own WHERE clause),
  nothing else — the cheapest possible way to even *know* what is overdue;
- the scan: ``reports.scans.escalate_overdue`` — it claims every overdue case, raises its
  escalation level, writes a timeline event and an audit entry per case and one digest
  notification per department and batch — and a second run, which must find nothing.

Target: the scan under 5 s for 1M cases / 10,000 overdue. It prints both times, the ratio, and
how many cases were escalated. Like ``ledger_import`` it runs in a child process on a throwaway
data directory unless ``in_place=True`` (the test suite: audit rows are append-only).
"""

from __future__ import annotations

import os
import statistics
import time
from datetime import timedelta
from pathlib import Path

OVERDUE_SHARE = 100  # one case in 100 is overdue
SUPERVISOR_PHONE = "13800009997"


def _support():
    from shegong.cli import load_benchmark

    return load_benchmark("ledger_import")


def _setup(size: int):
    from django.db import transaction
    from django.utils import timezone

    from shegong import testing
    from shegong.accounts.models import Department, User
    from shegong.core.bulk import insert_rows
    from shegong.core.perms import Role
    from shegong.reports.choices import Status
    from shegong.reports.models import Category, Report

    grids = _support().grids()
    district = grids[0][:6] + "000000"
    department, _ = Department.objects.get_or_create(
        code="bench-cgj", defaults={"name": "基准测试城管", "region_id": district}
    )
    if not User.objects.filter(phone=SUPERVISOR_PHONE).exists():
        from shegong.regions.models import Region

        testing.user(Role.DEPARTMENT_SUPERVISOR, Region.objects.get(pk=district),
                     phone=SUPERVISOR_PHONE, name="基准督办", department=department)  # fmt: skip
    category, _ = Category.objects.get_or_create(
        service_code="bench-sla", defaults={"name": "基准测试类别", "group": "基准"}
    )
    now = timezone.now()
    late = now - timedelta(hours=1)
    later = now + timedelta(hours=20)
    resolve = now + timedelta(days=5)
    columns = ["category_id", "status", "description", "region_id", "lead_department_id",
               "transferred_at", "response_due_at", "resolution_due_at"]  # fmt: skip
    rows = (
        (category.pk, Status.TRANSFERRED, "基准测试工单", grids[i % len(grids)], department.pk,
         now - timedelta(hours=25), late if i % OVERDUE_SHARE == 0 else later, resolve)
        for i in range(size)
    )  # fmt: skip
    with transaction.atomic():
        insert_rows(Report, columns, rows, fixed={"submitted_at": now, "updated_at": now},
                    batch=2000)  # fmt: skip
    return now


def run(size: int) -> dict:
    from django.db import connection
    from django.urls import reverse
    from django.utils import timezone

    from shegong.reports import scans
    from shegong.reports.choices import AWAITING_RESPONSE
    from shegong.reports.models import Report

    began = time.perf_counter()
    _setup(size)
    setup_s = time.perf_counter() - began
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")  # fresh statistics, as a production database would have
    now = timezone.now()
    due = Report.objects.filter(
        status__in=list(AWAITING_RESPONSE), escalation_level__lt=1, response_due_at__lt=now
    )
    floors = []
    for _ in range(5):
        began = time.perf_counter()
        expected = due.count()
        floors.append(time.perf_counter() - began)
    floor_s = statistics.median(floors)

    reverse("reports:board")  # load the URLconf once, as a running worker already has
    began = time.perf_counter()
    escalated = scans.escalate_overdue(now)
    scan_s = time.perf_counter() - began
    began = time.perf_counter()
    again = scans.escalate_overdue(now)
    rescan_s = time.perf_counter() - began
    return {
        "open_cases": size,
        "overdue": expected,
        "escalated": escalated,
        "escalated_again": again,
        "setup_s": round(setup_s, 2),
        "floor_count_s": round(floor_s, 4),
        "scan_s": round(scan_s, 3),
        "rescan_s": round(rescan_s, 4),
        "ratio": round(scan_s / floor_s, 1) if floor_s else None,
        "target_scan_s": 5,
        "database": connection.vendor,
        "floor": "indexed COUNT(*) of the overdue cases",
    }


def main(size: int = 1_000_000, *, in_place: bool = False) -> dict:
    support = _support()
    if in_place or os.environ.get(support.SANDBOX_ENV):
        return run(size)
    return support.sandboxed(Path(__file__).stem, size)
