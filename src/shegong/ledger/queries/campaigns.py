"""Read side of 回头看 campaigns and instructor visits: access helpers and progress numbers."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.db.models import Count, Q, QuerySet, Value
from django.db.models.functions import Concat, Substr
from django.utils import timezone

from shegong.accounts.models import Membership, User
from shegong.core.errors import NotFound
from shegong.core.perms import PERMISSIONS, Perm, Role
from shegong.regions.models import Region, ancestor_codes

from ..choices import CampaignStatus, ReviewOutcome
from ..models import InstructorAssignment, Organization, ReviewCampaign, ReviewTask

CAMPAIGN_NOT_FOUND = "未找到该回头看，或不在您的工作范围内"
TASK_NOT_FOUND = "未找到该核查任务，或不在您的工作范围内"
ASSIGNMENT_NOT_FOUND = "未找到该派驻记录，或不在您的工作范围内"

# Who may be given a review task: the roles that may change the ledger (the task may end in a
# change of the record, which needs LEDGER_MANAGE).
ASSIGNEE_ROLES = frozenset(r for r, perms in PERMISSIONS.items() if Perm.LEDGER_MANAGE in perms)


def access_campaign(user: Any, pk: int) -> ReviewCampaign:
    campaign = ReviewCampaign.objects.visible_to(user).filter(pk=pk).first()
    if campaign is None:
        raise NotFound(CAMPAIGN_NOT_FOUND)
    return campaign


def tasks_visible_to(user: Any) -> QuerySet:
    """Tasks in the user's scope, and their own tasks whatever scope they have switched to."""
    return ReviewTask.objects.filter(
        Q(pk__in=ReviewTask.objects.visible_to(user).values("pk")) | Q(assignee=user)
    )


def my_open_tasks(user: Any) -> QuerySet:
    """我的待办核查: the caller's unfinished tasks of open campaigns, soonest due first — the
    list and the workbench card's count (a task of a closed campaign is no longer to do)."""
    return (
        ReviewTask.objects.filter(assignee=user, done_at=None)
        .filter(campaign__status=CampaignStatus.OPEN)
        .select_related("organization", "campaign")
        .order_by("due_on", "region_id", "pk")
    )


def access_task(user: Any, pk: int) -> ReviewTask:
    task = (
        tasks_visible_to(user)
        .select_related("campaign", "organization", "assignee", "organization__container")
        .filter(pk=pk)
        .first()
    )
    if task is None:
        raise NotFound(TASK_NOT_FOUND)
    return task


def access_assignment(user: Any, pk: int) -> InstructorAssignment:
    assignment = (
        InstructorAssignment.objects.visible_to(user)
        .select_related("organization", "instructor")
        .filter(pk=pk)
        .first()
    )
    if assignment is None:
        raise NotFound(ASSIGNMENT_NOT_FOUND)
    return assignment


def visit_organizations(user: Any) -> QuerySet:
    """Instructors choose among their current organizations; managers among assigned ones."""
    current = InstructorAssignment.objects.filter(ended_on=None)
    if not user.has_perm_in_scope(Perm.LEDGER_MANAGE):
        current = current.filter(instructor=user)
    return (
        Organization.objects.visible_to(user)
        .filter(pk__in=current.values("organization_id"))
        .order_by("name")
    )


# --- who may do what -------------------------------------------------------------------------


def is_instructor(user: Any) -> bool:
    """Whether the user acts as a party-building instructor (their active role)."""
    return user.active_role == Role.PARTY_INSTRUCTOR


def holds_role_over(user: User, roles: Iterable[str], region_code: str) -> bool:
    """Whether ``user`` holds one of ``roles`` in a region whose subtree contains the code.

    Any membership counts, not only the active one: an assignment is about who the person is,
    not which scope they have switched to right now.
    """
    if not user.is_active:
        return False
    wanted = {str(r) for r in roles}
    return any(
        m.role in wanted and region_code.startswith(m.region.prefix) for m in user.membership_list()
    )


def is_assigned(user: Any, org: Organization) -> bool:
    return InstructorAssignment.objects.filter(
        instructor=user, organization=org, ended_on=None
    ).exists()


# --- progress --------------------------------------------------------------------------------


