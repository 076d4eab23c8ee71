"""Volunteer activities (志愿服务活动): create, edit, submit, review, cancel, one function a verb.

An activity belongs to a team and is run by those who run the team (``access.access_team``:
staff with volunteers.manage in scope, or the team's current leader). It has a place (a point in
WGS-84 — input may be gcj02/bd09 — and a geofence radius for check-in), a time window and at
least one ``Shift`` inside it, each with its own quota. A risky activity (人身风险) needs an
insurance note: 《志愿服务条例》 art. 17 requires insurance before such an activity.

Status flow (``ALLOWED``): draft → pending (submit) → published | rejected (review, by
activities.review in scope); rejected → pending again after editing; any not-yet-started
activity may be cancelled with a reason, and everyone signed up is told. Once anyone has signed
up, a published activity's time and place are fixed (they agreed to them): the activity must be
cancelled and published anew instead. After the activity has ended only ``people_served`` (服务
对象人次, filled afterwards) can change.

Each entry point runs in one durable transaction and writes one audit entry. ``actor=None``
(demo data, command line) skips the permission and scope checks.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime, timedelta
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from shegong.accounts.models import User
from shegong.core import audit
from shegong.core.audit import Verb
from shegong.core.errors import (
    DomainError,
    IllegalTransition,
    InvalidInput,
    NotFound,
)
from shegong.core.geo import check_point
from shegong.core.notify import notify, register_event
from shegong.core.times import SHORT, local
from shegong.regions.models import Region
from shegong.volunteers.actions.signups import promote_waitlisted
from shegong.volunteers.choices import ACTIVE_SIGNUP, ActivityCategory, ActivityStatus, SignupStatus
from shegong.volunteers.models import Activity, Shift, Signup, Skill, Team
from shegong.volunteers.queries import access
from shegong.volunteers.queries.activities import active_signups, reviewable

__all__ = [
    "ALLOWED", "EDITABLE", "cancel_activity", "create_activity", "review_activity",
    "submit_activity", "update_activity",
]  # fmt: skip

ALLOWED: dict[str, set[str]] = {
    ActivityStatus.DRAFT: {ActivityStatus.PENDING, ActivityStatus.CANCELLED},
    ActivityStatus.PENDING: {
        ActivityStatus.PUBLISHED, ActivityStatus.REJECTED, ActivityStatus.CANCELLED,
    },
    ActivityStatus.REJECTED: {ActivityStatus.PENDING, ActivityStatus.CANCELLED},
    ActivityStatus.PUBLISHED: {ActivityStatus.CANCELLED},
    ActivityStatus.CANCELLED: set(),
}  # fmt: skip
EDITABLE = {
    "title", "category", "description", "region", "address", "lat", "lon", "crs", "radius_m",
    "starts_at", "ends_at", "quota", "shifts", "required_skills", "risky", "insurance_note",
    "people_served",
}  # fmt: skip
# What a sign-up agreed to: fixed once anyone has signed up to a published activity.
TIME_AND_PLACE = {"address", "lat", "lon", "radius_m", "starts_at", "ends_at", "region"}
RADIUS_M = (50, 5000)
QUOTA_MAX = 1000
MAX_SHIFTS = 20
MAX_DAYS = 31
MAX_PEOPLE_SERVED = 1_000_000

register_event(
    "volunteers.activity_reviewed",
    title="活动「{{ title }}」审核{{ result }}",
    body="{{ note }}",
    link="{{ url }}",
)
register_event(
    "volunteers.activity_cancelled",
    title="您报名的活动「{{ title }}」已取消",
    body="原定 {{ starts }} 开始。取消原因：{{ reason }}",
    link="{{ url }}",
)


# --- small helpers ---------------------------------------------------------------------------


def _text(value: Any) -> str:
    return str(value or "").strip()


def _bad(errors: list[dict[str, str]], field: str, message: str) -> None:
    errors.append({"field": field, "message": message})


def _raise(errors: list[dict[str, str]]) -> None:
    if errors:
        raise InvalidInput("；".join(e["message"] for e in errors), errors=errors)


def _aware(value: Any) -> datetime | None:
    """An aware datetime to the minute (activities are scheduled to the minute), or None."""
    if not isinstance(value, datetime):
        return None
    value = value.replace(second=0, microsecond=0)
    return timezone.make_aware(value) if timezone.is_naive(value) else value


def _minutes(at: datetime) -> datetime:
    return at.replace(second=0, microsecond=0)


def _team(actor: User | None, team: Team | int | str | None) -> Team:
    pk = team.pk if isinstance(team, Team) else team
    if actor is None:
        found = Team.objects.filter(pk=pk).first() if pk is not None and str(pk).isdigit() else None
        if found is None:
            raise NotFound(access.TEAM_NOT_FOUND)
        return found
    return access.access_team(actor, pk)


def _check_runs(actor: User | None, activity: Activity, *, for_write: bool = False) -> Activity:
    """The activity again (locked when writing), or NotFound when the actor does not run it."""
    if actor is None:
        qs = Activity.objects.select_for_update() if for_write else Activity.objects
        return qs.get(pk=activity.pk)
    return access.access_activity(actor, activity.pk, for_write=for_write)


def _region(team: Team, value: Any, errors: list[dict[str, str]]) -> Region | None:
    """The activity's region: the team's own by default, else one inside the team's subtree."""
    if value in (None, ""):
        return team.region
    code = value.code if isinstance(value, Region) else str(value)
    region = Region.objects.filter(code=code).first()
    if region is None or not region.code.startswith(team.region.prefix):
        _bad(errors, "region", "活动区划须在组织队伍所属区划之内")
        return None
    return region


