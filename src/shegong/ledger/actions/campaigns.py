"""回头看 review campaigns: pick organizations by filter, one task each for a named staff member,
each task ends as verified / updated / closed / moved out.

A task completed as "updated", "closed" or "moved out" changes the organization through
``change_organization`` — the body of ``update_organization``, the same action the record page
uses — inside this action's own transaction. We chose that over calling the durable
``update_organization`` after our own commit: the task and the record change then succeed or fail
together, and two people completing one task at once cannot both change the organization (the
task row is locked first and the second one is refused).
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from typing import Any

from django.db import transaction
from django.db.models import Max
from django.urls import reverse
from django.utils import timezone

from shegong.accounts.models import User
from shegong.core import audit
from shegong.core.audit import Verb
from shegong.core.errors import DomainError, InvalidInput, NotPermitted
from shegong.core.notify import notify
from shegong.core.perms import Perm, require_perm
from shegong.core.scope import in_subtree
from shegong.regions.models import Region

from ..choices import CampaignStatus, OrgStatus, ReviewOutcome
from ..models import Organization, ReviewCampaign, ReviewTask
from ..queries.campaigns import ASSIGNEE_ROLES, holds_role_over
from ..queries.records import clean_criteria, filter_organizations
from ..schemas import OrganizationIn
from .records import change_organization

__all__ = [
    "change_campaign_deadline",
    "close_campaign",
    "complete_task",
    "create_campaign",
    "organization_input",
    "set_task_deadlines",
    "street_code",
]

MAX_TASKS = 20_000
OUTCOME_STATUS = {
    ReviewOutcome.CLOSED: OrgStatus.CLOSED,
    ReviewOutcome.MOVED_OUT: OrgStatus.MOVED_OUT,
}


def street_code(region_code: str) -> str:
    """The street a community or grid code belongs to (its first nine digits + 000)."""
    return region_code[:9] + "000"


def _assignee_for(org_region: str, by_street: dict[str, User], default: User | None) -> User | None:
    return by_street.get(street_code(org_region)) or default


@transaction.atomic(durable=True)
def create_campaign(
    *, actor: User, name: str, region: Region | str, criteria: dict[str, Any], due_on: date,
    assignee_by_street: dict[str, User] | None = None, assignee: User | None = None,
) -> ReviewCampaign:  # fmt: skip
    """Open a campaign over the organizations of ``region`` that match ``criteria``."""
    if actor is not None:
        require_perm(actor, Perm.LEDGER_MANAGE)
    name = (name or "").strip()
    if not name:
        raise InvalidInput.field("name", "请填写名称")
    code = getattr(region, "code", region)
    regions = Region.objects.visible_to(actor) if actor is not None else Region.objects.all()
    found: Region | None = regions.filter(code=code).first()
    if found is None:
        raise InvalidInput.field("region", "区划不存在或不在您的工作范围内")
    region = found
    if due_on is None:
        raise InvalidInput.field("due_on", "请填写截止日期")
    if due_on < timezone.localdate():
        raise InvalidInput.field("due_on", "截止日期不能早于今天")
    criteria = clean_criteria({**(criteria or {}), "region": region.code})
    orgs = Organization.objects.all()
    if actor is not None:
        orgs = orgs.visible_to(actor)
    matching = filter_organizations(in_subtree(orgs, region.prefix), criteria)
    org_rows = list(matching.order_by("region_id", "pk").values_list("pk", "region_id", "name"))
    if not org_rows:
        raise InvalidInput.field("criteria", "没有符合条件的单位")
    if len(org_rows) > MAX_TASKS:
        raise InvalidInput.field("criteria", f"一次最多核查{MAX_TASKS}家单位，请缩小范围")

    by_street = {k: v for k, v in (assignee_by_street or {}).items() if v is not None}
    # Check each (assignee, region) pair once: thousands of orgs share a few dozen grids.
    checked: dict[tuple[int, str], bool] = {}
    tasks = []
    campaign = ReviewCampaign.objects.create(
        name=name[:200], region=region, criteria=criteria, due_on=due_on, created_by=actor,
    )  # fmt: skip
    for pk, org_region, org_name in org_rows:
        person = _assignee_for(org_region, by_street, assignee)
        if person is None:
            raise InvalidInput.field(
                "assignee", f"{org_name} 所在街道未指定核查人，请指定统一核查人或逐街道指定"
            )
        key = (person.pk, org_region)
        if key not in checked:
            checked[key] = holds_role_over(person, ASSIGNEE_ROLES, org_region)
        if not checked[key]:
            raise InvalidInput.field(
                "assignee", f"{person.name_masked} 的工作范围不包括 {org_name}，不能承担其核查"
            )
        tasks.append(
            ReviewTask(
                campaign=campaign,
                organization_id=pk,
                assignee=person,
                due_on=due_on,
                region_id=org_region,
            )
        )
    ReviewTask.objects.bulk_create(tasks, batch_size=1000)
    counts: dict[int, int] = defaultdict(int)
    people = {}
    for task in tasks:
        counts[task.assignee.pk] += 1
        people[task.assignee.pk] = task.assignee
    for pk, count in counts.items():
        notify(
            people[pk], "ledger.review_assigned",
            {"campaign": campaign.name, "count": count, "due_on": due_on.isoformat(),
             "url": reverse("ledger:my_tasks")},
        )  # fmt: skip
    audit.record(
        Verb.CAMPAIGN_CREATED, actor=actor, target=campaign,
        data={"tasks": len(tasks), "criteria": criteria, "due_on": due_on.isoformat(),
              "assignees": sorted(counts)},
    )  # fmt: skip
    return campaign


def organization_input(org: Organization, **overrides: Any) -> OrganizationIn:
    """The organization as the input the record actions take, with some fields replaced."""
    values: dict[str, Any] = {
        "kind": org.kind, "name": org.name, "credit_code": org.credit_code or "",
        "former_names": org.former_names or [], "legal_rep": org.legal_rep,
        "legal_rep_phone": org.legal_rep_phone, "investors": org.investors,
        "address": org.address, "region": org.region_id, "lat": org.lat, "lon": org.lon,
        "industry": org.industry, "employee_count": org.employee_count,
        "party_member_count": org.party_member_count, "party_contact": org.party_contact,
        "status": org.status, "is_platform": org.is_platform,
        "container_credit_code": (org.container.credit_code or "") if org.container else "",
    }  # fmt: skip
    values.update(overrides)
    return OrganizationIn(**values)


@transaction.atomic(durable=True)
def complete_task(
    task: ReviewTask, *, actor: User | None, outcome: str, note: str = "",
    changes: OrganizationIn | None = None,
) -> ReviewTask:  # fmt: skip
    """End a review task; "updated", "closed" and "moved_out" change the record as well."""
    # Lock the task first: of two people completing it at once, the second sees done_at.
    task = ReviewTask.objects.select_for_update().select_related("campaign").get(pk=task.pk)
    if actor is not None and actor.pk != task.assignee_id:
        visible = ReviewTask.objects.visible_to(actor).filter(pk=task.pk).exists()
        if not (visible and actor.has_perm_in_scope(Perm.LEDGER_MANAGE)):
            raise NotPermitted("只有核查人或本辖区的台账管理人员可以完成该任务")
    if task.done_at is not None:
        raise DomainError(
            f"该核查任务已于 {timezone.localtime(task.done_at):%Y-%m-%d %H:%M} 完成"
            f"（{ReviewOutcome(task.outcome).label}），不能重复完成"
        )
    if task.campaign.status != CampaignStatus.OPEN:
        raise DomainError("该回头看已结束，不能再完成其中的任务")
    try:
        outcome = ReviewOutcome(outcome)
    except ValueError:
        labels = "、".join(ReviewOutcome.labels)
        raise InvalidInput.field("outcome", f"请选择核查结果：{labels}") from None
    note = (note or "").strip()
    if outcome != ReviewOutcome.VERIFIED and not note:
        raise InvalidInput.field("note", f"核查结果为「{outcome.label}」时须填写说明")

    org = Organization.objects.select_related("container").get(pk=task.organization_id)
    if outcome == ReviewOutcome.UPDATED:
        if changes is None:
            raise InvalidInput.field("changes", "请填写更新后的单位信息")
        before = org.updated_at
        org = change_organization(org, changes, actor=actor)
        if org.updated_at == before:
            raise InvalidInput.field(
                "changes", "单位信息没有任何变化；如信息无误请选择「核实无误」"
            )
    elif outcome in OUTCOME_STATUS:
        status = OUTCOME_STATUS[outcome]
        if org.status != status:
            change_organization(org, organization_input(org, status=status.value), actor=actor)

    task.outcome, task.note, task.done_at = outcome.value, note, timezone.now()
    task.save(update_fields=["outcome", "note", "done_at"])
    audit.record(
        Verb.REVIEW_TASK_COMPLETED, actor=actor, target=org,
        data={"campaign": task.campaign_id, "task": task.pk, "outcome": outcome.value},
    )  # fmt: skip
    return task


@transaction.atomic(durable=True)
def close_campaign(campaign: ReviewCampaign, *, actor: User | None) -> ReviewCampaign:
    """End a campaign; its open tasks stay open in the record but can no longer be done."""
    if actor is not None:
        require_perm(actor, Perm.LEDGER_MANAGE)
        if not ReviewCampaign.objects.visible_to(actor).filter(pk=campaign.pk).exists():
            raise NotPermitted("该回头看不在您的工作范围内")
    campaign = ReviewCampaign.objects.select_for_update().get(pk=campaign.pk)
    if campaign.status == CampaignStatus.CLOSED:
        raise DomainError("该回头看已经结束")
    campaign.status = CampaignStatus.CLOSED
    campaign.save(update_fields=["status"])
    open_tasks = campaign.tasks.filter(done_at=None).count()
    audit.record(
        Verb.CAMPAIGN_CLOSED, actor=actor, target=campaign,
        data={"tasks": campaign.tasks.count(), "open": open_tasks},
    )  # fmt: skip
    return campaign


def _latest_task_due(campaign: ReviewCampaign) -> date | None:
    return campaign.tasks.aggregate(latest=Max("due_on"))["latest"]


def _require_open_campaign(campaign: ReviewCampaign, actor: User | None) -> ReviewCampaign:
    if actor is not None:
        require_perm(actor, Perm.LEDGER_MANAGE)
        if not ReviewCampaign.objects.visible_to(actor).filter(pk=campaign.pk).exists():
            raise NotPermitted("该回头看不在您的工作范围内")
    campaign = ReviewCampaign.objects.select_for_update().get(pk=campaign.pk)
    if campaign.status != CampaignStatus.OPEN:
        raise DomainError("该回头看已结束，不能再修改截止日期")
    return campaign


@transaction.atomic(durable=True)
def change_campaign_deadline(
    campaign: ReviewCampaign, *, actor: User | None, due_on: date, move_tasks: bool = True
) -> ReviewCampaign:
    """Move a campaign's deadline. ``move_tasks``: the open tasks that had the old deadline
    move with it. The campaign's deadline is never earlier than any of its tasks' (a task due
    after the campaign ends could never be counted in it)."""
    campaign = _require_open_campaign(campaign, actor)
    if due_on is None:
        raise InvalidInput.field("due_on", "请填写截止日期")
    if due_on < timezone.localdate():
        raise InvalidInput.field("due_on", "截止日期不能早于今天")
    old = campaign.due_on
    moved = 0
    if move_tasks and due_on != old:
        moved = campaign.tasks.filter(done_at=None, due_on=old).update(due_on=due_on)
    latest = _latest_task_due(campaign)
    if latest is not None and due_on < latest:
        raise InvalidInput.field(
            "due_on",
            f"回头看的截止日期不能早于其中任务的截止日期（最晚 {latest:%Y-%m-%d}），"
            "请先调整任务的截止日期",
        )
    campaign.due_on = due_on
    campaign.save(update_fields=["due_on"])
    audit.record(
        Verb.CAMPAIGN_DEADLINE_CHANGED, actor=actor, target=campaign,
        data={"from": old.isoformat(), "to": due_on.isoformat(), "tasks_moved": moved},
    )  # fmt: skip
    return campaign


@transaction.atomic(durable=True)
def set_task_deadlines(
    campaign: ReviewCampaign, *, actor: User | None, due_on: date, region: Region | None = None
) -> int:
    """Give the campaign's open tasks (in ``region``'s subtree, or all) a new deadline, which
    may not be later than the campaign's own. Returns how many tasks changed."""
    campaign = _require_open_campaign(campaign, actor)
    if due_on is None:
        raise InvalidInput.field("due_on", "请填写截止日期")
    if due_on > campaign.due_on:
        raise InvalidInput.field(
            "due_on",
            f"任务的截止日期不能晚于回头看的截止日期（{campaign.due_on:%Y-%m-%d}），"
            "请先延长回头看的截止日期",
        )
    tasks = campaign.tasks.filter(done_at=None)
    if region is not None:
        tasks = in_subtree(tasks, region.prefix)
    changed = tasks.update(due_on=due_on)
    audit.record(
        Verb.REVIEW_TASKS_DEADLINE_SET, actor=actor, target=campaign,
        data={"to": due_on.isoformat(), "region": region.code if region else "", "tasks": changed},
    )  # fmt: skip
    return changed