def _counts(today: date) -> dict[str, Any]:
    return {
        "total": Count("pk"),
        "done": Count("pk", filter=Q(done_at__isnull=False)),
        "overdue": Count("pk", filter=Q(done_at__isnull=True, due_on__lt=today)),
        **{
            f"n_{o.value}": Count("pk", filter=Q(outcome=o.value))
            for o in ReviewOutcome  # one column per outcome
        },
    }


@dataclass
class Progress:
    """Numbers of one row of a progress table (a street, a person or a whole campaign)."""

    key: str
    label: str
    total: int = 0
    done: int = 0
    overdue: int = 0
    outcomes: dict[str, int] = field(default_factory=dict)

    @property
    def open(self) -> int:
        return self.total - self.done

    @property
    def outcome_counts(self) -> list[tuple[str, int]]:
        """(label, count) per outcome, in the order of ReviewOutcome (for the tables)."""
        return [(o.label, self.outcomes.get(o.value, 0)) for o in ReviewOutcome]

    @property
    def percent(self) -> int:
        return round(100 * self.done / self.total) if self.total else 0


def _progress(key: str, label: str, row: dict[str, Any]) -> Progress:
    return Progress(
        key=key, label=label, total=row["total"], done=row["done"], overdue=row["overdue"],
        outcomes={o.value: row[f"n_{o.value}"] for o in ReviewOutcome},
    )  # fmt: skip


def campaign_progress(campaign: ReviewCampaign, *, today: date | None = None) -> Progress:
    today = today or timezone.localdate()
    row = campaign.tasks.aggregate(**_counts(today))
    return _progress(str(campaign.pk), campaign.name, row)


def progress_by_street(tasks: QuerySet, *, today: date | None = None) -> list[Progress]:
    """Per street (the first nine digits of the task's region code)."""
    today = today or timezone.localdate()
    rows = (
        tasks.order_by()
        .annotate(street=Concat(Substr("region_id", 1, 9), Value("000")))
        .values("street")
        .annotate(**_counts(today))
        .order_by("street")
    )
    rows = list(rows)
    names = dict(
        Region.objects.filter(code__in=[r["street"] for r in rows]).values_list("code", "name")
    )
    return [_progress(r["street"], names.get(r["street"], r["street"]), r) for r in rows]


def progress_by_assignee(tasks: QuerySet, *, today: date | None = None) -> list[Progress]:
    today = today or timezone.localdate()
    rows = list(tasks.order_by().values("assignee").annotate(**_counts(today)).order_by("assignee"))
    users = User.objects.in_bulk([r["assignee"] for r in rows])
    return [_progress(str(r["assignee"]), users[r["assignee"]].name_masked, r) for r in rows]


def campaigns_with_progress(user: Any) -> QuerySet:
    today = timezone.localdate()
    return (
        ReviewCampaign.objects.visible_to(user)
        .select_related("region", "created_by")
        .annotate(
            n_total=Count("tasks"),
            n_done=Count("tasks", filter=Q(tasks__done_at__isnull=False)),
            n_overdue=Count(
                "tasks", filter=Q(tasks__done_at__isnull=True, tasks__due_on__lt=today)
            ),
        )
        .order_by("-created_at", "-pk")
    )


# --- people to choose from -------------------------------------------------------------------


def eligible_assignees(actor: Any, region: Region | None = None) -> QuerySet:
    """Staff in the actor's scope who may take review tasks (covering ``region`` if given)."""
    memberships = Membership.objects.filter(role__in=[str(r) for r in ASSIGNEE_ROLES])
    if region is not None:
        # A membership covers the region if it is held in the region or in one above it.
        memberships = memberships.filter(region_id__in=ancestor_codes(region.code))
    return (
        User.objects.visible_to(actor)
        .filter(is_active=True, pk__in=memberships.values("user_id"))
        .order_by("name", "pk")
    )


def eligible_instructors(actor: Any) -> QuerySet:
    inside = Membership.objects.filter(role=Role.PARTY_INSTRUCTOR)
    return (
        User.objects.visible_to(actor)
        .filter(is_active=True, pk__in=inside.values("user_id"))
        .order_by("name", "pk")
    )