def _point(lat: Any, lon: Any, crs: str, errors: list[dict[str, str]]) -> tuple[float, float]:
    try:
        w_lat, w_lon = check_point(lat, lon, crs or "wgs84")
    except InvalidInput as exc:
        errors.extend(exc.errors or [{"field": "lat", "message": exc.detail}])
        return 0.0, 0.0
    return round(w_lat, 7), round(w_lon, 7)


def _check_fields(values: dict[str, Any], errors: list[dict[str, str]]) -> None:
    if "title" in values:
        if not values["title"]:
            _bad(errors, "title", "请填写活动名称")
        elif len(values["title"]) > 100:
            _bad(errors, "title", "活动名称不能超过100字")
    if "category" in values and values["category"] not in ActivityCategory.values:
        _bad(errors, "category", "请选择服务类别")
    if "description" in values and len(values["description"]) > 5000:
        _bad(errors, "description", "活动内容不能超过5000字")
    if "address" in values:
        if not values["address"]:
            _bad(errors, "address", "请填写活动地点")
        elif len(values["address"]) > 200:
            _bad(errors, "address", "活动地点不能超过200字")
    if "radius_m" in values:
        radius = values["radius_m"]
        if not isinstance(radius, int) or not RADIUS_M[0] <= radius <= RADIUS_M[1]:
            _bad(errors, "radius_m", f"签到范围应为 {RADIUS_M[0]} 到 {RADIUS_M[1]} 米之间的整数")
    if "insurance_note" in values and len(values["insurance_note"]) > 200:
        _bad(errors, "insurance_note", "保险说明不能超过200字")
    if "people_served" in values:
        served = values["people_served"]
        if not isinstance(served, int) or not 0 <= served <= MAX_PEOPLE_SERVED:
            _bad(errors, "people_served", "服务对象人次应为不小于 0 的整数")


def _check_window(
    starts_at: datetime | None, ends_at: datetime | None, errors: list[dict[str, str]], *,
    now: datetime,
) -> None:  # fmt: skip
    if starts_at is None:
        _bad(errors, "starts_at", "请填写开始时间")
    if ends_at is None:
        _bad(errors, "ends_at", "请填写结束时间")
    if starts_at is None or ends_at is None:
        return
    if ends_at <= starts_at:
        _bad(errors, "ends_at", "结束时间须晚于开始时间")
    elif ends_at - starts_at > timedelta(days=MAX_DAYS):
        _bad(errors, "ends_at", f"一次活动不能超过{MAX_DAYS}天，长期项目请分期发布")
    elif ends_at <= now:
        _bad(errors, "ends_at", "活动已结束，不能再安排（补录服务时长请到服务时长审核）")


def _quota(value: Any, field: str, errors: list[dict[str, str]], label: str = "") -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= QUOTA_MAX:
        _bad(errors, field, f"{label}招募人数应为 1 到 {QUOTA_MAX} 之间的整数")
        return 0
    return value


