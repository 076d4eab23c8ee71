"""The registry of periodic scans run by the worker (SLA clocks, purges, reminders …).

A scan is an idempotent function run every ``interval``. Its due time is a row (ScanState), so
a restart loses nothing, and a worker claims a run with a conditional UPDATE so two workers never
run the same scan twice. Apps register theirs with ``@periodic_scan(...)`` in ``<app>/tasks.py``
or here for platform scans.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

from django.db.models import F
from django.utils import timezone

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Scan:
    name: str
    interval: timedelta
    function: Callable[[], object]
    title: str


SCANS: dict[str, Scan] = {}


def periodic_scan(name: str, *, every: timedelta, title: str) -> Callable:
    def register(function: Callable[[], object]) -> Callable[[], object]:
        if name in SCANS and SCANS[name].function is not function:
            raise ValueError(f"scan {name!r} registered twice")
        SCANS[name] = Scan(name, every, function, title)
        return function

    return register


def autodiscover() -> None:
    """Import every app's ``tasks`` module so its ``@periodic_scan``s are registered."""
    from django.utils.module_loading import autodiscover_modules

    autodiscover_modules("tasks")


def run_due_scans(now=None) -> list[str]:
    """Run every scan whose next_run_at has passed; return the names this call ran."""
    from .models import ScanState

    autodiscover()
    now = now or timezone.now()
    ran = []
    for scan in SCANS.values():
        ScanState.objects.get_or_create(name=scan.name, defaults={"next_run_at": now})
        # Claim: only the worker whose UPDATE moves next_run_at forward runs the scan.
        claimed = ScanState.objects.filter(name=scan.name, next_run_at__lte=now).update(
            next_run_at=now + scan.interval, last_started_at=now
        )
        if not claimed:
            continue
        try:
            result = scan.function()
        except Exception as exc:
            ScanState.objects.filter(name=scan.name).update(
                last_error=f"{type(exc).__name__}: {exc}", last_finished_at=timezone.now()
            )
        else:
            ScanState.objects.filter(name=scan.name).update(
                last_result=str(result)[:1000],
                last_error="",
                last_finished_at=timezone.now(),
                runs=F("runs") + 1,
            )
        ran.append(scan.name)
    return ran


@periodic_scan("audit.purge", every=timedelta(hours=24), title="清理超过保存期限的审计日志")
def purge_audit() -> int:
    """Audited by purge_expired itself, in the purge's transaction."""
    from . import audit

    return audit.purge_expired()


class AuditChainBroken(Exception):
    """The verify scan's failure: its message lands in the scan's last_error (system page)."""


@periodic_scan("audit.verify_chain", every=timedelta(hours=24), title="核验审计日志哈希链")
def verify_audit_chain() -> str:
    """Walk the audit hash chain. Intact: remember the head. Broken: audit it once per break
    (the same break found again the next day is not a new event) and fail the scan."""
    from django.db import transaction

    from . import audit
    from .models import AuditChainVerification

    report = audit.verify_chain()
    state, _ = AuditChainVerification.objects.get_or_create(pk="chain")
    if report.ok:
        # The head's hash also goes to the log, outside the database: a copy kept there pins
        # the history up to it even against someone who rewrites every hash after it.
        logger.info("audit chain intact through #%s sha256 %s", report.last_id, report.last_hash)
        AuditChainVerification.objects.filter(pk="chain").update(
            through_id=report.last_id,
            hash=report.last_hash,
            verified_at=timezone.now(),
            reported_break="",
        )
        return report.message
    logger.error("audit chain broken at #%s: %s", report.broken_id, report.reason)
    key = f"{report.broken_id}:{report.reason}"[:300]
    if state.reported_break != key:
        with transaction.atomic():
            audit.record(
                audit.Verb.AUDIT_CHAIN_BROKEN,
                actor=None,
                data={"entry_id": report.broken_id, "reason": report.reason},
            )
            AuditChainVerification.objects.filter(pk="chain").update(reported_break=key)
    raise AuditChainBroken(report.message)


@periodic_scan("limits.purge", every=timedelta(hours=1), title="清理已过期的频率限制计数")
def purge_rate_counts() -> int:
    """Delete the rate-limit windows that are over (``core.limits``; Redis expires its own)."""
    from . import limits
    from .models import RateCount

    deleted, _ = RateCount.objects.filter(expires_at__lte=int(limits.now())).delete()
    return deleted
