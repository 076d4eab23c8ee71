"""The audit trail: one explicit ``record()`` call in every action (never a signal).

Who acted, from where and through which channel is request context, not an action argument:
the web middleware, the API and the CLI set it with ``audit_context`` so actions stay free of
HTTP objects (STYLE.md rule 3).

Every entry is linked into a hash chain when it is inserted (``core.auditchain``, called from
``AuditEvent.save``); ``verify_chain()`` walks it.
"""

from __future__ import annotations

import contextvars
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django.db import models

from . import auditchain
from .models import AuditChainVerification, AuditEvent
from .verbs import VERB_CHOICES, VERB_LABELS, Verb

__all__ = [
    "VERB_CHOICES",
    "VERB_LABELS",
    "Verb",
    "audit_context",
    "current_context",
    "record",
    "verify_chain",
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


def verify_chain() -> auditchain.Report:
    """Walk the whole hash chain; ``.broken_id`` names the first broken entry (None: intact).

    Also checks that the head the verify scan last found intact is still there: removing the
    newest entries breaks no link."""
    known = (
        AuditChainVerification.objects.filter(pk="chain", through_id__gt=0)
        .values_list("through_id", "hash")
        .first()
    )
    return auditchain.verify(known=known)
