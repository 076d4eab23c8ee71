"""The volunteer's H5 pages of activities (find, detail with sign-up/cancel, my sign-ups, the
QR check-in and check-out) and the leader's phone QR page; the public activity list is in
``views.public``.

A published activity is public by design (title, time, place, team, places left — never a
person), so the find and detail pages show any street's activities to any logged-in user, and
the public list to anyone. What is personal is self-scoped by construction: the sign-up, the
cancellation and the check-in act for the caller's own volunteer profile only, and a
cancellation names a sign-up that must be the caller's (else 404). The check-in page names its
shift only by the signed, rotating token of the leader's QR code.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from shegong.core.errors import DomainError, InvalidInput, NotFound
from shegong.core.geo import check_point
from shegong.core.htmx import redirect_after_write
from shegong.volunteers import consent
from shegong.volunteers.actions import attendance, registration, signups
from shegong.volunteers.choices import ActivityCategory, ActivityStatus, RecordKind, SignupStatus
from shegong.volunteers.models import Activity, ServiceRecord, Shift, Signup, Volunteer
from shegong.volunteers.queries import access
from shegong.volunteers.queries import activities as queries
from shegong.volunteers.views.activities import qr_context

LIST_LIMIT = 200
NEAR_LIMIT = 50
MY_LIMIT = 100


# --- shared reads ----------------------------------------------------------------------------


def _register_url() -> str | None:
    for name in ("volunteers_m:register", "volunteers_m:home"):
        try:
            return reverse(name)
        except NoReverseMatch:
            continue
    return None


def _volunteer_or_redirect(request: HttpRequest) -> Volunteer | HttpResponse:
    volunteer = access.volunteer_of(request.user)
    if volunteer is not None:
        return volunteer
    messages.info(request, access.NOT_A_VOLUNTEER)
    target = _register_url()
    if target is None:
        raise NotFound(access.NOT_A_VOLUNTEER)
    return HttpResponseRedirect(f"{target}?next={request.path}")


# --- find ------------------------------------------------------------------------------------


@require_safe
def m_activities(request: HttpRequest) -> HttpResponse:
    """找活动: published upcoming activities, by category; nearest first with the position."""
    category = request.GET.get("category") or ""
    qs = queries.upcoming()
    if category in ActivityCategory.values:
        qs = qs.filter(category=category)
    else:
        category = ""
    lat, lon = request.GET.get("lat"), request.GET.get("lon")
    located, error, status = bool(lat or lon), "", 200
    rows: list[dict[str, Any]] = []
    if located:
        try:
            w_lat, w_lon = check_point(lat, lon, request.GET.get("crs") or "wgs84")
        except InvalidInput as exc:
            error, status, located = exc.detail, 422, False
        else:
            found = [(a, queries.distance_m(a, w_lat, w_lon)) for a in qs[:LIST_LIMIT]]
            found.sort(key=lambda pair: pair[1])
            rows = [queries.public_row(a, distance=d) for a, d in found[:NEAR_LIMIT]]
    if not located:
        rows = [queries.public_row(a) for a in qs[:LIST_LIMIT]]
    context = {
        "rows": rows, "located": located, "error": error, "category": category,
        "categories": ActivityCategory.choices, "volunteer": access.volunteer_of(request.user),
    }  # fmt: skip
    return render(request, "volunteers/m_activity_list.html", context, status=status)


# --- detail, sign-up, cancel -----------------------------------------------------------------


def _render_m_detail(request: HttpRequest, activity: Activity, *, status: int = 200):
    user = request.user
    volunteer = access.volunteer_of(user)
    now = timezone.now()
    mine: dict[int, Signup] = {}
    records: dict[int, ServiceRecord] = {}
    if volunteer is not None:
        for s in Signup.objects.filter(shift__activity=activity, volunteer=volunteer).exclude(
            status=SignupStatus.CANCELLED
        ):
            mine[s.shift_id] = s
        records = {
            r.shift_id: r
            for r in ServiceRecord.objects.filter(
                activity=activity, volunteer=volunteer, kind=RecordKind.ATTENDANCE
            )
        }
    shifts = []
    for shift in queries.shift_counts(activity):
        signup = mine.get(shift.pk)
        shifts.append({
            "shift": shift, "signup": signup, "record": records.get(shift.pk),
            "left": max(shift.quota - shift.confirmed, 0), "started": shift.starts_at <= now,
            "position": queries.waitlist_position(signup) if signup else None,
        })  # fmt: skip
    context = {
        "activity": activity,
        "shifts": shifts,
        "skills": list(activity.required_skills.all()),
        "volunteer": volunteer,
        "runs": access.activities_run_by(user).filter(pk=activity.pk).exists(),
        "open": activity.status == ActivityStatus.PUBLISHED,
    }
    return render(request, "volunteers/m_activity_detail.html", context, status=status)


@require_safe
def m_activity(request: HttpRequest, pk: int) -> HttpResponse:
    return _render_m_detail(request, queries.published_activity(request.user, pk))


@require_POST
def m_signup(request: HttpRequest, pk: int) -> HttpResponse:
    """报名 a shift (the caller's own profile)."""
    shift = Shift.objects.filter(pk=pk).select_related("activity").first()
    if shift is None:
        raise NotFound("班次不存在")
    activity = queries.published_activity(request.user, shift.activity_id)
    volunteer = _volunteer_or_redirect(request)
    if isinstance(volunteer, HttpResponse):
        return volunteer
    try:
        signup = signups.sign_up(shift, volunteer, actor=request.user)
    except DomainError as exc:
        messages.error(request, exc.detail)
        return _render_m_detail(request, activity, status=exc.status)
    if signup.status == SignupStatus.CONFIRMED:
        messages.success(request, "报名成功，请按时到场，扫负责人出示的二维码签到")
    else:
        position = queries.waitlist_position(signup)
        messages.warning(request, f"名额已满，您已进入候补（第 {position} 位），有人取消时自动递补")
    return redirect_after_write(request, reverse("volunteers_m:activity", args=[activity.pk]))


@require_POST
def m_signup_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    """取消报名 (only the caller's own sign-up)."""
    volunteer = access.volunteer_of(request.user)
    signup = (
        Signup.objects.filter(pk=pk, volunteer=volunteer).select_related("shift").first()
        if volunteer is not None
        else None
    )
    if signup is None:
        raise NotFound("报名记录不存在")
    activity_pk = signup.shift.activity_id
    try:
        signups.cancel_signup(signup, actor=request.user)
    except DomainError as exc:
        messages.error(request, exc.detail)
        activity = queries.published_activity(request.user, activity_pk)
        return _render_m_detail(request, activity, status=exc.status)
    messages.success(request, "已取消报名")
    return redirect_after_write(request, reverse("volunteers_m:activity", args=[activity_pk]))


# --- my sign-ups -----------------------------------------------------------------------------


@require_safe
def m_my_activities(request: HttpRequest) -> HttpResponse:
    """我的活动: my sign-ups (with waitlist position and attendance), and the shifts of the
    activities I run today or later (their QR codes)."""
    user = request.user
    volunteer = access.volunteer_of(user)
    rows = []
    if volunteer is not None:
        records = {
            r.shift_id: r
            for r in ServiceRecord.objects.filter(volunteer=volunteer, kind=RecordKind.ATTENDANCE)
        }
        for signup in (
            Signup.objects.filter(volunteer=volunteer)
            .select_related("shift__activity")
            .order_by("-shift__starts_at", "-pk")[:MY_LIMIT]
        ):
            rows.append({
                "signup": signup, "shift": signup.shift, "activity": signup.shift.activity,
                "record": records.get(signup.shift_id),
                "position": queries.waitlist_position(signup),
            })  # fmt: skip
    now = timezone.now()
    led = (
        Shift.objects.filter(
            activity__in=access.activities_run_by(user).values("pk"),
            activity__status=ActivityStatus.PUBLISHED,
            ends_at__gt=now,
        )
        .select_related("activity")
        .order_by("starts_at", "pk")[:MY_LIMIT]
    )
    context = {"volunteer": volunteer, "rows": rows, "led": list(led),
               "register_url": _register_url(), "now": now}  # fmt: skip
    return render(request, "volunteers/m_activity_mine.html", context)


# --- check-in and check-out ------------------------------------------------------------------


def _render_checkin(
    request: HttpRequest, token: str, *, shift: Shift | None, error: str = "", status: int = 200
) -> HttpResponse:
    volunteer = access.volunteer_of(request.user)
    record = signup = None
    if shift is not None and volunteer is not None:
        record = ServiceRecord.objects.filter(
            shift=shift, volunteer=volunteer, kind=RecordKind.ATTENDANCE
        ).first()
        signup = (
            Signup.objects.filter(shift=shift, volunteer=volunteer)
            .exclude(status=SignupStatus.CANCELLED)
            .first()
        )
    context = {
        "token": token, "shift": shift, "activity": shift.activity if shift else None,
        "volunteer": volunteer, "record": record, "signup": signup, "error": error,
        "register_url": _register_url(),
        "located": volunteer is not None and registration.has_location_consent(volunteer),
        "location_title": consent.LOCATION_CONSENT_TITLE,
        "location_summary": consent.LOCATION_CONSENT_SUMMARY,
        "location_sections": consent.LOCATION_CONSENT_SECTIONS,
        "location_version": consent.LOCATION_CONSENT_VERSION,
    }  # fmt: skip
    return render(request, "volunteers/m_activity_checkin.html", context, status=status)


@require_http_methods(["GET", "HEAD", "POST"])
def m_checkin(request: HttpRequest, token: str) -> HttpResponse:
    """扫码签到/签退: GET shows the shift and my state; POST checks in or out — with the phone's
    position (filled by geolocation) when the volunteer has consented to it, else by the code
    alone (the page first asks for that separate consent, and declining posts no position)."""
    try:
        shift = attendance.shift_from_token(token)
    except attendance.QrExpired as exc:
        return _render_checkin(request, token, shift=None, error=exc.detail, status=exc.status)
    if request.method in ("GET", "HEAD"):
        return _render_checkin(request, token, shift=shift)
    volunteer = access.volunteer_of(request.user)
    if volunteer is None:
        return _render_checkin(request, token, shift=shift, error=access.NOT_A_VOLUNTEER,
                               status=404)  # fmt: skip
    position = {
        "lat": request.POST.get("lat"), "lon": request.POST.get("lon"),
        "accuracy": request.POST.get("accuracy"), "crs": request.POST.get("crs") or "wgs84",
    }  # fmt: skip
    try:
        if request.POST.get("action") == "out":
            record = attendance.find_record(shift, volunteer)
            record = attendance.check_out(record, actor=request.user, **position)
            text = (
                f"您已于 {timezone.localtime(record.check_out_at):%H:%M} 签退"
                if record.repeated
                else f"签退成功，本次服务 {record.hours} 小时，待队伍审核确认"
            )
        else:
            record = attendance.check_in(shift, volunteer, actor=request.user, **position)
            at = timezone.localtime(record.check_in_at)
            text = f"您已于 {at:%H:%M} 签到" if record.repeated else f"签到成功（{at:%H:%M}）"
    except DomainError as exc:
        return _render_checkin(request, token, shift=shift, error=exc.detail, status=exc.status)
    messages.success(request, text)
    return redirect_after_write(request, reverse("volunteers_m:checkin", args=[token]))


# --- the leader's phone ----------------------------------------------------------------------


@require_safe
def m_shift_qr(request: HttpRequest, pk: int) -> HttpResponse:
    """The leader's phone: the shift's rotating QR code, refreshing itself."""
    shift = queries.led_shift(request.user, pk)
    return render(request, "volunteers/m_activity_qr.html", qr_context(request, shift))


# --- public ----------------------------------------------------------------------------------
