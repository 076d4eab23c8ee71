"""Benchmark: the cost of data scope on a filtered, paginated list.

``shegong bench scope [--size N]`` writes N throwaway ``JobRun`` rows (a real scoped model: it
carries ``region`` and ``visible_to``) spread over every grid of the demo district's six
streets, then times, in the same run, one list page as a street's staff member sees it —
``visible_to(user)`` + a filter + ``order_by`` + ``[offset:offset + 20]`` + ``count()``, the
queries an API list endpoint runs — against the same query without scope (the floor). It
reports the median times, their ratio (target <= 1.5) and the SQL queries of one page, which
must not grow with N. The rows are deleted afterwards.
"""

from __future__ import annotations

import statistics
import time
from datetime import timedelta

from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

KIND = "bench.scope"
PHONE = "13800009999"
PAGE = 20


def _grids() -> list[str]:
    from shegong.core import demo
    from shegong.regions.demo import load_regions
    from shegong.regions.models import Region

    if not Region.objects.filter(code=demo.DISTRICT[0]).exists():
        load_regions(demo.DemoContext(size="seed"))
    return list(
        Region.objects.subtree(demo.DISTRICT[0][:6])
        .filter(level="grid")
        .values_list("pk", flat=True)
    )


def _cleanup() -> None:
    from shegong.accounts.models import User
    from shegong.core.models import JobRun

    JobRun.objects.filter(kind=KIND).delete()
    User.objects.filter(phone=PHONE).delete()


def _populate(size: int, grids: list[str]) -> None:
    from shegong.core.models import JobRun

    statuses = list(JobRun.Status)
    start = timezone.now()
    with transaction.atomic():
        JobRun.objects.bulk_create(
            (
                JobRun(
                    kind=KIND,
                    title=f"基准任务{i}",
                    status=statuses[i % len(statuses)],
                    region_id=grids[(i * 7919) % len(grids)],
                    created_at=start - timedelta(seconds=i),
                )
                for i in range(size)
            ),
            batch_size=2000,
        )


def _street_staff():
    from shegong.accounts.models import Membership, User
    from shegong.core.perms import Role

    user = User.objects.create_user(phone=PHONE, password=None, name="基准测试")
    Membership.objects.create(user=user, role=Role.STREET_STAFF, region_id="341271001000")
    return user


def _page(queryset, offset: int) -> tuple[list, int]:
    from shegong.core.models import JobRun

    filtered = queryset.filter(kind=KIND, status=JobRun.Status.SUCCEEDED)
    rows = list(filtered.order_by("-created_at", "-id")[offset : offset + PAGE])
    return rows, filtered.count()


def scoped_page(user_pk: int, offset: int) -> tuple[list, int]:
    """What a request does: the user's memberships are loaded, then the scoped list."""
    from shegong.accounts.models import User
    from shegong.core.models import JobRun

    user = User.objects.get(pk=user_pk)
    return _page(JobRun.objects.visible_to(user), offset)


def unscoped_page(user_pk: int, offset: int) -> tuple[list, int]:
    from shegong.accounts.models import User
    from shegong.core.models import JobRun

    User.objects.get(pk=user_pk)  # the same session-user load, so only the scope differs
    return _page(JobRun.objects.all(), offset)


def _time(function, user_pk: int, offset: int) -> float:
    began = time.perf_counter()
    function(user_pk, offset)
    return (time.perf_counter() - began) * 1000


def main(size: int = 100_000) -> dict:
    _cleanup()
    grids = _grids()
    try:
        _populate(size, grids)
        staff = _street_staff()
        repetitions = 5 if size < 10_000 else 15
        offsets = [0, PAGE * 5]
        for offset in offsets:  # warm the page cache for both
            scoped_page(staff.pk, offset)
            unscoped_page(staff.pk, offset)
        scoped, unscoped = [], []
        for _ in range(repetitions):
            for offset in offsets:
                scoped.append(_time(scoped_page, staff.pk, offset))
                unscoped.append(_time(unscoped_page, staff.pk, offset))
        with CaptureQueriesContext(connection) as captured:
            rows, total = scoped_page(staff.pk, 0)
        with CaptureQueriesContext(connection) as captured_unscoped:
            unscoped_page(staff.pk, 0)
        assert all(row.region_id.startswith("341271001") for row in rows)
        scoped_ms = statistics.median(scoped)
        unscoped_ms = statistics.median(unscoped)
        return {
            "rows": size,
            "visible_rows": total,
            "scoped_ms": round(scoped_ms, 3),
            "unscoped_ms": round(unscoped_ms, 3),
            "ratio": round(scoped_ms / unscoped_ms, 3) if unscoped_ms else None,
            "queries_per_page": len(captured),
            "unscoped_queries_per_page": len(captured_unscoped),
            "repetitions": repetitions * len(offsets),
            "database": connection.vendor,
            "floor": "unscoped query",
        }
    finally:
        _cleanup()
