"""Sign-up for a shift (报名), with a waitlist (候补) and automatic promotion.

``sign_up`` counts the confirmed places with the shift's row locked (``select_for_update``): on
PostgreSQL two volunteers signing up for the last place at the same moment are serialised by
that lock, so the quota is never exceeded; on SQLite the write transaction (BEGIN IMMEDIATE)
does the same. Beyond the quota a sign-up is waitlisted, in order of arrival; when a confirmed
place is cancelled the first waitlisted is promoted (``promoted_at``) and told. A second sign-up
for the same shift is the same sign-up (the constraint ``signup_one_active_per_shift`` keeps
one active row per volunteer and shift).

Who may sign up is decided by the volunteer's profile (``registration.sign_up_block``: status,
consent, a minor's guardian consent) and the activity's required skills (a volunteer without
all of them cannot sign up, as Better Impact's qualifications do). The volunteer signs up
themself; those who run the team may sign a volunteer up or cancel for them.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from shegong.accounts.models import User
from shegong.core import audit
from shegong.core.audit import Verb
from shegong.core.errors import DomainError, InvalidInput
from shegong.core.notify import notify, register_event
from shegong.core.times import CLOCK, SHORT, local
from shegong.volunteers.actions.registration import (
    sign_up_block,  # status, consent, a minor's guardian consent
)
from shegong.volunteers.choices import ACTIVE_SIGNUP, ActivityStatus, SignupStatus
from shegong.volunteers.models import Shift, Signup, Volunteer
from shegong.volunteers.queries import access
from shegong.volunteers.queries.activities import waitlist_position

__all__ = ["cancel_signup", "local", "promote_waitlisted", "sign_up", "sign_up_block"]


register_event(
    "volunteers.signup_promoted",
    title="候补成功：您已确认报名「{{ title }}」",
    body="班次 {{ shift }}，地点：{{ address }}。请按时到场签到。",
    link="{{ url }}",
)
register_event(
    "volunteers.signup_by_team",
    title="{{ team }}已为您报名「{{ title }}」",
    body="{{ status }}。班次 {{ shift }}，地点：{{ address }}。不能参加请在开始前取消报名。",
    link="{{ url }}",
)
register_event(
    "volunteers.signup_cancelled_by_team",
    title="您在「{{ title }}」的报名已被取消",
    body="班次 {{ shift }}。原因：{{ reason }}",
    link="{{ url }}",
)


def _tell(signup: Signup, shift: Shift, event: str, **context: Any) -> None:
    """Tell the volunteer (if they have an account) what the team did to their sign-up."""
    user = signup.volunteer.person.user
    if user is None or not user.is_active:
        return
    activity = shift.activity
    notify(
        user, event,
        {"title": activity.title, "address": activity.address,
         "shift": f"{local(shift.starts_at, SHORT)}–{local(shift.ends_at, CLOCK)}",
         "url": reverse("volunteers_m:activity", args=[activity.pk]), **context},
    )  # fmt: skip


def _check_actor(actor: User | None, volunteer: Volunteer, shift: Shift) -> bool:
    """True for the volunteer themself (or the system); False for someone who runs the
    activity's team; NotFound for anyone else."""
    if actor is None:
        return True
    if volunteer.person.user_id is not None and volunteer.person.user_id == actor.pk:
        return True
    access.access_activity(actor, shift.activity_id)
    return False


def sign_up(shift: Shift, volunteer: Volunteer, *, actor: User | None) -> Signup:
    """报名 a shift: confirmed within the quota, waitlisted beyond it; the same sign-up again
    when already signed up."""
    try:
        return _sign_up(shift.pk, volunteer.pk, actor)
    except IntegrityError:
        # Two requests of the same volunteer raced past the check below; the other one won.
        existing = Signup.objects.filter(
            shift_id=shift.pk, volunteer_id=volunteer.pk, status__in=ACTIVE_SIGNUP
        ).first()
        if existing is None:
            raise
        return existing


