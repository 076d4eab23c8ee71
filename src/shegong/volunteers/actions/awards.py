"""表彰奖励 (表彰奖励情况): the honours a volunteer received, kept in their record.

Under 民政部令第67号 a volunteer's record holds their 表彰奖励情况 (DOMAIN.md 4.2): 优秀志愿者 of
a community or a street, a district's 十佳志愿者, a province's or the State's honours, or a
team's own 优秀队员. The record says who gave it (``awarded_by``), at which level and when.

* ``record_award`` — by those who run a team, in that team's name, for one of its members
  (current or former); or, without a team, by staff with volunteers.manage whose scope holds
  the volunteer. The volunteer (with an account) is told.
* ``revoke_award`` — a wrong entry is revoked with a reason, never deleted: the page shows it
  struck through, with the reason. By whoever could record it.

Anyone else gets a ``NotFound`` (the same as a missing volunteer, team or award) or, for a
volunteer in scope without the managing permission, a ``NotPermitted``. Each action is one
durable transaction with one audit entry; notifications are rows written in it and sent after
commit (``core.notify``).
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from shegong.accounts.models import User
from shegong.core import audit
from shegong.core.audit import Verb
from shegong.core.errors import DomainError, InvalidInput, NotFound, NotPermitted
from shegong.core.notify import notify, register_event
from shegong.volunteers.choices import AwardLevel
from shegong.volunteers.models import Award, Team, TeamMember, Volunteer
from shegong.volunteers.queries import access
from shegong.volunteers.queries.awards import AWARD_NOT_FOUND, access_award, can_record_without_team

__all__ = [
    "record_award",
    "revoke_award",
]

STAFF_ONLY = "只有志愿服务管理人员可以记录不以队伍名义的表彰"
NOT_A_MEMBER = "该志愿者不是（或从未是）本队队员，不能以本队名义记录表彰"
TITLE_MAX = 100
AWARDED_BY_MAX = 100
NOTE_MAX = 200
REASON_MAX = 200

register_event(
    "volunteers.award_recorded",
    title="您的表彰已记入志愿服务档案：{{ title }}",
    body="{{ level }} · {{ awarded_by }} · {{ on }}。感谢您的奉献！",
    link="{{ url }}",
)
register_event(
    "volunteers.award_revoked",
    title="表彰记录「{{ title }}」已撤销",
    body="原因：{{ reason }}",
    link="{{ url }}",
)


# --- helpers ----------------------------------------------------------------------------------


def _recording_team(actor: User | None, team: Any, volunteer: Volunteer) -> Team | None:
    """Who records: the team the actor runs (a member's award), or staff in scope (no team)."""
    if team is None or team == "":
        if actor is not None and not can_record_without_team(actor, volunteer):
            if not Volunteer.objects.visible_to(actor).filter(pk=volunteer.pk).exists():
                raise NotFound(access.VOLUNTEER_NOT_FOUND)
            raise NotPermitted(STAFF_ONLY)
        return None
    pk = getattr(team, "pk", team)
    found: Team | None
    if actor is not None:
        found = access.access_team(actor, pk)
    else:
        found = Team.objects.filter(pk=pk).first() if str(pk).isdigit() else None
        if found is None:
            raise NotFound(access.TEAM_NOT_FOUND)
    if not TeamMember.objects.filter(team=found, volunteer=volunteer).exists():
        raise InvalidInput.field("team", NOT_A_MEMBER)
    return found


def _values(
    *, title: Any, level: Any, awarded_by: Any, awarded_on: Any, note: Any, team: Team | None
) -> dict[str, Any]:
    errors: list[dict[str, str]] = []

    def error(field: str, message: str) -> None:
        errors.append({"field": field, "message": message})

    title, awarded_by, note = (
        access.one_line(title),
        access.one_line(awarded_by),
        access.one_line(note),
    )
    if not title:
        error("title", "请填写表彰名称，如 优秀志愿者")
    elif len(title) > TITLE_MAX:
        error("title", f"表彰名称不能超过 {TITLE_MAX} 字")
    if level not in AwardLevel.values:
        error("level", "请选择表彰级别")
    elif level == AwardLevel.TEAM and team is None:
        error("level", "「队伍」级表彰须以记录的队伍名义登记，请选择队伍")
    if not awarded_by:
        error("awarded_by", "请填写授予单位")
    elif len(awarded_by) > AWARDED_BY_MAX:
        error("awarded_by", f"授予单位不能超过 {AWARDED_BY_MAX} 字")
    if not isinstance(awarded_on, date):
        error("awarded_on", "请填写授予日期")
    elif awarded_on > timezone.localdate():
        error("awarded_on", "授予日期不能晚于今天")
    if len(note) > NOTE_MAX:
        error("note", f"备注不能超过 {NOTE_MAX} 字")
    if errors:
        raise InvalidInput(errors[0]["message"], errors=errors)
    return {
        "title": title, "level": level, "awarded_by": awarded_by, "awarded_on": awarded_on,
        "note": note,
    }  # fmt: skip


def _tell(volunteer_id: int, event: str, context: dict[str, Any]) -> None:
    user = (
        User.objects.filter(person__volunteer__pk=volunteer_id, is_active=True)
        .only("pk", "phone")
        .first()
    )
    if user is not None:
        notify(user, event, {"url": reverse("volunteers_m:hours"), **context})


# --- actions ----------------------------------------------------------------------------------


@transaction.atomic(durable=True)
def record_award(
    volunteer: Any, *, actor: User | None, title: str, level: str, awarded_by: str,
    awarded_on: date, note: str = "", team: Any = None,
) -> Award:  # fmt: skip
    """记录表彰: an honour ``volunteer`` received, in ``team``'s name (one the actor runs, of
    which the volunteer is or was a member) or, without a team, by staff in scope."""
    found = access.volunteer_or_404(volunteer)
    recording = _recording_team(actor, team, found)
    values = _values(
        title=title, level=level, awarded_by=awarded_by, awarded_on=awarded_on, note=note,
        team=recording,
    )  # fmt: skip
    region = recording.region_id if recording is not None else found.region_id
    award = Award.objects.create(
        volunteer=found,
        team=recording,
        region_id=region,
        recorded_by=access.actor_or_none(actor),
        **values,
    )
    audit.record(
        Verb.AWARD_RECORDED, actor=actor, target=award, region=region,
        data={"volunteer": found.number, "title": award.title, "level": award.level,
              "awarded_by": award.awarded_by, "awarded_on": award.awarded_on.isoformat(),
              "team": recording.pk if recording is not None else None},
    )  # fmt: skip
    _tell(
        found.pk, "volunteers.award_recorded",
        {"title": award.title, "level": award.get_level_display(), "awarded_by": award.awarded_by,
         "on": award.awarded_on.isoformat()},
    )  # fmt: skip
    return award


@transaction.atomic(durable=True)
def revoke_award(award: Any, *, actor: User | None, reason: str) -> Award:
    """撤销: a wrong entry stays in the record, struck through, with the reason."""
    reason = access.one_line(reason)
    if not reason:
        raise InvalidInput.field("reason", "请填写撤销原因")
    if len(reason) > REASON_MAX:
        raise InvalidInput.field("reason", f"撤销原因不能超过 {REASON_MAX} 字")
    found: Award | None
    if actor is not None:
        found = access_award(actor, award, for_write=True)
    else:
        pk = getattr(award, "pk", award)
        found = (
            Award.objects.select_for_update().filter(pk=pk).first() if str(pk).isdigit() else None
        )
        if found is None:
            raise NotFound(AWARD_NOT_FOUND)
    if found.revoked_at is not None:
        raise DomainError("该表彰记录已撤销，无需重复操作")
    found.revoked_at = timezone.now()
    found.revoked_reason = reason
    found.save(update_fields=["revoked_at", "revoked_reason"])
    audit.record(
        Verb.AWARD_REVOKED, actor=actor, target=found, region=found.region_id,
        data={"reason": reason},
    )  # fmt: skip
    _tell(found.volunteer_id, "volunteers.award_revoked", {"title": found.title, "reason": reason})
    return found
