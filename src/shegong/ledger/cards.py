"""The workbench card of the ledger: three cheap scoped counts, no rule evaluation on the home
page. Each number equals the list it links to."""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from shegong.core.perms import Perm
from shegong.core.registry import Card

from .choices import OrgStatus
from .models import Organization, Person, ReviewTask


def summary(user: Any) -> dict[str, Any]:
    open_tasks = ReviewTask.objects.visible_to(user).filter(assignee=user, done_at=None)
    return {
        "organizations": Organization.objects.visible_to(user)
        .filter(status=OrgStatus.ACTIVE)
        .count(),
        "people": Person.objects.visible_to(user).count(),
        "my_tasks": open_tasks.count(),
        "my_overdue": open_tasks.filter(due_on__lt=timezone.localdate()).count(),
    }


CARDS = [Card("ledger", "ledger/cards/summary.html", summary, order=30, perm=Perm.LEDGER_VIEW)]