def _shift_specs(
    raw: Sequence[dict[str, Any]] | None, quota: Any, starts_at: datetime | None,
    ends_at: datetime | None, errors: list[dict[str, str]],
) -> list[dict[str, Any]]:  # fmt: skip
    """Shifts as [{id, starts_at, ends_at, quota}]: the given ones, each inside the window, or
    one spanning the window with ``quota``."""
    if not raw:
        if starts_at is None or ends_at is None:
            return []
        return [{"id": None, "starts_at": starts_at, "ends_at": ends_at,
                 "quota": _quota(quota, "quota", errors)}]  # fmt: skip
    if len(raw) > MAX_SHIFTS:
        _bad(errors, "shifts", f"班次不能超过{MAX_SHIFTS}个")
        return []
    specs = []
    for n, entry in enumerate(raw, start=1):
        label = f"第{n}班次"
        start, end = _aware(entry.get("starts_at")), _aware(entry.get("ends_at"))
        if start is None or end is None:
            _bad(errors, "shifts", f"{label}请填写开始和结束时间")
            continue
        if end <= start:
            _bad(errors, "shifts", f"{label}的结束时间须晚于开始时间")
        elif starts_at and ends_at and (start < starts_at or end > ends_at):
            window = f"{local(starts_at, SHORT)}–{local(ends_at, SHORT)}"
            _bad(errors, "shifts", f"{label}须在活动时间（{window}）之内")
        pk = entry.get("id")
        specs.append({
            "id": int(pk) if pk and str(pk).isdigit() else None, "starts_at": start,
            "ends_at": end, "quota": _quota(entry.get("quota"), "shifts", errors, label),
        })  # fmt: skip
    return specs


def _skills(values: Iterable[Any] | None, errors: list[dict[str, str]]) -> list[Skill]:
    wanted = list(values or [])
    keys = {v.code if isinstance(v, Skill) else str(v) for v in wanted}
    found = list(Skill.objects.filter(Q(code__in=keys) | Q(pk__in=[k for k in keys if k.isdigit()]),
                                      is_active=True))  # fmt: skip
    missing = keys - {s.code for s in found} - {str(s.pk) for s in found}
    if missing:
        _bad(errors, "required_skills", f"技能不存在或已停用：{'、'.join(sorted(missing))}")
    return found


def _check_insurance(risky: bool, note: str, errors: list[dict[str, str]]) -> None:
    if risky and not note:
        _bad(
            errors,
            "insurance_note",
            "有人身风险的活动须先投保，请填写保险说明（志愿服务条例第十七条）",
        )


# --- create ----------------------------------------------------------------------------------


def create_activity(
    *,
    actor: User | None,
    team: Team | int,
    title: str,
    category: str,
    address: str,
    lat: Any,
    lon: Any,
    starts_at: datetime,
    ends_at: datetime,
    crs: str = "wgs84",
    description: str = "",
    radius_m: int = 300,
    quota: int | None = None,
    shifts: Sequence[dict[str, Any]] | None = None,
    required_skills: Iterable[Skill | str] = (),
    risky: bool = False,
    insurance_note: str = "",
    region: Region | str | None = None,
) -> Activity:
    """A new activity (a draft) with its shifts. Every bad field is reported at once; nothing is
    written then. ``shifts`` empty: one shift spanning the window with ``quota``."""
    found = _team(actor, team)
    now = timezone.now()
    values: dict[str, Any] = {
        "title": _text(title), "category": category, "description": _text(description),
        "address": _text(address), "radius_m": radius_m, "risky": bool(risky),
        "insurance_note": _text(insurance_note),
    }  # fmt: skip
    errors: list[dict[str, str]] = []
    _check_fields(values, errors)
    place = _region(found, region, errors)
    values["lat"], values["lon"] = _point(lat, lon, crs, errors)
    start, end = _aware(starts_at), _aware(ends_at)
    _check_window(start, end, errors, now=now)
    specs = _shift_specs(shifts, quota, start, end, errors)
    skills = _skills(required_skills, errors)
    _check_insurance(values["risky"], values["insurance_note"], errors)
    _raise(errors)
    return _create(actor, found, place, values, start, end, specs, skills)


@transaction.atomic(durable=True)
def _create(
    actor: User | None, team: Team, region: Region | None, values: dict[str, Any], starts_at: Any,
    ends_at: Any, specs: list[dict[str, Any]], skills: list[Skill],
) -> Activity:  # fmt: skip
    activity = Activity.objects.create(
        team=team, region=region or team.region, starts_at=starts_at, ends_at=ends_at,
        status=ActivityStatus.DRAFT, created_by=actor if getattr(actor, "pk", None) else None,
        **values,
    )  # fmt: skip
    Shift.objects.bulk_create(
        [Shift(activity=activity, starts_at=s["starts_at"], ends_at=s["ends_at"], quota=s["quota"])
         for s in specs]
    )  # fmt: skip
    activity.required_skills.set(skills)
    audit.record(
        Verb.ACTIVITY_SAVED,
        actor=actor,
        target=activity,
        data={"created": True, "team": team.pk, "shifts": len(specs),
              "skills": sorted(s.code for s in skills)},
    )  # fmt: skip
    return activity


