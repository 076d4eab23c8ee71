"""Periodic scans of the ledger and the notification events they send.

Imported from ``LedgerConfig.ready()`` so the web process (system page) and the worker both know
the scan. (``ledger/tasks.py`` holds the import jobs.)
"""

from __future__ import annotations

from datetime import timedelta

from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from shegong.core.notify import notify, register_event
from shegong.core.scans import periodic_scan

from .choices import CampaignStatus
from .models import ReviewTask

REMIND_EVERY = timedelta(hours=24)

register_event(
    "ledger.review_assigned",
    title="回头看「{{ campaign }}」：您有{{ count }}家单位待核查",
    body="请在 {{ due_on }} 前完成核查。",
    link="{{ url }}",
)
register_event(
    "ledger.review_overdue",
    title="回头看核查已逾期：{{ organization }}",
    body="「{{ campaign }}」要求在 {{ due_on }} 前完成核查，已逾期{{ days }}天，请尽快处理。",
    link="{{ url }}",
)


@periodic_scan(
    "ledger.review_reminders", every=timedelta(hours=1), title="催办逾期的回头看核查任务"
)
def remind_overdue_reviews(now=None) -> int:
    """Notify the assignee of each open task past its due date, at most once a day per task.

    Each task is claimed with a conditional UPDATE of ``reminded_at`` inside the transaction that
    writes the notification: of two workers only one UPDATE matches, so nobody is reminded
    twice, and a crash before commit leaves the task unclaimed for the next run.
    """
    now = now or timezone.now()
    today = timezone.localdate(now)
    cutoff = now - REMIND_EVERY
    not_recent = Q(reminded_at__isnull=True) | Q(reminded_at__lte=cutoff)
    due = (
        ReviewTask.objects.filter(
            not_recent,
            done_at__isnull=True,
            due_on__lt=today,
            campaign__status=CampaignStatus.OPEN,
        )
        .select_related("campaign", "organization", "assignee")
        .order_by("due_on", "pk")
    )
    sent = 0
    for task in due.iterator(chunk_size=500):
        with transaction.atomic():
            claimed = ReviewTask.objects.filter(
                not_recent, pk=task.pk, done_at__isnull=True
            ).update(reminded_at=now)
            if not claimed:
                continue
            notify(
                task.assignee, "ledger.review_overdue",
                {"organization": task.organization.name, "campaign": task.campaign.name,
                 "due_on": task.due_on.isoformat(), "days": (today - task.due_on).days,
                 "url": reverse("ledger:task", args=[task.pk])},
            )  # fmt: skip
        sent += 1
    return sent
