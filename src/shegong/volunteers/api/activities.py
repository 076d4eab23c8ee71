"""/api/v1/activities: volunteer activities — the team's scoped list and detail, the public
list (no login, no person), and the volunteer's own sign-up, cancellation, check-in and
check-out.

The staff list and detail read ``queries.visible_activities`` (volunteers.view in scope, or a
team the caller leads): another street's activity is 404. The volunteer operations act for the
caller's own profile only (a caller without one gets 404 "您还不是注册志愿者"), and check-in and
check-out name their shift only by the signed, rotating QR token — they call the same actions
as the H5 pages (``signups``, ``attendance``).

This module uses ``@idempotent`` and so must not use ``from __future__ import annotations``.
"""

from typing import Any

from django.http import HttpRequest
from ninja import Query, Router
from ninja.pagination import paginate
from ninja.responses import Status

from shegong.core.errors import InvalidInput, NotFound
from shegong.core.geo import check_point
from shegong.core.idempotency import idempotent
from shegong.core.schemas import PagePagination, problem_responses
from shegong.volunteers.actions import attendance, signups, teams
from shegong.volunteers.choices import ActivityCategory, ActivityStatus, RecordKind, SignupStatus
from shegong.volunteers.models import Activity, ServiceRecord, Shift, Signup
from shegong.volunteers.queries import access
from shegong.volunteers.queries import activities as queries
from shegong.volunteers.schemas.activities import (
    ActivityDetail,
    ActivityFilter,
    ActivityOut,
    AttendanceCheckinIn,
    AttendanceOut,
    CheckoutIn,
    PublicActivityOut,
    PublicFilter,
    RosterOut,
    SignupIn,
    SignupOut,
    TeamCancelIn,
    TeamSignupIn,
)

router = Router()
ERRORS = problem_responses(400, 401, 403, 404, 409, 410, 422, 429)
PUBLIC_ERRORS = problem_responses(400, 422, 429)
NEAR_LIMIT = 200
MY_LIMIT = 100


# --- helpers ---------------------------------------------------------------------------------


def activity_out(a: Activity) -> dict[str, Any]:
    return {
        "id": a.pk, "title": a.title, "category": a.category,
        "category_label": a.get_category_display(), "status": a.status,
        "status_label": a.get_status_display(), "team_id": a.team_id, "team": a.team.name,
        "region": a.region_id, "region_name": a.region.name, "address": a.address,
        "lat": a.lat, "lon": a.lon, "radius_m": a.radius_m, "starts_at": a.starts_at,
        "ends_at": a.ends_at, "risky": a.risky, "people_served": a.people_served,
    }  # fmt: skip


def signup_out(signup: Signup) -> dict[str, Any]:
    shift = signup.shift
    return {
        "id": signup.pk, "activity_id": shift.activity_id, "shift_id": shift.pk,
        "status": signup.status, "status_label": signup.get_status_display(),
        "position": queries.waitlist_position(signup), "created_at": signup.created_at,
        "promoted_at": signup.promoted_at, "shift_starts_at": shift.starts_at,
        "shift_ends_at": shift.ends_at, "title": shift.activity.title,
    }  # fmt: skip


def attendance_out(record: ServiceRecord) -> dict[str, Any]:
    return {
        "id": record.pk, "activity_id": record.activity_id, "shift_id": record.shift_id,
        "status": record.status, "check_in_at": record.check_in_at,
        "check_out_at": record.check_out_at, "check_in_distance_m": record.check_in_distance_m,
        "check_out_distance_m": record.check_out_distance_m, "hours": record.hours,
        "auto_closed": record.auto_closed, "repeated": bool(getattr(record, "repeated", False)),
    }  # fmt: skip


def _signed_up(shift: Shift, volunteer: Any, user: Any) -> Status:
    """Sign up (or find the sign-up): 201 for a new one, 200 for the one already there."""
    before = Signup.objects.filter(
        shift=shift, volunteer=volunteer, status__in=[SignupStatus.CONFIRMED,
                                                      SignupStatus.WAITLISTED]
    ).exists()  # fmt: skip
    signup = signups.sign_up(shift, volunteer, actor=user)
    signup = Signup.objects.select_related("shift__activity").get(pk=signup.pk)
    return Status(200 if before else 201, signup_out(signup))