# --- update ----------------------------------------------------------------------------------


def update_activity(activity: Activity, *, actor: User | None, **changes: Any) -> Activity:
    """Change some fields of an activity (and its shifts); the audit entry names what changed.

    Refused on a cancelled activity; after it has ended only ``people_served`` may change; once
    anyone has signed up to a published activity its time and place are fixed (shift quotas
    may still change — not below the confirmed count; a raised quota promotes the waitlist)."""
    unknown = set(changes) - EDITABLE
    if unknown:
        raise InvalidInput(f"不能修改的字段：{'、'.join(sorted(unknown))}")
    return _update(activity.pk, actor, changes)


@transaction.atomic(durable=True)
def _update(pk: int, actor: User | None, changes: dict[str, Any]) -> Activity:
    activity = _check_runs(actor, Activity(pk=pk), for_write=True)
    now = timezone.now()
    if activity.status == ActivityStatus.CANCELLED:
        raise DomainError("活动已取消，不能修改")
    if activity.ends_at <= now and set(changes) - {"people_served"}:
        raise DomainError("活动已结束，只能填写服务对象人次")
    errors: list[dict[str, str]] = []
    values: dict[str, Any] = {}
    for field in ("title", "description", "address", "insurance_note"):
        if field in changes:
            values[field] = _text(changes[field])
    for field in ("category", "radius_m", "people_served"):
        if field in changes:
            values[field] = changes[field]
    if "risky" in changes:
        values["risky"] = bool(changes["risky"])
    _check_fields(values, errors)
    if "region" in changes:
        values["region"] = _region(activity.team, changes["region"], errors)
    if "lat" in changes or "lon" in changes:
        lat, lon = _point(
            changes.get("lat", activity.lat), changes.get("lon", activity.lon),
            changes.get("crs", "wgs84"), errors,
        )  # fmt: skip
        values["lat"], values["lon"] = lat, lon
    start = _aware(changes.get("starts_at", activity.starts_at))
    end = _aware(changes.get("ends_at", activity.ends_at))
    if "starts_at" in changes or "ends_at" in changes:
        _check_window(start, end, errors, now=now)
        values["starts_at"], values["ends_at"] = start, end
    specs = None
    if "shifts" in changes or "quota" in changes:
        specs = _shift_specs(changes.get("shifts"), changes.get("quota"), start, end, errors)
    elif "starts_at" in values and start and end:
        specs = _follow_window(activity, start, end, errors)
    skills = _skills(changes["required_skills"], errors) if "required_skills" in changes else None
    _check_insurance(
        values.get("risky", activity.risky), values.get("insurance_note", activity.insurance_note),
        errors,
    )  # fmt: skip
    _raise(errors)

    changed = [
        f for f, v in values.items()
        if getattr(activity, f if f != "region" else "region_id") != (v.pk if f == "region" else v)
    ]  # fmt: skip
    shifts = list(activity.shifts.all())
    signed = active_signups(activity)
    new_times = [(s["starts_at"], s["ends_at"]) for s in specs] if specs is not None else None
    old_times = [(_minutes(s.starts_at), _minutes(s.ends_at)) for s in shifts]
    times_change = new_times is not None and new_times != old_times
    if signed and activity.status == ActivityStatus.PUBLISHED:
        fixed = [f for f in changed if f in TIME_AND_PLACE] + (["shifts"] if times_change else [])
        if fixed:
            raise DomainError(
                f"已有 {signed} 人报名，活动的时间和地点不能再修改（报名者是按原时间地点报名的）；"
                "如确需变更，请取消本活动并说明原因，再重新发布"
            )
    if specs is not None:
        promoted = _save_shifts(activity, shifts, specs, changed, locked=bool(signed))
    else:
        promoted = []
    if skills is not None:
        before = set(activity.required_skills.values_list("pk", flat=True))
        if before != {s.pk for s in skills}:
            activity.required_skills.set(skills)
            changed.append("required_skills")
    for field in changed:
        if field in values:
            setattr(activity, field, values[field])
    fields = [f for f in changed if f in values]
    if fields:
        activity.save(update_fields=fields)
    if changed:
        audit.record(Verb.ACTIVITY_SAVED, actor=actor, target=activity, data={"changed": changed})
    for shift in promoted:
        promote_waitlisted(shift, actor=actor, now=now)
    return activity


