"""Attendance (签到/签退) by a rotating QR code within the activity's geofence and time window.

The QR code a leader shows on a phone (or a screen at the venue) carries a signed token naming
the shift and a time bucket of ``SHEGONG_VOLUNTEER_QR_SECONDS``: a token is valid in its own
bucket and the next, so a photo of the code sent to someone at home is useless a minute or two
later, and a forged or altered token names nothing (404). The token only says *which shift*; the
phone's position (browser geolocation, WGS-84; gcj02/bd09 converted) must lie within the
activity's radius — plus the reported accuracy, capped at ``ACCURACY_CAP_M`` so a vague fix
cannot stretch the fence — and the time within the shift (check-in from
``SHEGONG_VOLUNTEER_CHECKIN_EARLY_MINUTES`` before its start until its end; check-out until
``SHEGONG_VOLUNTEER_CHECKOUT_LATE_MINUTES`` after its end). A refusal says how far or when.

The position is read only with the volunteer's separate consent to it (PIPL art. 29,
``registration.give_location_consent``). Without it, a position sent anyway is refused
(``LOCATION_CONSENT_REQUIRED``, 409) and the volunteer checks in and out by the QR code alone:
the code still proves the time and the shift, nothing about the place is read or kept (the
record's distances stay empty, shown as 未定位), and the team that approves the hours confirms
the presence (谁组织谁记录).

Check-in opens the volunteer's ``ServiceRecord`` (kind attendance, status open); a second
check-in is the same record (the constraint ``record_one_attendance_per_shift``). Check-out
closes it: hours = min(out, shift end) − max(in, shift start), two decimals, never negative;
status pending (the team approves it, ``hours.approve``). A forgotten check-out is closed by the
scan ``volunteers.close_attendance`` at the shift's end, flagged ``auto_closed``. A leader may
correct the times with a reason while the record is not approved (ATTENDANCE_CORRECTED).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from shegong.accounts.models import User
from shegong.core import audit, geo, rotating
from shegong.core.audit import Verb
from shegong.core.errors import DomainError, InvalidInput, NotFound
from shegong.core.geo import check_point
from shegong.core.times import CLOCK, SHORT, local
from shegong.volunteers.actions.registration import has_location_consent
from shegong.volunteers.choices import ActivityStatus, RecordKind, RecordStatus, SignupStatus
from shegong.volunteers.consent import LOCATION_CONSENT_REQUIRED
from shegong.volunteers.models import ServiceRecord, Shift, Signup, Volunteer
from shegong.volunteers.queries import access
from shegong.volunteers.queries.activities import distance_label

__all__ = [
    "check_in", "check_out", "close_overdue", "correct_attendance", "hours_between",
    "shift_from_token", "token_for",
]  # fmt: skip

SALT = "volunteers.attendance"
ACCURACY_CAP_M = 100
BATCH = 500
MAX_REASON = 200
TOKEN_INVALID = "签到二维码无效，请扫描活动负责人出示的二维码"


QrExpired = rotating.QrExpired


# --- the rotating token (core.rotating, with the volunteers' salt and bucket) -----------------


def _seconds() -> int:
    return int(settings.SHEGONG_VOLUNTEER_QR_SECONDS)


def bucket_of(at: datetime) -> int:
    return rotating.bucket_of(at, _seconds())


def token_for(shift: Shift, at: datetime | None = None) -> str:
    """The token of ``shift`` for the time bucket of ``at`` (now by default)."""
    return rotating.make_token(SALT, shift.pk, at, seconds=_seconds())


def refresh_in(at: datetime | None = None) -> int:
    """Seconds until the next bucket starts (when the shown code changes)."""
    return rotating.refresh_in(at, seconds=_seconds())


def shift_from_token(token: str, at: datetime | None = None) -> Shift:
    """The shift a token names, if it is from the current or the previous bucket.

    Forged, altered or naming no shift: NotFound; genuine but older: QrExpired (410)."""
    pk = rotating.read_token(
        SALT, token, at, seconds=_seconds(), invalid=TOKEN_INVALID,
        expired="二维码已过期（每分钟更新），请重新扫描负责人手机上的二维码",
    )  # fmt: skip
    shift = Shift.objects.select_related("activity", "activity__team").filter(pk=pk).first()
    if shift is None:
        raise NotFound(TOKEN_INVALID)
    return shift


qr_png = rotating.qr_png
token_from_text = rotating.token_from_text


# --- rules -----------------------------------------------------------------------------------


def hours_between(check_in: datetime, check_out: datetime, shift: Shift) -> Decimal:
    """Hours served: the check-in/out interval clipped to the shift, 2 decimals, ≥ 0."""
    start = max(check_in, shift.starts_at)
    end = min(check_out, shift.ends_at)
    seconds = max((end - start).total_seconds(), 0)
    return (Decimal(int(seconds)) / Decimal(3600)).quantize(Decimal("0.01"), ROUND_HALF_UP)


def _when(at: datetime, now: datetime) -> str:
    same_day = timezone.localdate(at) == timezone.localdate(now)
    return local(at, CLOCK if same_day else SHORT)


@dataclass(frozen=True)
class Position:
    lat: float
    lon: float
    accuracy: float
    distance: float


def _position(shift: Shift, lat: Any, lon: Any, accuracy: Any, crs: str) -> Position:
    """The phone's WGS-84 position, its accuracy (capped) and its distance to the activity."""
    try:
        w_lat, w_lon = check_point(lat, lon, crs or "wgs84")
    except InvalidInput as exc:
        raise InvalidInput("未能获取有效的位置：" + exc.detail, errors=exc.errors) from None
    try:
        acc = float(accuracy) if accuracy not in (None, "") else 0.0
    except (TypeError, ValueError):
        raise InvalidInput.field("accuracy", "定位精度应为数字（米）") from None
    if not 0 <= acc < 1e6:
        raise InvalidInput.field("accuracy", "定位精度应为不小于 0 的数字（米）")
    activity = shift.activity
    distance = geo.haversine_m(activity.lat, activity.lon, w_lat, w_lon)
    return Position(w_lat, w_lon, min(acc, ACCURACY_CAP_M), distance)


