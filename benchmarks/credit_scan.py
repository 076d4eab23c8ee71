"""Benchmark: the social-organization scans and the registrar's worklists at county-times-100 size.

``shegong bench credit_scan [--size N]`` inserts N social organizations (default 100,000: ledger
Organization + SocialOrg rows) with 5 years of AnnualReport history (2 % 未参检 each year), a few
overdue rectifications, returned letters and 撤销 organizations (each year's reports under a
closed inspection plan, so the 警告/撤销 worklists read last year), then times, in the same run:

- every scan registered in ``core.scans.SCANS`` whose name starts with ``socialorgs.`` (the
  credit-list scan and, after the merge, the other parts'), each run twice (the second run must
  find nothing new), against a floor: an indexed ``COUNT(*)`` of the same candidates (for the
  credit scan: the 未参检 reports of the rule's look-back years) — target under 10 s for the scans;
- every registrar worklist in ``socialorgs.workbench.worklists``: its ``count(user)`` and the first
  page of the list it links to (in process, through Django's test Client) — target < 200 ms each.

Like the other benchmarks it runs in a child process on a throwaway data directory unless
``in_place=True`` (the test suite).
"""

from __future__ import annotations

import os
import statistics
import time
from datetime import date, timedelta
from pathlib import Path

YEARS = 5
ABSENT_SHARE = 50  # one organization in 50 misses a given year's inspection
REGISTRAR_PHONE = "13800009996"


def _support():
    from shegong.cli import load_benchmark

    return load_benchmark("ledger_import")


def _code(i: int) -> str:
    from stdnum.cn import uscc

    body = f"52341271MJ{i:07d}"
    return body + uscc.calc_check_digit(body)


def _setup(size: int, today: date) -> str:
    from django.db import transaction
    from django.utils import timezone

    from shegong import testing
    from shegong.core.bulk import insert_rows
    from shegong.core.perms import Role
    from shegong.ledger.choices import OrgKind
    from shegong.ledger.models import Organization
    from shegong.regions.models import Region
    from shegong.socialorgs.models import (
        AnnualReport,
        InspectionPlan,
        Rectification,
        ReturnedLetter,
        SocialOrg,
    )

    grids = _support().grids()
    district = grids[0][:6] + "000000"
    if not testing.User.objects.filter(phone=REGISTRAR_PHONE).exists():
        testing.user(
            Role.REGISTRAR,
            Region.objects.get(pk=district),
            phone=REGISTRAR_PHONE,
            name="基准登记员",
        )
    now = timezone.now()
    first = Organization.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    with transaction.atomic():
        insert_rows(
            Organization,
            ["kind", "name", "credit_code", "region_id", "status"],
            (
                (
                    OrgKind.SOCIAL_ORG,
                    f"基准社会组织{i:06d}",
                    _code(i),
                    grids[i % len(grids)],
                    "closed" if i % 1000 == 7 else "active",
                )
                for i in range(size)
            ),
            fixed={"created_at": now, "updated_at": now},
            batch=2000,
        )
        org_ids = list(
            Organization.objects.filter(pk__gt=first, kind=OrgKind.SOCIAL_ORG)
            .order_by("pk")
            .values_list("pk", flat=True)
        )
        registered = date(today.year - 10, 3, 1)
        insert_rows(
            SocialOrg,
            [
                "organization_id",
                "org_type",
                "registration_number",
                "registration_authority",
                "registered_on",
                "status",
            ],
            (
                (
                    org_id,
                    "service",
                    f"基准民证字第{i:07d}号",
                    "基准民政局",
                    registered,
                    "cancelled" if i % 1000 == 7 else "normal",
                )
                for i, org_id in enumerate(org_ids)
            ),
            fixed={"created_at": now, "updated_at": now},
            batch=2000,
        )
        so_ids = list(
            SocialOrg.objects.filter(organization_id__gt=first)
            .order_by("pk")
            .values_list("pk", flat=True)
        )

        plans = {
            year: InspectionPlan.objects.get_or_create(
                authority="基准民政局",
                year=year,
                defaults={
                    "region_id": district,
                    "supervisor_due": date(year + 1, 3, 31),
                    "registrar_due": date(year + 1, 5, 31),
                },
            )[0].pk
            for year in range(today.year - YEARS, today.year)
        }

        def reports():
            for i, so_id in enumerate(so_ids):
                for back in range(1, YEARS + 1):
                    absent = (i + back) % ABSENT_SHARE == 0
                    yield (
                        so_id,
                        today.year - back,
                        plans[today.year - back],
                        "concluded",
                        "absent" if absent else "pass",
                        absent,
                    )

        insert_rows(
            AnnualReport,
            ["social_org_id", "year", "plan_id", "state", "conclusion", "late"],
            reports(),
            fixed={"created_at": now, "updated_at": now, "concluded_at": now},
            batch=5000,
        )
        insert_rows(
            Rectification,
            ["social_org_id", "ordered_by", "ordered_on", "matter", "deadline"],
            (
                (
                    so_id,
                    "基准民政局",
                    today - timedelta(days=40),
                    "基准整改事项",
                    today - timedelta(days=3),
                )
                for so_id in so_ids[3::500]
            ),
            fixed={"created_at": now},
            batch=2000,
        )
        insert_rows(
            ReturnedLetter,
            ["social_org_id", "sent_on", "returned_on", "address"],
            (
                (so_id, today - timedelta(days=d), today - timedelta(days=d - 10), "基准地址")
                for so_id in so_ids[5::700]
                for d in (60, 30)
            ),
            fixed={"recorded_at": now},
            batch=2000,
        )
    return district