def _follow_window(
    activity: Activity, start: datetime, end: datetime, errors: list[dict[str, str]]
) -> list[dict[str, Any]] | None:
    """A new window without new shifts: a single shift spanning the old window moves with it;
    other shifts must still fit."""
    shifts = list(activity.shifts.all())
    old = (_minutes(activity.starts_at), _minutes(activity.ends_at))
    if len(shifts) == 1 and (_minutes(shifts[0].starts_at), _minutes(shifts[0].ends_at)) == old:
        return [{"id": shifts[0].pk, "starts_at": start, "ends_at": end, "quota": shifts[0].quota}]
    if any(s.starts_at < start or s.ends_at > end for s in shifts):
        _bad(errors, "shifts", "有班次不在新的活动时间之内，请同时调整班次")
    return None


def _save_shifts(
    activity: Activity, shifts: list[Shift], specs: list[dict[str, Any]], changed: list[str], *,
    locked: bool,
) -> list[Shift]:  # fmt: skip
    """Write the shifts; return those whose quota rose while people wait (to promote)."""
    by_id = {s.pk: s for s in shifts}
    shift: Shift | None  # the two loops below share the name
    if locked:
        # Same shifts, same times (checked): only the quotas may change.
        raised = []
        for shift, spec in zip(shifts, specs, strict=True):
            if spec["quota"] == shift.quota:
                continue
            confirmed = shift.signups.filter(status=SignupStatus.CONFIRMED).count()
            if spec["quota"] < confirmed:
                raise InvalidInput.field(
                    "shifts",
                    f"{local(shift.starts_at, SHORT)} 班次已有 {confirmed} 人确认报名，"
                    f"招募人数不能少于 {confirmed}",
                )
            if spec["quota"] > shift.quota:
                raised.append(shift)
            shift.quota = spec["quota"]
            shift.save(update_fields=["quota"])
            if "shifts" not in changed:
                changed.append("shifts")
        return raised
    keep: set[int] = set()
    dirty = False
    for spec in specs:
        shift = by_id.get(spec["id"]) if spec["id"] else None
        if shift is None and len(specs) == 1 and len(shifts) == 1:
            shift = shifts[0]  # the one-shift form: the same shift, perhaps new times or quota
        if shift is None or shift.pk in keep:
            shift = Shift.objects.create(
                activity=activity, starts_at=spec["starts_at"], ends_at=spec["ends_at"],
                quota=spec["quota"],
            )  # fmt: skip
            dirty = True
        elif (shift.starts_at, shift.ends_at, shift.quota) != (
            spec["starts_at"], spec["ends_at"], spec["quota"],
        ):  # fmt: skip
            shift.starts_at, shift.ends_at = spec["starts_at"], spec["ends_at"]
            shift.quota = spec["quota"]
            shift.save(update_fields=["starts_at", "ends_at", "quota"])
            dirty = True
        keep.add(shift.pk)
    gone = [s for s in shifts if s.pk not in keep]
    if gone:
        if any(s.records.exists() for s in gone):
            raise DomainError("有班次已有签到记录，不能删除")
        Shift.objects.filter(pk__in=[s.pk for s in gone]).delete()
        dirty = True
    if dirty and "shifts" not in changed:
        changed.append("shifts")
    return []


# --- the status flow -------------------------------------------------------------------------


def _move(activity: Activity, target: str) -> None:
    allowed = ALLOWED.get(activity.status, set())
    if target not in allowed:
        raise IllegalTransition(
            ActivityStatus(activity.status).label,
            ActivityStatus(target).label,
            [ActivityStatus(s).label for s in ActivityStatus if s in allowed],
        )


@transaction.atomic(durable=True)
def submit_activity(activity: Activity, *, actor: User | None) -> Activity:
    """提交审核: a draft (or a rejected activity, after editing) goes to review."""
    activity = _check_runs(actor, activity, for_write=True)
    _move(activity, ActivityStatus.PENDING)
    if activity.starts_at <= timezone.now():
        raise DomainError("活动开始时间已过，请先修改活动时间再提交")
    if not activity.shifts.exists():
        raise DomainError("活动至少需要一个班次")
    activity.status = ActivityStatus.PENDING
    activity.save(update_fields=["status"])
    audit.record(Verb.ACTIVITY_SUBMITTED, actor=actor, target=activity)
    return activity