def _shift_of(activity_id: int, shift_id: int | None, user: Any) -> Shift:
    """The named shift of a published activity (or the only one), else 404/422."""
    activity = Activity.objects.filter(pk=activity_id).first()
    public = activity is not None and activity.status in (
        ActivityStatus.PUBLISHED, ActivityStatus.CANCELLED,
    )  # fmt: skip
    if activity is None or not (
        public or access.activities_run_by(user).filter(pk=activity.pk).exists()
    ):
        raise NotFound("活动不存在或尚未发布")
    shifts = list(activity.shifts.order_by("starts_at", "pk"))
    if shift_id is None:
        if len(shifts) != 1:
            raise InvalidInput.field("shift_id", "本活动有多个班次，请指定 shift_id")
        return shifts[0]
    found = next((s for s in shifts if s.pk == shift_id), None)
    if found is None:
        raise InvalidInput.field("shift_id", "该班次不属于本活动")
    return found


# --- staff: the scoped list and detail -------------------------------------------------------


@router.get(
    "",
    response={200: list[ActivityOut], **ERRORS},
    summary="志愿服务活动列表（工作范围内）",
    operation_id="activities_list",
)
@paginate(PagePagination)
def list_activities(request: HttpRequest, filters: Query[ActivityFilter]) -> Any:
    """本人工作范围内（volunteers.view）或本人负责的队伍的活动，按开始时间倒序；可按队伍、状态、
    类别、日期筛选。"""
    user = request.auth
    queries.require_workbench(user)
    qs = queries.visible_activities(user).select_related("team", "region")
    if filters.team:
        qs = qs.filter(team_id=filters.team)
    if filters.status:
        qs = qs.filter(status=filters.status)
    if filters.category:
        qs = qs.filter(category=filters.category)
    if filters.date_from:
        qs = qs.filter(ends_at__date__gte=filters.date_from)
    if filters.date_to:
        qs = qs.filter(starts_at__date__lte=filters.date_to)
    return [activity_out(a) for a in qs.order_by("-starts_at", "-pk")]


@router.get(
    "/public",
    response={200: list[PublicActivityOut], **PUBLIC_ERRORS},
    summary="公开的志愿服务活动（无需登录）",
    operation_id="activities_public",
    auth=None,
)
@paginate(PagePagination)
def public_activities(request: HttpRequest, filters: Query[PublicFilter]) -> Any:
    """已发布、尚未结束的活动：名称、时间、地点、组织队伍、剩余名额，不含任何个人信息。给出
    lat/lon 时按距离由近到远（最多 200 个）。经纬度填反或不在中国境内时返回 422。"""
    qs = queries.upcoming()
    if filters.category:
        if filters.category not in ActivityCategory.values:
            raise InvalidInput.field("category", "服务类别不存在")
        qs = qs.filter(category=filters.category)
    if filters.lat or filters.lon:
        lat, lon = check_point(filters.lat, filters.lon, filters.crs)
        found = [(a, queries.distance_m(a, lat, lon)) for a in qs[:NEAR_LIMIT]]
        found.sort(key=lambda pair: pair[1])
        return [queries.public_row(a, distance=d) for a, d in found]
    return [queries.public_row(a) for a in qs]


@router.get(
    "/me",
    response={200: list[SignupOut], **ERRORS},
    summary="我的报名（本人）",
    operation_id="activities_my_signups",
)
def my_signups(request: HttpRequest) -> Any:
    """调用者本人的报名记录（最近 100 条），含候补位次。未注册志愿者时返回 404。"""
    volunteer = access.my_volunteer(request.auth)
    rows = (
        Signup.objects.filter(volunteer=volunteer)
        .select_related("shift__activity")
        .order_by("-shift__starts_at", "-pk")[:MY_LIMIT]
    )
    return [signup_out(s) for s in rows]


@router.get(
    "/{int:activity_id}",
    response={200: ActivityDetail, **ERRORS},
    summary="活动详情（工作范围内）",
    operation_id="activities_detail",
)
def activity_detail(request: HttpRequest, activity_id: int) -> Any:
    """一个活动的详情与各班次的报名人数、候补人数、剩余名额。不在范围内的活动返回 404。"""
    user = request.auth
    queries.require_workbench(user)
    activity = (
        queries.visible_activities(user)
        .select_related("team", "region")
        .filter(pk=activity_id)
        .first()
    )
    if activity is None:
        raise NotFound(access.ACTIVITY_NOT_FOUND)
    return {
        **activity_out(activity),
        "description": activity.description, "insurance_note": activity.insurance_note,
        "required_skills": [s.name for s in activity.required_skills.all()],
        "review_note": activity.review_note, "cancelled_reason": activity.cancelled_reason,
        "shifts": [
            {"id": s.pk, "starts_at": s.starts_at, "ends_at": s.ends_at, "quota": s.quota,
             "confirmed": s.confirmed, "waitlisted": s.waitlisted,
             "places_left": max(s.quota - s.confirmed, 0)}
            for s in queries.shift_counts(activity)
        ],
    }  # fmt: skip


