"""The workbench card of the ledger: three cheap scoped counts, no rule evaluation on the home
page. Each number equals the list it links to."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode

from shegong.core.perms import Perm
from shegong.core.registry import Card

from .choices import OrgStatus
from .models import Organization, Person
from .queries import campaigns, records

# 在营单位 as the coverage page counts it: active, not a 商圈、楼宇、园区、市场.
UNITS_FILTER = {"status": OrgStatus.ACTIVE.value, "kind": records.UNITS}


def summary(user: Any) -> dict[str, Any]:
    open_tasks = campaigns.my_open_tasks(user)
    units = records.filter_organizations(Organization.objects.visible_to(user), UNITS_FILTER)
    return {
        "organizations": units.count(),
        "organizations_url": f"{reverse('ledger:organizations')}?{urlencode(UNITS_FILTER)}",
        "people": Person.objects.visible_to(user).count(),
        "my_tasks": open_tasks.count(),
        "my_overdue": open_tasks.filter(due_on__lt=timezone.localdate()).count(),
    }


CARDS = [Card("ledger", "ledger/cards/summary.html", summary, order=30, perm=Perm.LEDGER_VIEW)]