@transaction.atomic(durable=True)
def review_activity(
    activity: Activity, *, actor: User | None, approve: bool, note: str = ""
) -> Activity:
    """审核: publish a pending activity, or reject it with a note (the team is told either way)."""
    if actor is not None:
        if not reviewable(actor).filter(pk=activity.pk).exists():
            raise NotFound(access.ACTIVITY_NOT_FOUND)
    activity = Activity.objects.select_for_update().get(pk=activity.pk)
    note = _text(note)
    if len(note) > 200:
        raise InvalidInput.field("note", "审核意见不能超过200字")
    if not approve and not note:
        raise InvalidInput.field("note", "不通过时请填写审核意见，告诉组织者需要修改什么")
    target = ActivityStatus.PUBLISHED if approve else ActivityStatus.REJECTED
    _move(activity, target)
    now = timezone.now()
    if approve and activity.starts_at <= now:
        raise DomainError("活动开始时间已过，不能发布；请退回组织者修改时间")
    activity.status = target
    activity.review_note = note
    activity.reviewed_by = actor if getattr(actor, "pk", None) else None
    fields = ["status", "review_note", "reviewed_by"]
    if approve:
        activity.published_at = now
        fields.append("published_at")
    activity.save(update_fields=fields)
    audit.record(
        Verb.ACTIVITY_REVIEWED, actor=actor, target=activity,
        data={"approved": bool(approve), "note": note},
    )  # fmt: skip
    _tell_organizers(activity, actor, approved=bool(approve), note=note)
    return activity


def _tell_organizers(activity: Activity, actor: User | None, *, approved: bool, note: str) -> None:
    from django.urls import reverse

    from shegong.volunteers.models import TeamMember

    recipients: dict[int, User] = {}
    if activity.created_by is not None:
        recipients[activity.created_by.pk] = activity.created_by
    leaders = TeamMember.objects.filter(
        team_id=activity.team_id, role="leader", left_on__isnull=True,
        volunteer__person__user__isnull=False,
    ).select_related("volunteer__person__user")  # fmt: skip
    for member in leaders:
        user = member.volunteer.person.user
        assert user is not None  # the query asked for leaders with an account
        recipients[user.pk] = user
    if actor is not None:
        recipients.pop(actor.pk, None)
    context = {
        "title": activity.title, "result": "通过，已发布" if approved else "未通过",
        "note": note or "", "url": reverse("volunteers:activity", args=[activity.pk]),
    }  # fmt: skip
    for user in recipients.values():
        notify(user, "volunteers.activity_reviewed", context)


@transaction.atomic(durable=True)
def cancel_activity(activity: Activity, *, actor: User | None, reason: str) -> Activity:
    """取消活动 before it starts, with a reason; every active sign-up is cancelled and told."""
    activity = _check_runs(actor, activity, for_write=True)
    reason = _text(reason)
    if not reason:
        raise InvalidInput.field("reason", "请填写取消原因（将通知已报名的志愿者）")
    if len(reason) > 200:
        raise InvalidInput.field("reason", "取消原因不能超过200字")
    _move(activity, ActivityStatus.CANCELLED)
    now = timezone.now()
    if activity.starts_at <= now:
        raise DomainError(f"活动已于 {local(activity.starts_at, SHORT)} 开始，不能取消")
    signups = list(
        # Lock the sign-ups only: PostgreSQL cannot lock the outer-joined (nullable) user.
        Signup.objects.select_for_update(of=("self",))
        .filter(shift__activity=activity, status__in=ACTIVE_SIGNUP)
        .select_related("volunteer__person__user")
    )
    Signup.objects.filter(pk__in=[s.pk for s in signups]).update(
        status=SignupStatus.CANCELLED, cancelled_at=now
    )
    activity.status = ActivityStatus.CANCELLED
    activity.cancelled_reason = reason
    activity.save(update_fields=["status", "cancelled_reason"])
    audit.record(
        Verb.ACTIVITY_CANCELLED, actor=actor, target=activity,
        data={"reason": reason, "signups": len(signups)},
    )  # fmt: skip
    from django.urls import reverse

    context = {
        "title": activity.title, "starts": local(activity.starts_at, SHORT), "reason": reason,
        "url": reverse("volunteers_m:activity", args=[activity.pk]),
    }  # fmt: skip
    told: set[int] = set()
    for signup in signups:
        user = signup.volunteer.person.user
        if user is not None and user.pk not in told:
            told.add(user.pk)
            notify(user, "volunteers.activity_cancelled", context)
    return activity