def _located(volunteer: Volunteer, lat: Any, lon: Any, accuracy: Any) -> bool:
    """Whether this check-in or check-out uses the phone's position: only with the volunteer's
    location consent. A position sent without it is refused, never quietly stored or dropped."""
    if has_location_consent(volunteer):
        return True
    if any(value not in (None, "") for value in (lat, lon, accuracy)):
        raise DomainError(LOCATION_CONSENT_REQUIRED)
    return False


def _check_fence(shift: Shift, position: Position, verb: str) -> None:
    radius = shift.activity.radius_m
    if position.distance > radius + position.accuracy:
        raise DomainError(
            f"您距活动地点{distance_label(position.distance)}，需在 {radius} 米内{verb}"
            f"（活动地点：{shift.activity.address}）"
        )


# --- check-in and check-out ------------------------------------------------------------------


def check_in(
    shift: Shift, volunteer: Volunteer, *, actor: User | None, lat: Any, lon: Any,
    accuracy: Any = None, crs: str = "wgs84", at: datetime | None = None,
) -> ServiceRecord:  # fmt: skip
    """签到: open the volunteer's record of this shift (``record.repeated`` tells a second
    check-in, which returns the first record unchanged)."""
    try:
        return _check_in(shift.pk, volunteer.pk, actor, lat, lon, accuracy, crs, at)
    except IntegrityError:
        record = ServiceRecord.objects.filter(
            shift_id=shift.pk, volunteer_id=volunteer.pk, kind=RecordKind.ATTENDANCE
        ).first()
        if record is None:
            raise
        record.repeated = True
        return record


