"""Party-building instructors (党建指导员): assignments to organizations and guidance visits.

Photos of a visit go through ``shegong.core.photos``: decoded and re-encoded (no EXIF, no GPS)
before anything is written, so a bad photo writes nothing.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from django.db import transaction
from django.utils import timezone

from shegong.accounts.models import User
from shegong.core import audit
from shegong.core import photos as photo_intake
from shegong.core.audit import Verb
from shegong.core.errors import DomainError, InvalidInput, NotPermitted
from shegong.core.perms import Perm, Role, require_perm

from ..models import GuidanceVisit, InstructorAssignment, Organization
from ..queries.campaigns import holds_role_over, is_assigned

__all__ = [
    "assign_instructor",
    "end_instructor_assignment",
    "record_visit",
]


def _in_actor_scope(actor: User | None, org: Organization) -> None:
    if actor is not None and not Organization.objects.visible_to(actor).filter(pk=org.pk).exists():
        raise NotPermitted("该单位不在您的工作范围内")


@transaction.atomic(durable=True)
def assign_instructor(
    org: Organization, instructor: User, *, actor: User | None, started_on: date | None = None
) -> InstructorAssignment:
    """Send ``instructor`` to ``org``; one current assignment per instructor and organization."""
    if actor is not None:
        require_perm(actor, Perm.LEDGER_MANAGE)
    _in_actor_scope(actor, org)
    if not holds_role_over(instructor, [Role.PARTY_INSTRUCTOR], org.region_id):
        raise InvalidInput.field(
            "instructor", f"{instructor.name_masked} 不是该单位所在区划的党建指导员"
        )
    started_on = started_on or timezone.localdate()
    if started_on > timezone.localdate():
        raise InvalidInput.field("started_on", "派驻日期不能晚于今天")
    # Lock the organization so two managers assigning at once cannot both pass the check.
    Organization.objects.select_for_update().filter(pk=org.pk).first()
    if InstructorAssignment.objects.filter(
        organization=org, instructor=instructor, ended_on=None
    ).exists():
        raise DomainError(f"{instructor.name_masked} 已派驻到 {org.name}，无需重复派驻")
    assignment = InstructorAssignment.objects.create(
        instructor=instructor, organization=org, started_on=started_on, region_id=org.region_id
    )
    audit.record(
        Verb.INSTRUCTOR_ASSIGNED, actor=actor, target=org,
        data={"instructor": instructor.pk, "started_on": started_on.isoformat()},
    )  # fmt: skip
    return assignment


@transaction.atomic(durable=True)
def end_instructor_assignment(
    assignment: InstructorAssignment, *, actor: User | None, ended_on: date | None = None
) -> InstructorAssignment:
    """End a current assignment (the instructor leaves the organization)."""
    if actor is not None:
        require_perm(actor, Perm.LEDGER_MANAGE)
    assignment = InstructorAssignment.objects.select_for_update().get(pk=assignment.pk)
    _in_actor_scope(actor, assignment.organization)
    if assignment.ended_on is not None:
        raise DomainError(f"该派驻已于 {assignment.ended_on:%Y-%m-%d} 结束")
    ended_on = ended_on or timezone.localdate()
    if ended_on < assignment.started_on:
        raise InvalidInput.field("ended_on", "结束日期不能早于派驻日期")
    if ended_on > timezone.localdate():
        raise InvalidInput.field("ended_on", "结束日期不能晚于今天")
    assignment.ended_on = ended_on
    assignment.save(update_fields=["ended_on"])
    audit.record(
        Verb.INSTRUCTOR_UNASSIGNED, actor=actor, target=assignment.organization,
        data={"instructor": assignment.instructor_id, "ended_on": ended_on.isoformat()},
    )  # fmt: skip
    return assignment


def record_visit(
    org: Organization, *, actor: User, visited_on: date, topic: str, round: int = 1,
    notes: str = "", photos: Sequence[Any] | None = None,
) -> GuidanceVisit:  # fmt: skip
    """Log a guidance visit. The visitor is an instructor assigned to ``org``; a manager may
    log a visit on their own behalf (e.g. while the instructor has no account yet).

    ``photos`` (uploaded files, at most 9) are checked and re-encoded first, outside the
    transaction; any bad one refuses the whole visit with a reason naming the file."""
    processed = photo_intake.process_photos(photos, field="photos")
    stored = photo_intake.store_photos(processed) if processed else []
    try:
        return _record_visit(
            org, actor=actor, visited_on=visited_on, topic=topic, round=round, notes=notes,
            photos=stored,
        )  # fmt: skip
    except BaseException:
        photo_intake.delete_stored(stored)
        raise


@transaction.atomic(durable=True)
def _record_visit(
    org: Organization, *, actor: User, visited_on: date, topic: str, round: int, notes: str,
    photos: list[dict],
) -> GuidanceVisit:  # fmt: skip
    if actor is None:
        raise NotPermitted("走访须由具体的指导员记录")
    manager = actor.has_perm_in_scope(Perm.LEDGER_MANAGE)
    if not manager:
        require_perm(actor, Perm.GUIDANCE)
    _in_actor_scope(actor, org)
    if not (manager or is_assigned(actor, org)):
        raise NotPermitted("您未被派驻到该单位，不能记录走访")
    topic = (topic or "").strip()
    if not topic:
        raise InvalidInput.field("topic", "请填写走访主题")
    if visited_on is None:
        raise InvalidInput.field("visited_on", "请填写走访日期")
    if visited_on > timezone.localdate():
        raise InvalidInput.field("visited_on", "走访日期不能晚于今天")
    if round < 1:
        raise InvalidInput.field("round", "轮次应为正整数")
    visit = GuidanceVisit.objects.create(
        organization=org, instructor=actor, visited_on=visited_on, topic=topic[:200],
        round=round, notes=notes.strip(), region_id=org.region_id, photos=photos,
    )  # fmt: skip
    audit.record(
        Verb.VISIT_RECORDED, actor=actor, target=org,
        data={
            "visit": visit.pk, "visited_on": visited_on.isoformat(), "round": round,
            "photos": len(photos),
        },
    )  # fmt: skip
    return visit
