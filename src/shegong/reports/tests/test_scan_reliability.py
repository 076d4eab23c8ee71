"""A scan killed half-way and run again escalates every overdue case exactly once."""

from __future__ import annotations

from collections import Counter
from datetime import timedelta

import pytest
from django.utils import timezone

from shegong import testing
from shegong.core.audit import Verb
from shegong.core.models import AuditEvent
from shegong.reports import scans
from shegong.reports.actions.reports import submit_report
from shegong.reports.choices import EventKind
from shegong.reports.models import Report, ReportEvent

pytestmark = pytest.mark.django_db


class Killed(BaseException):
    """What the scan sees of a SIGKILL: it stops in the middle, nothing after runs."""


def test_a_scan_killed_mid_batch_escalates_each_case_exactly_once_after_restart(
    rider, category, handler, monkeypatch
):
    cases = [
        submit_report(actor=rider, category=category, description=f"井盖缺失{i}",
                              lat=testing.POINT_A[0], lon=testing.POINT_A[1])
        for i in range(7)
    ]  # fmt: skip
    Report.objects.update(response_due_at=timezone.now() - timedelta(hours=1))
    monkeypatch.setattr(scans, "BATCH", 3)
    real_bulk_create = ReportEvent.objects.bulk_create
    calls = {"n": 0}

    def dying_bulk_create(objs, **kwargs):
        calls["n"] += 1
        if calls["n"] == 2:  # the second batch dies after claiming its cases
            raise Killed
        return real_bulk_create(objs, **kwargs)

    monkeypatch.setattr(ReportEvent.objects, "bulk_create", dying_bulk_create)
    with pytest.raises(Killed):
        scans.escalate_overdue()
    assert Report.objects.filter(escalation_level=1).count() == 3  # the first batch committed

    monkeypatch.setattr(ReportEvent.objects, "bulk_create", real_bulk_create)
    assert scans.escalate_overdue() == 4  # the restart picks up the rest, and only the rest
    assert scans.escalate_overdue() == 0

    ids = [c.pk for c in cases]
    events = Counter(
        ReportEvent.objects.filter(kind=EventKind.ESCALATED).values_list("report_id", flat=True)
    )
    audits = Counter(
        AuditEvent.objects.filter(verb=Verb.REPORT_ESCALATED).values_list("target_id", flat=True)
    )
    assert events == dict.fromkeys(ids, 1)
    assert audits == {str(pk): 1 for pk in ids}