# --- the team: roster, signing up on a volunteer's behalf, cancelling --------------------------


def roster_out(signup: Signup, record: ServiceRecord | None, position: int | None) -> dict:
    volunteer = signup.volunteer
    return {
        "id": signup.pk, "shift_id": signup.shift_id, "volunteer_number": volunteer.number,
        "name": volunteer.person.name_masked, "status": signup.status,
        "status_label": signup.get_status_display(), "position": position,
        "created_at": signup.created_at,
        "check_in_at": record.check_in_at if record else None,
        "check_out_at": record.check_out_at if record else None,
        "hours": record.hours if record and record.status != "open" else None,
        "record_status": record.status if record else None,
        "auto_closed": bool(record and record.auto_closed),
    }  # fmt: skip


@router.get(
    "/{int:activity_id}/roster",
    response={200: list[RosterOut], **ERRORS},
    summary="活动名单与签到（本队）",
    operation_id="activities_roster",
)
def roster(request: HttpRequest, activity_id: int) -> Any:
    """本人负责的队伍（或工作范围内有志愿服务管理权限）的活动名单：各班次已报名者在前、候补按
    位次在后，含签到、签退与时长；姓名脱敏。其他队伍的活动 404。"""
    activity = access.access_activity(request.auth, activity_id)
    records = {
        (r.shift_id, r.volunteer_id): r
        for r in ServiceRecord.objects.filter(activity=activity, kind=RecordKind.ATTENDANCE)
    }
    rows = (
        Signup.objects.filter(shift__activity=activity, status__in=[SignupStatus.CONFIRMED,
                                                                    SignupStatus.WAITLISTED])
        .select_related("volunteer__person")
        .order_by("shift__starts_at", "shift_id", "status", "created_at", "pk")
    )  # fmt: skip
    out, line = [], {}
    for s in rows:
        position = None
        if s.status == SignupStatus.WAITLISTED:
            position = line[s.shift_id] = line.get(s.shift_id, 0) + 1
        out.append(roster_out(s, records.get((s.shift_id, s.volunteer_id)), position))
    return out


@router.post(
    "/{int:activity_id}/roster",
    response={200: SignupOut, 201: SignupOut, **ERRORS},
    summary="代为报名（本队）",
    operation_id="activities_team_signup",
)
@idempotent
def team_sign_up(request: HttpRequest, activity_id: int, payload: TeamSignupIn) -> Any:
    """队伍负责人按志愿者编号代为报名（没有智能手机、电话报名的志愿者），规则与本人报名相同：
    技能、未成年人监护人同意、状态、名额（满额进入候补）。志愿者会收到通知。已在名单中时返回原
    报名（200）；编号不存在 422；其他队伍的活动 404。支持 Idempotency-Key。"""
    user = request.auth
    activity = access.access_activity(user, activity_id)
    shift = _shift_of(activity.pk, payload.shift_id, user)
    if not payload.number.strip():
        raise InvalidInput.field("number", "请填写志愿者编号")
    volunteer = teams.find_volunteer(payload.number)
    if volunteer is None:
        raise InvalidInput.field("number", "未找到该编号的志愿者，请核对志愿者编号")
    return _signed_up(shift, volunteer, user)


@router.post(
    "/signups/{int:signup_id}/cancel",
    response={200: SignupOut, **ERRORS},
    summary="代为取消报名（本队）",
    operation_id="activities_team_cancel",
)
@idempotent
def team_cancel(request: HttpRequest, signup_id: int, payload: TeamCancelIn) -> Any:
    """队伍负责人取消一位志愿者的报名，须填写原因（通知志愿者）；候补第一位自动转正。班次开始
    后 409；其他队伍的报名 404。"""
    user = request.auth
    signup = Signup.objects.filter(
        pk=signup_id, shift__activity__in=access.activities_run_by(user)
    ).first()
    if signup is None:
        raise NotFound("报名记录不存在")
    signups.cancel_signup(signup, actor=user, reason=payload.reason)
    return signup_out(Signup.objects.select_related("shift__activity").get(pk=signup.pk))


# --- the volunteer's own ---------------------------------------------------------------------


