"""Sending the outbox that ``notify`` wrote: each channel's due deliveries, within its rate.

Sending (``send_due``) respects each channel's rate: a WeCom or DingTalk robot takes 20 messages
a minute (DingTalk then blocks for 10 minutes), so when more are due than the minute has room
for, all but one slot are sent individually and the rest are **digested** into one summary
message. Failures are retried with exponential backoff and given up after ``MAX_ATTEMPTS``.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from typing import Any

from django.db import transaction
from django.db.models import Min
from django.utils import timezone

from . import channels
from .channels import Channel, Message, SendError
from .models import Delivery

logger = logging.getLogger("shegong.notify")

MAX_ATTEMPTS = 5
BACKOFF_BASE = timedelta(seconds=30)  # 30 s, 1 min, 2 min, 4 min, then FAILED
LEASE = timedelta(minutes=5)  # a claimed delivery is due again if its sender died mid-send
WINDOW = timedelta(seconds=60)
CLAIM_BATCH = 200


# --- sending ---------------------------------------------------------------------------------


def send_due(channel_name: str, *, now: datetime | None = None) -> dict[str, int]:
    """Send a channel's due deliveries within its rate; return counts of what happened."""
    channel = channels.get(channel_name)
    result = {"sent": 0, "digested": 0, "failed": 0, "deferred": 0}
    if channel is None:
        return result
    now = now or timezone.now()
    claimed = _claim(channel, now)
    if not claimed:
        return result
    to_send = claimed
    if channel.rate is not None:
        capacity = channel.rate - _sent_in_window(channel, now)
        if capacity <= 0:
            _defer(claimed, _window_frees_at(channel, now))
            result["deferred"] = len(claimed)
            return result
        if len(claimed) > capacity:
            if channel.needs_address:
                # SMS go to different people: never merge them, send the rest next minute.
                to_send, rest = claimed[:capacity], claimed[capacity:]
                _defer(rest, now + WINDOW)
                result["deferred"] = len(rest)
            else:
                to_send, rest = claimed[: capacity - 1], claimed[capacity - 1 :]
                to_send.append(_digest(channel, rest))
                result["digested"] = len(rest)
    for delivery in to_send:
        if _send_one(channel, delivery, now):
            result["sent"] += 1
        else:
            result["failed"] += 1
    return result


def _claim(channel: Channel, now: datetime) -> list[Delivery]:
    """Take the due rows for this sender by pushing their due time past a lease.

    On PostgreSQL ``skip_locked`` lets two workers take disjoint rows; on SQLite the IMMEDIATE
    transaction holds the write lock from BEGIN, so the select-then-update cannot interleave.
    """
    with transaction.atomic():
        due = list(
            Delivery.objects.select_for_update(skip_locked=True)
            .filter(channel=channel.name, status=Delivery.Status.PENDING, next_attempt_at__lte=now)
            .order_by("next_attempt_at", "id")[:CLAIM_BATCH]
        )
        if due:
            Delivery.objects.filter(pk__in=[d.pk for d in due]).update(next_attempt_at=now + LEASE)
    return due


def _sent_in_window(channel: Channel, now: datetime) -> int:
    return Delivery.objects.filter(
        channel=channel.name, status=Delivery.Status.SENT, sent_at__gt=now - WINDOW
    ).count()


def _window_frees_at(channel: Channel, now: datetime) -> datetime:
    oldest = Delivery.objects.filter(
        channel=channel.name, status=Delivery.Status.SENT, sent_at__gt=now - WINDOW
    ).aggregate(oldest=Min("sent_at"))["oldest"]
    return (oldest or now) + WINDOW


def _defer(deliveries: list[Delivery], until: datetime) -> None:
    Delivery.objects.filter(pk__in=[d.pk for d in deliveries]).update(next_attempt_at=until)


def _digest(channel: Channel, rest: list[Delivery]) -> Delivery:
    """One summary message standing for ``rest``, which are marked DIGESTED."""
    heading = f"另有{len(rest)}条通知"
    lines = "\n".join(f"- {d.title}" for d in rest)
    summary = Delivery.objects.create(
        channel=channel.name,
        title=heading,
        body=f"{heading}：\n{lines}",
        digest_of=len(rest),
        next_attempt_at=timezone.now() + LEASE,
    )
    Delivery.objects.filter(pk__in=[d.pk for d in rest]).update(
        status=Delivery.Status.DIGESTED,
        sent_at=timezone.now(),
        last_error=f"合并到汇总消息 #{summary.pk}",
    )
    return summary


def _send_one(channel: Channel, delivery: Delivery, now: datetime) -> bool:
    try:
        channel.send(Message(delivery.title, delivery.body, delivery.address))
    except Exception as exc:  # any failure is retried; a bug in a provider must not stop others
        retry_after = exc.retry_after if isinstance(exc, SendError) else None
        attempts = delivery.attempts + 1
        update: dict[str, Any] = {"attempts": attempts, "last_error": str(exc)[:1000]}
        if attempts >= MAX_ATTEMPTS:
            update["status"] = Delivery.Status.FAILED
        else:
            delay = (
                timedelta(seconds=retry_after)
                if retry_after
                else BACKOFF_BASE * 2 ** (attempts - 1)
            )
            update["next_attempt_at"] = now + delay
        Delivery.objects.filter(pk=delivery.pk).update(**update)
        logger.warning("delivery %s via %s failed: %s", delivery.pk, channel.name, exc)
        return False
    Delivery.objects.filter(pk=delivery.pk).update(
        status=Delivery.Status.SENT,
        sent_at=timezone.now(),
        attempts=delivery.attempts + 1,
        last_error="",
    )
    return True


def flush(*, now: datetime | None = None) -> dict[str, dict[str, int]]:
    """Send every channel's due deliveries (retries, deferred ones, lost enqueues)."""
    now = now or timezone.now()
    results = {channel.name: send_due(channel.name, now=now) for channel in channels.configured()}
    if not channels.config_errors():
        # A channel removed from the configuration will never send: say so instead of waiting.
        names = [c.name for c in channels.configured()]
        Delivery.objects.filter(status=Delivery.Status.PENDING).exclude(channel__in=names).update(
            status=Delivery.Status.FAILED, last_error="通道未配置 / channel not configured"
        )
    return {name: counts for name, counts in results.items() if any(counts.values())}
