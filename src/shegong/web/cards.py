"""The shell's own workbench cards: messages, the background workers, the latest audit entries."""

from __future__ import annotations

from typing import Any

from shegong.core.models import AuditEvent, WorkerHeartbeat
from shegong.core.perms import Perm
from shegong.core.registry import Card

from .http import url_or_none
from .queries import unread_count


def inbox(user: Any) -> dict[str, Any]:
    return {
        "unread": unread_count(user),
        "url": url_or_none("inbox:list"),
    }


def workers(user: Any) -> dict[str, Any]:
    return {
        "workers": list(WorkerHeartbeat.objects.order_by("name")),
        "url": url_or_none("system:status"),
    }


def recent_audit(user: Any) -> dict[str, Any]:
    return {
        "events": list(AuditEvent.objects.visible_to(user).order_by("-at", "-id")[:8]),
        "url": url_or_none("audit:list"),
        # Beside the workers card when the user sees it, the whole row otherwise.
        "half": user.has_perm_in_scope(Perm.SYSTEM_VIEW),
    }


CARDS = [
    Card("inbox", "web/cards/inbox.html", inbox, order=20),
    Card("workers", "web/cards/workers.html", workers, order=80, perm=Perm.SYSTEM_VIEW),
    Card("audit", "web/cards/audit.html", recent_audit, order=90, perm=Perm.AUDIT_VIEW),
]