def _median_time(function, repeat: int = 5) -> tuple[float, object]:
    times, result = [], None
    for _ in range(repeat):
        began = time.perf_counter()
        result = function()
        times.append(time.perf_counter() - began)
    return statistics.median(times), result


def run(size: int) -> dict:
    from django.db import connection
    from django.urls import reverse
    from django.utils import timezone

    from shegong import testing
    from shegong.core import scans
    from shegong.socialorgs import credit_rules
    from shegong.socialorgs.models import AnnualReport
    from shegong.socialorgs.workbench import worklists

    today = timezone.localdate()
    began = time.perf_counter()
    _setup(size, today)
    setup_s = time.perf_counter() - began
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")  # fresh statistics, as a production database would have

    since = today.year - int(credit_rules.rule("report_missed").params.get("lookback_years", 2))
    floor_s, candidates = _median_time(
        lambda: AnnualReport.objects.filter(
            conclusion="absent", year__gte=since, year__lt=today.year
        ).count()
    )
    scans.autodiscover()
    reverse("socialorgs:workbench")  # load the URLconf once, as a running worker already has
    timed = {}
    for name, scan in sorted(scans.SCANS.items()):
        if not name.startswith("socialorgs."):
            continue
        began = time.perf_counter()
        result = scan.function()
        first_s = time.perf_counter() - began
        began = time.perf_counter()
        again = scan.function()
        timed[name] = {
            "scan_s": round(first_s, 3),
            "result": result,
            "rescan_s": round(time.perf_counter() - began, 3),
            "again": again,
        }

    user = testing.User.objects.get(phone=REGISTRAR_PHONE)
    client = testing.Client()
    client.force_login(user)
    lists = {}
    for item in worklists:
        todo = item.todo
        if not todo.applies_to(user):
            continue
        count_s, count = _median_time(lambda todo=todo: todo.count(user), repeat=3)
        url = reverse(todo.url_name) + (f"?{todo.query}" if todo.query else "")
        page_s, response = _median_time(lambda url=url: client.get(url), repeat=3)
        lists[todo.key] = {
            "count": count,
            "count_ms": round(count_s * 1000, 1),
            "page_ms": round(page_s * 1000, 1),
            "status": getattr(response, "status_code", None),
        }
    total_scan_s = sum(t["scan_s"] for t in timed.values())
    return {
        "organizations": size,
        "annual_reports": size * YEARS,
        "candidates": candidates,
        "setup_s": round(setup_s, 2),
        "floor_count_s": round(floor_s, 4),
        "scans": timed,
        "scan_total_s": round(total_scan_s, 3),
        "ratio": round(total_scan_s / floor_s, 1) if floor_s else None,
        "target_scan_s": 10,
        "worklists": lists,
        "worklist_max_ms": max(
            (max(x["count_ms"], x["page_ms"]) for x in lists.values()), default=0
        ),
        "target_worklist_ms": 200,
        "database": connection.vendor,
        "floor": "indexed COUNT(*) of the 未参检 reports in the rule's look-back years",
    }


def main(size: int = 100_000, *, in_place: bool = False) -> dict:
    support = _support()
    if in_place or os.environ.get(support.SANDBOX_ENV):
        return run(size)
    return support.sandboxed(Path(__file__).stem, size)