@router.post(
    "/{int:activity_id}/signup",
    response={200: SignupOut, 201: SignupOut, **ERRORS},
    summary="报名（本人）",
    operation_id="activities_signup",
)
@idempotent
def sign_up(request: HttpRequest, activity_id: int, payload: SignupIn) -> Any:
    """本人报名一个班次：名额内为已报名（201），满额后进入候补并返回位次；已报名时返回原报名
    （200）。活动未发布或已开始、志愿者状态不允许（暂停、未成年无监护人同意）时 409；缺少所需
    技能时 409 并列出缺少的技能。支持 Idempotency-Key。"""
    user = request.auth
    volunteer = access.my_volunteer(user)
    shift = _shift_of(activity_id, payload.shift_id, user)
    return _signed_up(shift, volunteer, user)


@router.post(
    "/{int:activity_id}/signup/cancel",
    response={200: SignupOut, **ERRORS},
    summary="取消报名（本人）",
    operation_id="activities_signup_cancel",
)
@idempotent
def cancel_signup(request: HttpRequest, activity_id: int, payload: SignupIn) -> Any:
    """取消本人在该活动（指定班次）的报名；班次开始后不能取消（409）。已报名者取消后，候补第一
    位自动转正并收到通知。"""
    user = request.auth
    volunteer = access.my_volunteer(user)
    shift = _shift_of(activity_id, payload.shift_id, user)
    signup = Signup.objects.filter(
        shift=shift, volunteer=volunteer, status__in=[SignupStatus.CONFIRMED,
                                                      SignupStatus.WAITLISTED]
    ).first()  # fmt: skip
    if signup is None:
        raise NotFound("您没有报名该班次")
    signups.cancel_signup(signup, actor=user)
    return signup_out(Signup.objects.select_related("shift__activity").get(pk=signup.pk))


@router.post(
    "/checkin",
    response={200: AttendanceOut, 201: AttendanceOut, **ERRORS},
    summary="扫码签到（本人）",
    operation_id="activities_checkin",
)
@idempotent
def check_in(request: HttpRequest, payload: AttendanceCheckinIn) -> Any:
    """本人签到：`token` 为负责人出示的签到二维码中的令牌（或整个网址），位置为手机定位。
    位置只在本人已单独同意《签到位置信息处理告知书》后使用（在手机端“我的志愿服务 → 签到位置
    信息”同意或撤回）：未同意时不带位置（lat/lon/accuracy 留空）即扫码签到，不读取、不保存位置，
    记录的距离为空（未定位）；未同意却提交位置 409。令牌无效 404、过期 410；未报名或仍在候补、
    不在活动范围内（detail 说明距离）、不在签到时间（detail 说明几点起可签到）时 409；已同意但
    坐标有误 422。重复签到返回原记录（200，repeated=true）。"""
    user = request.auth
    volunteer = access.my_volunteer(user)
    shift = attendance.shift_from_token(attendance.token_from_text(payload.token))
    record = attendance.check_in(
        shift, volunteer, actor=user, lat=payload.lat, lon=payload.lon,
        accuracy=payload.accuracy, crs=payload.crs,
    )  # fmt: skip
    return Status(200 if record.repeated else 201, attendance_out(record))


@router.post(
    "/checkout",
    response={200: AttendanceOut, **ERRORS},
    summary="签退（本人）",
    operation_id="activities_checkout",
)
@idempotent
def check_out(request: HttpRequest, payload: CheckoutIn) -> Any:
    """本人签退：用签到二维码令牌或签到记录 ID 指明记录；须在班次结束后的容许时间之内，已同意
    使用位置的须在活动范围内（未同意的不带位置签退，提交位置 409，同签到）。服务时长按签到、
    签退时间计算并截取在班次时间之内，记录转为待审核。"""
    user = request.auth
    volunteer = access.my_volunteer(user)
    if payload.record_id is not None:
        record = ServiceRecord.objects.filter(
            pk=payload.record_id, volunteer=volunteer, kind=RecordKind.ATTENDANCE
        ).first()
        if record is None:
            raise NotFound("签到记录不存在")
    elif payload.token:
        shift = attendance.shift_from_token(attendance.token_from_text(payload.token))
        record = attendance.find_record(shift, volunteer)
    else:
        raise InvalidInput.field("token", "请提供签到二维码令牌 token 或签到记录 record_id")
    done = attendance.check_out(
        record, actor=user, lat=payload.lat, lon=payload.lon, accuracy=payload.accuracy,
        crs=payload.crs,
    )  # fmt: skip
    return attendance_out(done)