@transaction.atomic(durable=True)
def _check_in(
    shift_pk: int, volunteer_pk: int, actor: User | None, lat: Any, lon: Any, accuracy: Any,
    crs: str, at: datetime | None,
) -> ServiceRecord:  # fmt: skip
    shift = Shift.objects.select_related("activity").get(pk=shift_pk)
    activity = shift.activity
    located = _located(Volunteer.objects.get(pk=volunteer_pk), lat, lon, accuracy)
    # The sign-up row is the lock: two check-ins of the same volunteer queue here.
    signup = (
        Signup.objects.select_for_update()
        .filter(shift=shift, volunteer_id=volunteer_pk, status=SignupStatus.CONFIRMED)
        .first()
    )
    existing = ServiceRecord.objects.filter(
        shift=shift, volunteer_id=volunteer_pk, kind=RecordKind.ATTENDANCE
    ).first()
    if existing is not None:
        existing.repeated = True
        return existing
    if activity.status != ActivityStatus.PUBLISHED:
        raise DomainError(f"活动{ActivityStatus(activity.status).label}，不能签到")
    if signup is None:
        waiting = Signup.objects.filter(
            shift=shift, volunteer_id=volunteer_pk, status=SignupStatus.WAITLISTED
        ).exists()
        raise DomainError(
            "您仍在候补名单中，确认报名后才能签到" if waiting
            else "您没有报名这个班次，不能签到；请先在活动页面报名"
        )  # fmt: skip
    position = _position(shift, lat, lon, accuracy, crs) if located else None
    now = at or timezone.now()
    opens = shift.starts_at - timedelta(minutes=settings.SHEGONG_VOLUNTEER_CHECKIN_EARLY_MINUTES)
    if now < opens:
        raise DomainError(f"活动 {_when(shift.starts_at, now)} 开始，{_when(opens, now)} 起可签到")
    if now > shift.ends_at:
        raise DomainError(f"本班次已于 {_when(shift.ends_at, now)} 结束，不能再签到")
    if position is not None:
        _check_fence(shift, position, "签到")
    category = activity.get_category_display()
    record = ServiceRecord.objects.create(
        volunteer_id=volunteer_pk, team_id=activity.team_id, activity=activity, shift=shift,
        region_id=activity.region_id, kind=RecordKind.ATTENDANCE, status=RecordStatus.OPEN,
        content=f"{activity.title}（{category}）"[:200],
        served_on=timezone.localdate(shift.starts_at), check_in_at=now,
        check_in_distance_m=round(position.distance) if position else None,
        recorded_by=actor if getattr(actor, "pk", None) else None, created_at=now,
    )  # fmt: skip
    place = (
        {"distance_m": round(position.distance), "accuracy_m": round(position.accuracy)}
        if position else {"located": False}
    )  # fmt: skip
    audit.record(Verb.CHECKED_IN, actor=actor, target=record, data={"shift": shift.pk, **place})
    record.repeated = False
    return record


def find_record(shift: Shift, volunteer: Volunteer) -> ServiceRecord:
    record = ServiceRecord.objects.filter(
        shift=shift, volunteer=volunteer, kind=RecordKind.ATTENDANCE
    ).first()
    if record is None:
        raise DomainError("您还没有签到，不能签退")
    return record


@transaction.atomic(durable=True)
def check_out(
    record: ServiceRecord, *, actor: User | None, lat: Any, lon: Any, accuracy: Any = None,
    crs: str = "wgs84", at: datetime | None = None,
) -> ServiceRecord:  # fmt: skip
    """签退: close the open record with the hours served (``record.repeated`` tells a second
    check-out, which returns the record unchanged)."""
    # Lock the record only: its shift is the nullable side of an outer join.
    record = (
        ServiceRecord.objects.select_for_update(of=("self",))
        .select_related("shift__activity")
        .get(pk=record.pk)
    )
    if record.kind != RecordKind.ATTENDANCE or record.shift is None:
        raise DomainError("这条服务记录不是签到记录，不能签退")
    if record.status != RecordStatus.OPEN:
        if record.check_out_at is not None:
            record.repeated = True
            return record
        raise DomainError(f"这条服务记录已{record.get_status_display()}，不能签退")
    shift = record.shift
    located = _located(Volunteer.objects.get(pk=record.volunteer_id), lat, lon, accuracy)
    position = _position(shift, lat, lon, accuracy, crs) if located else None
    now = at or timezone.now()
    closes = shift.ends_at + timedelta(minutes=settings.SHEGONG_VOLUNTEER_CHECKOUT_LATE_MINUTES)
    if now > closes:
        raise DomainError(
            f"签退时间已过（{_when(closes, now)} 截止），系统将按班次结束时间自动签退，"
            "如有出入请联系活动负责人更正"
        )
    if position is not None:
        _check_fence(shift, position, "签退")
    record.check_out_at = max(now, record.check_in_at or now)
    record.check_out_distance_m = round(position.distance) if position else None
    record.hours = hours_between(record.check_in_at or now, record.check_out_at, shift)
    record.status = RecordStatus.PENDING
    record.save(update_fields=["check_out_at", "check_out_distance_m", "hours", "status"])
    audit.record(
        Verb.CHECKED_OUT, actor=actor, target=record,
        data={"hours": str(record.hours),
              **({"distance_m": round(position.distance)} if position else {"located": False})},
    )  # fmt: skip
    record.repeated = False
    return record


# --- the forgotten check-out -----------------------------------------------------------------


def close_overdue(now: datetime | None = None) -> int:
    """Close every open attendance record whose shift ended more than the check-out tolerance
    ago: checked out at the shift's end, flagged ``auto_closed``, pending approval."""
    now = now or timezone.now()
    total = 0
    while True:
        done = _close_batch(now)
        total += done
        if done < BATCH:
            return total