@transaction.atomic(durable=True)
def _sign_up(shift_pk: int, volunteer_pk: int, actor: User | None) -> Signup:
    # The lock that keeps the quota: every sign-up and cancellation of this shift waits here.
    shift = Shift.objects.select_for_update().select_related("activity").get(pk=shift_pk)
    volunteer = Volunteer.objects.select_related("person__user").get(pk=volunteer_pk)
    activity = shift.activity
    for_self = _check_actor(actor, volunteer, shift)
    existing = Signup.objects.filter(
        shift=shift, volunteer=volunteer, status__in=ACTIVE_SIGNUP
    ).first()
    if existing is not None:
        return existing
    now = timezone.now()
    if activity.status != ActivityStatus.PUBLISHED:
        raise DomainError(f"活动{ActivityStatus(activity.status).label}，不能报名")
    if shift.starts_at <= now:
        raise DomainError(f"该班次已于 {local(shift.starts_at, SHORT)} 开始，报名已截止")
    block = sign_up_block(volunteer, for_self=for_self)
    if block:
        raise DomainError(block)
    required = {s.pk: s.name for s in activity.required_skills.all()}
    if required:
        held = set(volunteer.skill_rows.values_list("skill_id", flat=True))
        missing = [name for pk, name in required.items() if pk not in held]
        if missing:
            names = "、".join(missing)
            raise DomainError(
                f"本活动需要以下技能，您尚未登记：{names}。可在“我的志愿者信息”中补充技能"
                if for_self
                else f"本活动需要以下技能，该志愿者尚未登记：{names}"
            )
    confirmed = Signup.objects.filter(shift=shift, status=SignupStatus.CONFIRMED).count()
    status = SignupStatus.CONFIRMED if confirmed < shift.quota else SignupStatus.WAITLISTED
    signup = Signup.objects.create(shift=shift, volunteer=volunteer, status=status, created_at=now)
    position = waitlist_position(signup)
    audit.record(
        Verb.SIGNED_UP, actor=actor, target=activity,
        data={"shift": shift.pk, "volunteer": volunteer.pk, "status": status,
              "position": position},
    )  # fmt: skip
    if not for_self:
        label = "已确认" if position is None else f"名额已满，您在候补第 {position} 位"
        _tell(signup, shift, "volunteers.signup_by_team", team=activity.team.name, status=label)
    return signup


@transaction.atomic(durable=True)
def cancel_signup(signup: Signup, *, actor: User | None, reason: str = "") -> Signup:
    """取消报名 before the shift starts; a confirmed place goes to the first waitlisted."""
    shift = Shift.objects.select_for_update().select_related("activity").get(pk=signup.shift_id)
    signup = Signup.objects.select_related("volunteer__person__user").get(pk=signup.pk)
    for_self = _check_actor(actor, signup.volunteer, shift)
    reason = str(reason or "").strip()
    if not for_self and not reason:
        raise InvalidInput.field("reason", "请填写取消报名的原因")
    if len(reason) > 200:
        raise InvalidInput.field("reason", "取消原因不能超过200字")
    if signup.status == SignupStatus.CANCELLED:
        raise DomainError("该报名已取消")
    now = timezone.now()
    if shift.starts_at <= now:
        raise DomainError(f"该班次已于 {local(shift.starts_at, SHORT)} 开始，不能再取消报名")
    was = signup.status
    signup.status = SignupStatus.CANCELLED
    signup.cancelled_at = now
    signup.save(update_fields=["status", "cancelled_at"])
    audit.record(
        Verb.SIGNUP_CANCELLED, actor=actor, target=shift.activity,
        data={"shift": shift.pk, "volunteer": signup.volunteer_id, "was": was,
              "reason": reason},
    )  # fmt: skip
    if not for_self:
        _tell(signup, shift, "volunteers.signup_cancelled_by_team", reason=reason)
    if was == SignupStatus.CONFIRMED:
        promote_waitlisted(shift, actor=actor, now=now)
    return signup


def promote_waitlisted(
    shift: Shift, *, actor: User | None, now: datetime | None = None
) -> list[Signup]:
    """Fill the shift's free confirmed places from the waitlist, first come first served.

    A helper of the actions above (their transaction, the shift's row already locked)."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("promote_waitlisted runs inside an action's transaction")
    now = now or timezone.now()
    if shift.starts_at <= now:
        return []
    confirmed = Signup.objects.filter(shift=shift, status=SignupStatus.CONFIRMED).count()
    free = max(shift.quota - confirmed, 0)
    if not free:
        return []
    waiting = list(
        # Lock the sign-ups only: PostgreSQL cannot lock the outer-joined (nullable) user.
        Signup.objects.select_for_update(of=("self",))
        .filter(shift=shift, status=SignupStatus.WAITLISTED)
        .select_related("volunteer__person__user")
        .order_by("created_at", "pk")[:free]
    )
    activity = shift.activity
    for signup in waiting:
        signup.status = SignupStatus.CONFIRMED
        signup.promoted_at = now
        signup.save(update_fields=["status", "promoted_at"])
        audit.record(
            Verb.SIGNUP_PROMOTED, actor=actor, target=activity,
            data={"shift": shift.pk, "volunteer": signup.volunteer_id},
        )  # fmt: skip
        user = signup.volunteer.person.user
        if user is not None:
            notify(
                user, "volunteers.signup_promoted",
                {"title": activity.title, "address": activity.address,
                 "shift": f"{local(shift.starts_at, SHORT)}–{local(shift.ends_at, CLOCK)}",
                 "url": reverse("volunteers_m:activity", args=[activity.pk])},
            )  # fmt: skip
    return waiting
