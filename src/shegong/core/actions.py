"""State changes of the platform tables that belong to no domain app (the inbox, …)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db import transaction
from django.utils import timezone

from .errors import NotPermitted
from .models import Notification


@transaction.atomic(durable=True)
def mark_notifications_read(user: Any, ids: Iterable[int] | None = None, *, actor: Any) -> int:
    """Mark the user's own notifications read: those in ``ids``, or all unread when None.

    Returns how many changed. Ids of other users' notifications are ignored, never an error
    that would reveal they exist. Only the recipient may do this.

    Not audited: marking a message read changes only the reader's own view of their own inbox;
    it grants nothing, reveals no one's data and changes no shared record, so an audit row
    would be noise among the security events the log exists for.
    """
    if actor is None or actor.pk != user.pk:
        raise NotPermitted("只能标记自己的消息")
    unread = Notification.objects.filter(recipient_id=user.pk, read_at__isnull=True)
    if ids is not None:
        unread = unread.filter(pk__in=list(ids))
    # A conditional UPDATE: a notification already read keeps its first read_at.
    return unread.update(read_at=timezone.now())