@transaction.atomic(durable=True)
def _close_batch(now: datetime) -> int:
    cutoff = now - timedelta(minutes=settings.SHEGONG_VOLUNTEER_CHECKOUT_LATE_MINUTES)
    due = ServiceRecord.objects.filter(
        kind=RecordKind.ATTENDANCE, status=RecordStatus.OPEN, shift__ends_at__lt=cutoff
    ).order_by("pk")
    if connection.features.has_select_for_update_skip_locked:
        due = due.select_for_update(skip_locked=True, of=("self",))
    rows = list(due.select_related("shift")[:BATCH])
    for record in rows:
        shift = record.shift
        assert shift is not None  # the filter on shift__ends_at left out records without one
        check_in_at = record.check_in_at or shift.starts_at
        out = max(shift.ends_at, check_in_at)
        hours = hours_between(check_in_at, out, shift)
        # Claimed by the conditional UPDATE: a check-out that got in first keeps its own time.
        claimed = ServiceRecord.objects.filter(pk=record.pk, status=RecordStatus.OPEN).update(
            check_out_at=out, hours=hours, auto_closed=True, status=RecordStatus.PENDING
        )
        if claimed:
            record.check_out_at, record.hours, record.auto_closed = out, hours, True
            audit.record(
                Verb.ATTENDANCE_AUTO_CLOSED, actor=None, target=record,
                data={"shift": shift.pk, "hours": str(hours)},
            )  # fmt: skip
    return len(rows)


# --- the leader's correction -----------------------------------------------------------------


@transaction.atomic(durable=True)
def correct_attendance(
    record: ServiceRecord, *, actor: User | None, check_in_at: datetime | None,
    check_out_at: datetime | None, reason: str,
) -> ServiceRecord:  # fmt: skip
    """更正签到/签退时间 with a reason, while the record is not approved; the hours are
    recomputed (clipped to the shift) and the record waits for approval again."""
    if actor is not None:
        record = access.access_record(actor, record.pk, for_write=True)
    else:
        record = ServiceRecord.objects.select_for_update().get(pk=record.pk)
    if actor is not None and (
        ServiceRecord.objects.filter(pk=record.pk, volunteer__person__user_id=actor.pk).exists()
    ):
        # Like approving: nobody corrects their own times.
        raise DomainError("不能更正本人的签到记录，请由队伍其他负责人或社区工作人员更正")
    if record.kind != RecordKind.ATTENDANCE or record.shift_id is None:
        raise DomainError("只有签到记录可以更正签到、签退时间")
    if record.status == RecordStatus.APPROVED:
        raise DomainError("服务记录已确认，不能再修改；如有错误请录入更正记录")
    reason = str(reason or "").strip()
    errors: list[dict[str, str]] = []
    if not reason:
        errors.append({"field": "reason", "message": "请填写更正原因"})
    elif len(reason) > MAX_REASON:
        errors.append({"field": "reason", "message": f"更正原因不能超过{MAX_REASON}字"})
    now = timezone.now()
    if not isinstance(check_in_at, datetime):
        errors.append({"field": "check_in_at", "message": "请填写签到时间"})
    if not isinstance(check_out_at, datetime):
        errors.append({"field": "check_out_at", "message": "请填写签退时间"})
    if isinstance(check_in_at, datetime) and isinstance(check_out_at, datetime):
        if check_out_at <= check_in_at:
            errors.append({"field": "check_out_at", "message": "签退时间须晚于签到时间"})
        elif check_out_at > now:
            errors.append({"field": "check_out_at", "message": "签退时间不能晚于现在"})
    if errors:
        raise InvalidInput("；".join(e["message"] for e in errors), errors=errors)
    assert check_in_at is not None and check_out_at is not None
    shift = record.shift
    assert shift is not None  # refused above when shift_id is None
    before = {
        "check_in_at": record.check_in_at.isoformat() if record.check_in_at else None,
        "check_out_at": record.check_out_at.isoformat() if record.check_out_at else None,
        "hours": str(record.hours), "auto_closed": record.auto_closed, "status": record.status,
    }  # fmt: skip
    record.check_in_at, record.check_out_at = check_in_at, check_out_at
    record.hours = hours_between(check_in_at, check_out_at, shift)
    record.status = RecordStatus.PENDING
    record.auto_closed = False
    record.reason = reason
    record.save(
        update_fields=["check_in_at", "check_out_at", "hours", "status", "auto_closed", "reason"]
    )
    audit.record(
        Verb.ATTENDANCE_CORRECTED, actor=actor, target=record,
        data={"before": before, "hours": str(record.hours), "reason": reason},
    )  # fmt: skip
    return record
