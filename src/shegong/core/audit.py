"""The audit trail: one explicit ``record()`` call in every action (never a signal).

Who acted, from where and through which channel is request context, not an action argument:
the web middleware, the API and the CLI set it with ``audit_context`` so actions stay free of
HTTP objects (STYLE.md rule 3).

Every entry is linked into a hash chain when it is inserted (``core.auditchain``, called from
``AuditEvent.save``); ``verify_chain()`` walks it.
"""

from __future__ import annotations

import contextvars
import hashlib
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db import models, transaction
from django.utils import timezone

from . import auditchain
from .bulk import insert_rows
from .models import (
    AUDIT_RETENTION_FLOOR_DAYS,
    PURGE_CLOCK_MARGIN,
    AuditChainAnchor,
    AuditChainVerification,
    AuditEvent,
    AuditTarget,
    chain_anchor,
)
from .verbs import VERB_CHOICES, VERB_LABELS, Verb

__all__ = [
    "VERB_CHOICES",
    "VERB_LABELS",
    "Verb",
    "audit_context",
    "current_context",
    "purge_expired",
    "record",
    "record_with_targets",
    "targets_digest",
    "verify_chain",
    "verify_targets",
]


_context: contextvars.ContextVar[dict[str, str] | None] = contextvars.ContextVar(
    "audit_context", default=None
)


@contextmanager
def audit_context(**values: str) -> Iterator[None]:
    """Set ip / via (web, api, cli, task) for every record() in this block."""
    token = _context.set({**current_context(), **values})
    try:
        yield
    finally:
        _context.reset(token)


def current_context() -> dict[str, str]:
    return _context.get() or {"via": "system"}


def record(
    verb: Verb,
    *,
    actor: Any | None,
    target: models.Model | None = None,
    region: Any | None = None,
    data: dict[str, Any] | None = None,
    success: bool = True,
    actor_label: str = "",
) -> Any:
    """Append one AuditEvent. ``region`` defaults to the target's region.

    Linking it into the hash chain takes the chain lock (PostgreSQL) until the caller's
    transaction commits: call it inside the action's transaction, as its last write."""
    ctx = current_context()
    if region is None and target is not None:
        region = getattr(target, "region_id", None)
    region_code = getattr(region, "code", region)
    actor_obj = actor if getattr(actor, "pk", None) else None
    return AuditEvent.objects.create(
        verb=int(verb),
        actor=actor_obj,
        actor_label=actor_label or (str(actor) if actor is not None else "系统"),
        target_type=target._meta.label_lower if target is not None else "",
        target_id=str(target.pk) if target is not None else "",
        target_label=str(target)[:200] if target is not None else "",
        region_id=region_code or None,
        ip=ctx.get("ip") or None,
        via=ctx.get("via", "system"),
        data=data or {},
        success=success,
    )


# One record a bulk entry touched: (verb, target type, target id, target label, detail).
Target = tuple[int, str, str, str, str]
TARGET_COLUMNS = ["verb", "target_type", "target_id", "target_label", "detail"]


def targets_digest(targets: Iterable[Sequence[Any]]) -> str:
    """SHA-256 over ``targets`` in order, one tab-separated line each (``Target`` fields)."""
    digest = hashlib.sha256()
    lines = []
    for target in targets:
        lines.append("\t".join(map(str, target)))
        if len(lines) >= 10_000:
            digest.update(("\n".join(lines) + "\n").encode())
            lines = []
    if lines:
        digest.update(("\n".join(lines) + "\n").encode())
    return digest.hexdigest()


def record_with_targets(
    verb: Verb, *, actor: Any | None, targets: Sequence[Target], region: Any | None = None,
    data: dict[str, Any] | None = None,
) -> Any:  # fmt: skip
    """``record`` one entry for a bulk write and one ``AuditTarget`` row per record it touched
    (the per-row detail, searchable by record like an entry's own target). The entry's data
    carries their count and ``targets_digest``: the hash chain covers the rows through it, and
    ``verify_targets`` checks them against it."""
    event = record(verb, actor=actor, region=region, data={
        **(data or {}), "targets": len(targets), "targets_sha256": targets_digest(targets),
    })  # fmt: skip
    insert_rows(AuditTarget, ["event_id", *TARGET_COLUMNS],
                ((event.pk, *target) for target in targets), batch=2000)  # fmt: skip
    return event


def verify_targets(event: Any) -> bool:
    """Whether the ``AuditTarget`` rows of ``event`` are the ones it was recorded with."""
    data = event.data or {}
    if "targets_sha256" not in data:
        return not AuditTarget.objects.filter(event_id=event.pk).exists()
    rows = AuditTarget.objects.filter(event_id=event.pk).order_by("id").values_list(*TARGET_COLUMNS)
    return targets_digest(rows.iterator(chunk_size=5000)) == data["targets_sha256"]


def verify_chain(*, batch: int = auditchain.BATCH) -> auditchain.Report:
    """Walk the whole hash chain; ``.broken_id`` names the first broken entry (None: intact).

    Also checks that the head the verify scan last found intact is still there: removing the
    newest entries breaks no link. A purge committed during the walk moves the start: the walk
    then starts again."""
    known = (
        AuditChainVerification.objects.filter(pk="chain", through_id__gt=0)
        .values_list("through_id", "hash")
        .first()
    )
    for _ in range(3):
        start = chain_anchor()
        report = auditchain.walk(_chain_rows(batch), start, known)
        if report.ok or chain_anchor() == start:
            break
    return report


def _chain_rows(batch: int) -> Iterator[tuple[Any, ...]]:
    """(id, prev_hash, hash, *FIELDS) of every entry in id order, ``batch`` rows per query."""
    columns = ("id", "prev_hash", "hash", *auditchain.FIELDS)
    after = 0
    while True:
        chunk = list(
            AuditEvent.objects.filter(id__gt=after).order_by("id").values_list(*columns)[:batch]
        )
        yield from chunk
        if len(chunk) < batch:
            return
        after = chunk[-1][0]


def purge_expired(*, now: Any = None) -> int:
    """Delete entries older than the retention period, and never a younger one.

    The cut-off is computed here from the setting (>= 180 days), not passed in, so no caller
    can shorten retention by mistake. Only a prefix of the hash chain goes: the entries before
    the oldest one still inside the retention (an entry written late with an early time, as an
    import's, waits for its neighbours). The last removed entry's hash becomes the chain's new
    anchor in the same transaction, and the purge is audited there too.
    """
    now = now or timezone.now()
    days = max(settings.AUDIT_RETENTION_DAYS, AUDIT_RETENTION_FLOOR_DAYS)
    cutoff = now - timedelta(days=days) - PURGE_CLOCK_MARGIN
    with transaction.atomic():
        auditchain.lock()
        events = AuditEvent.objects.all()
        kept = events.filter(at__gte=cutoff).order_by("id").values_list("id", flat=True)
        first_kept = kept.first()
        expired = events if first_kept is None else events.filter(id__lt=first_kept)
        last = expired.order_by("-id").values_list("id", "hash").first()
        if last is None:
            return 0
        expired = events.filter(id__lte=last[0])
        details = AuditTarget.objects.filter(event_id__lte=last[0])
        details._raw_delete(details.db)
        deleted = expired._raw_delete(expired.db)
        AuditChainAnchor.objects.create(through_id=last[0], hash=last[1])
        record(
            Verb.AUDIT_PURGED,
            actor=None,
            data={"deleted": deleted, "through_id": last[0], "anchor": last[1]},
        )
    return deleted
