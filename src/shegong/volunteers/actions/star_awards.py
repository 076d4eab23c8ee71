"""星级认定: a star is applied for, reviewed, publicised, then awarded (DOMAIN.md 4.3).

Beijing (北京日报 2023) and Guangdong: 申请 → 审核 → 公示 (at least 5 working days) → 认定 by the
志愿者联合会. Eligibility is computed (``stars.eligibility``: counted hours and months registered
against the thresholds); the star a volunteer holds (``Volunteer.star``) changes only here, in
``award``.

* ``apply`` (申请) — the volunteer themself (H5), or staff with volunteers.manage on their behalf,
  for the highest star they are eligible for (or a named one). Refused with the reason when not
  eligible (hours missing, months registered). One open application per volunteer: applying
  again for the same star finds it (a double tap); for another star is a 409.
* ``approve`` (审核通过) — staff with volunteers.manage whose scope holds the volunteer's service
  area. Eligibility is checked again (a correction may have taken hours away); the publicity
  starts at once and ends at 24:00 of the ``SHEGONG_VOLUNTEER_STAR_PUBLICITY_WORKDAYS``-th working
  day after today (``core.workdays``; at least 5).
* ``reject`` (驳回) — by the same staff, with a reason the volunteer is told.
* ``object`` (公示异议) — during the publicity, staff record an objection: the application goes
  back to 申请中 for a new review (and, if approved again, a new full publicity).
* ``award`` (认定) — only once the publicity has ended (refused before, with its end date), and
  only if still eligible: sets ``Volunteer.star`` and ``star_reached_at``; the volunteer is told.
* ``withdraw`` (撤回) — the volunteer, while it is open.

Nobody decides their own application. Each action is one durable transaction with one audit
entry; notifications are rows written in it and sent after commit (``core.notify``). An illegal
step (deciding a withdrawn application …) is ``IllegalTransition`` (409) naming the steps left.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from shegong.accounts.models import User
from shegong.core import audit, workdays
from shegong.core.audit import Verb
from shegong.core.errors import DomainError, IllegalTransition, InvalidInput, NotFound
from shegong.core.notify import notify, register_event
from shegong.volunteers import stars
from shegong.volunteers.choices import STAR_AWARD_ALLOWED, VolunteerStatus
from shegong.volunteers.choices import StarAwardStatus as Status
from shegong.volunteers.models import StarAward, Volunteer
from shegong.volunteers.queries import access
from shegong.volunteers.queries import star_awards as queries

__all__ = ["apply", "approve", "award", "object_to", "reject", "withdraw"]

NOTE_MAX = 200

register_event(
    "volunteers.star_reached",
    title="恭喜您被认定为{{ star }}星志愿者",
    body=(
        "计入星级的志愿服务 {{ total }} 小时，经审核、公示，认定为{{ star }}星志愿者。"
        "感谢您的奉献！"
    ),
    link="{{ url }}",
)
register_event(
    "volunteers.star_publicity",
    title="您的{{ star }}星志愿者申请已通过审核，正在公示",
    body="公示期 {{ starts }} 至 {{ ends }}，期满无异议即予认定。",
    link="{{ url }}",
)
register_event(
    "volunteers.star_rejected",
    title="您的{{ star }}星志愿者申请未通过",
    body="原因：{{ reason }}",
    link="{{ url }}",
)
register_event(
    "volunteers.star_objected",
    title="您的{{ star }}星志愿者申请在公示期收到异议，已退回重新审核",
    body="异议：{{ reason }}",
    link="{{ url }}",
)


# --- helpers ----------------------------------------------------------------------------------


def _move(found: StarAward, target: str) -> None:
    allowed = STAR_AWARD_ALLOWED[found.status]
    if target not in allowed:
        raise IllegalTransition(
            Status(found.status).label, Status(target).label,
            [Status(s).label for s in Status if s in allowed],
        )  # fmt: skip


def _note(value: Any, field: str, label: str, *, required: bool) -> str:
    text = access.one_line(value)
    if required and not text:
        raise InvalidInput.field(field, f"请填写{label}")
    if len(text) > NOTE_MAX:
        raise InvalidInput.field(field, f"{label}不能超过 {NOTE_MAX} 字")
    return text


def _locked(actor: User | None, award: Any) -> StarAward:
    """The application, locked: through the access helper for staff, by pk for the system."""
    if actor is not None:
        found = queries.access_award(actor, award, for_write=True)
        own = access.volunteer_of(actor)
        if own is not None and own.pk == found.volunteer_id:
            raise DomainError(
                "不能审核或认定本人的星级申请，请由其他工作人员办理",
                errors=[{"field": "volunteer", "message": "本人的申请"}],
            )
        return found
    pk = getattr(award, "pk", award)
    found_or_none = (
        StarAward.objects.select_for_update(of=("self",))
        .select_related("volunteer__person")
        .filter(pk=pk)
        .first()
        if str(pk).isdigit()
        else None
    )
    if found_or_none is None:
        raise NotFound(queries.AWARD_NOT_FOUND)
    return found_or_none


def _not_eligible(eligibility: stars.Eligibility, star: int) -> DomainError:
    reason = eligibility.shortfall(star)
    return DomainError(
        f"不符合{stars.star_name(star)}志愿者的条件：{reason}",
        errors=[{"field": "star", "message": reason}],
    )


def _tell(award: StarAward, event: str, context: dict[str, Any]) -> None:
    user = (
        User.objects.filter(person__volunteer__pk=award.volunteer_id, is_active=True)
        .only("pk", "phone")
        .first()
    )
    if user is not None:
        url = reverse("volunteers_m:home")
        notify(user, event, {"url": url, "star": award.star, **context})


def _parse_star(value: Any) -> int | None:
    if value in (None, ""):
        return None
    try:
        star = int(value)
    except (TypeError, ValueError):
        raise InvalidInput.field("star", "星级应为 1 到 5 的整数") from None
    if not 1 <= star <= len(stars.thresholds()):
        raise InvalidInput.field("star", "星级应为 1 到 5 的整数")
    return star


# --- actions ----------------------------------------------------------------------------------


@transaction.atomic(durable=True)
def apply(volunteer: Any, *, actor: User | None, star: Any = None) -> StarAward:
    """申请: for ``star`` (default: the highest the volunteer is eligible for).

    The volunteer themself, or staff with volunteers.manage in scope (代为申请). Returns the
    application; its ``created`` is False when the same open application was found."""
    requested = _parse_star(star)
    own = access.volunteer_of(actor) if actor is not None else None
    pk = getattr(volunteer, "pk", volunteer)
    if actor is None:
        found = access.volunteer_or_404(pk)
        on_behalf = False
    elif own is not None and str(own.pk) == str(pk):
        found, on_behalf = own, False
    else:
        found, on_behalf = access.managed_volunteer(actor, pk), True
    # Lock the volunteer: two applications at once are settled one after the other.
    found = Volunteer.objects.select_for_update().select_related("person").get(pk=found.pk)
    if found.status != VolunteerStatus.ACTIVE:
        raise DomainError(
            f"志愿者当前为「{found.get_status_display()}」，在册志愿者才能申请星级认定",
            errors=[{"field": "volunteer", "message": found.get_status_display()}],
        )
    eligibility = stars.eligibility(found)
    target = requested or eligibility.star
    if target <= found.star:
        if found.star >= len(stars.thresholds()):
            raise DomainError("已认定为五星志愿者，无需再申请")
        if requested is not None:
            raise InvalidInput.field(
                "star", f"已认定为{stars.star_name(found.star)}，请申请更高星级"
            )
        raise _not_eligible(eligibility, found.star + 1)
    if target > eligibility.star:
        raise _not_eligible(eligibility, target)
    existing = queries.open_award(found)
    if existing is not None:
        return _same_or_refuse(existing, target)
    try:
        # The partial unique constraint settles a race the lock above did not (another path).
        with transaction.atomic():
            created = StarAward.objects.create(
                volunteer=found, region_id=found.region_id, star=target,
                counted_hours=eligibility.counted_hours, months_registered=eligibility.months,
                applied_by=access.actor_or_none(actor), on_behalf=on_behalf,
            )  # fmt: skip
    except IntegrityError:
        return _same_or_refuse(queries.open_award(found), target)  # type: ignore[arg-type]
    audit.record(
        Verb.STAR_APPLIED, actor=actor, target=created,
        data={"volunteer": found.number, "star": target, "on_behalf": on_behalf,
              "counted_hours": str(eligibility.counted_hours), "months": eligibility.months},
    )  # fmt: skip
    created.created = True
    return created


def _same_or_refuse(existing: StarAward, star: int) -> StarAward:
    if existing.star == star:
        existing.created = False
        return existing
    raise DomainError(
        f"已有一份{stars.star_name(existing.star)}的认定申请（{existing.get_status_display()}），"
        "办结或撤回后才能再申请"
    )


@transaction.atomic(durable=True)
def approve(award: Any, *, actor: User | None, note: str = "") -> StarAward:
    """审核通过: eligibility checked again; the publicity starts now."""
    note = _note(note, "note", "审核意见", required=False)
    found = _locked(actor, award)
    _move(found, Status.PUBLICIZING)
    eligibility = stars.eligibility(found.volunteer)
    if eligibility.star < found.star:
        raise _not_eligible(eligibility, found.star)
    now = timezone.now()
    days = settings.SHEGONG_VOLUNTEER_STAR_PUBLICITY_WORKDAYS
    found.status = Status.PUBLICIZING
    found.reviewed_by = access.actor_or_none(actor)
    found.reviewed_at = now
    found.review_note = note
    found.publicity_starts_at = now
    found.publicity_ends_at = workdays.add_workdays(now, days)
    found.save(
        update_fields=[
            "status", "reviewed_by", "reviewed_at", "review_note", "publicity_starts_at",
            "publicity_ends_at",
        ]
    )  # fmt: skip
    starts, ends = timezone.localdate(now), timezone.localdate(found.publicity_ends_at)
    audit.record(
        Verb.STAR_APPROVED, actor=actor, target=found,
        data={"star": found.star, "note": note, "counted_hours": str(eligibility.counted_hours),
              "publicity": [starts.isoformat(), ends.isoformat()], "workdays": days},
    )  # fmt: skip
    _tell(found, "volunteers.star_publicity", {"starts": starts, "ends": ends})
    return found


@transaction.atomic(durable=True)
def reject(award: Any, *, actor: User | None, reason: str) -> StarAward:
    """驳回: with a reason the volunteer is told."""
    reason = _note(reason, "reason", "驳回原因", required=True)
    found = _locked(actor, award)
    _move(found, Status.REJECTED)
    found.status = Status.REJECTED
    found.reviewed_by = access.actor_or_none(actor)
    found.reviewed_at = timezone.now()
    found.review_note = reason
    found.save(update_fields=["status", "reviewed_by", "reviewed_at", "review_note"])
    audit.record(
        Verb.STAR_REJECTED, actor=actor, target=found, data={"star": found.star, "reason": reason}
    )
    _tell(found, "volunteers.star_rejected", {"reason": reason})
    return found


@transaction.atomic(durable=True)
def object_to(award: Any, *, actor: User | None, reason: str) -> StarAward:
    """公示异议: an objection received during the publicity sends the application back to
    review (申请中); a new approval starts a new full publicity."""
    reason = _note(reason, "reason", "异议内容", required=True)
    found = _locked(actor, award)
    _move(found, Status.APPLIED)
    now = timezone.now()
    if found.publicity_ends_at is not None and found.publicity_ends_at < now:
        raise DomainError(
            f"公示已于 {timezone.localdate(found.publicity_ends_at):%Y-%m-%d} 24:00 结束，"
            "公示期满后不再登记异议",
        )
    old = [found.publicity_starts_at, found.publicity_ends_at]
    found.status = Status.APPLIED
    found.objection_note = reason
    found.objected_by = access.actor_or_none(actor)
    found.objected_at = now
    found.publicity_starts_at = None
    found.publicity_ends_at = None
    found.save(
        update_fields=[
            "status", "objection_note", "objected_by", "objected_at", "publicity_starts_at",
            "publicity_ends_at",
        ]
    )  # fmt: skip
    audit.record(
        Verb.STAR_OBJECTED, actor=actor, target=found,
        data={"star": found.star, "reason": reason,
              "publicity": [timezone.localtime(t).isoformat() if t else None for t in old]},
    )  # fmt: skip
    _tell(found, "volunteers.star_objected", {"reason": reason})
    return found


@transaction.atomic(durable=True)
def award(application: Any, *, actor: User | None) -> StarAward:
    """认定: after the publicity has ended, the star becomes the volunteer's."""
    found = _locked(actor, application)
    _move(found, Status.AWARDED)
    now = timezone.now()
    ends = found.publicity_ends_at
    if ends is None or now <= ends:
        end_text = f"{timezone.localdate(ends):%Y-%m-%d} 24:00" if ends else "—"
        raise DomainError(
            f"公示期至 {end_text} 结束，公示期满后方可认定",
            errors=[{"field": "publicity_ends_at", "message": end_text}],
        )
    volunteer = Volunteer.objects.select_for_update().get(pk=found.volunteer_id)
    eligibility = stars.eligibility(volunteer)
    if eligibility.star < found.star:
        raise _not_eligible(eligibility, found.star)
    old = volunteer.star
    found.status = Status.AWARDED
    found.awarded_by = access.actor_or_none(actor)
    found.awarded_at = now
    found.save(update_fields=["status", "awarded_by", "awarded_at"])
    Volunteer.objects.filter(pk=volunteer.pk).update(star=found.star, star_reached_at=now)
    audit.record(
        Verb.STAR_AWARDED, actor=actor, target=found,
        data={"volunteer": volunteer.number, "star": [old, found.star],
              "counted_hours": str(eligibility.counted_hours)},
    )  # fmt: skip
    _tell(found, "volunteers.star_reached", {"total": eligibility.counted_hours})
    return found


@transaction.atomic(durable=True)
def withdraw(award: Any, *, actor: User) -> StarAward:
    """撤回: the volunteer takes back their open application."""
    found = queries.access_my_award(actor, award, for_write=True)
    _move(found, Status.WITHDRAWN)
    found.status = Status.WITHDRAWN
    found.withdrawn_at = timezone.now()
    found.save(update_fields=["status", "withdrawn_at"])
    audit.record(Verb.STAR_WITHDRAWN, actor=actor, target=found, data={"star": found.star})
    return found
