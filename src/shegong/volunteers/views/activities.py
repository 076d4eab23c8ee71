"""Team workbench pages of activities: the list, the form with its shift editor, the activity
page (status, shifts with their roster and attendance), the QR display, the review queue and
the leader's attendance correction.

Thin adapters (STYLE.md rule 11). Reading: staff with volunteers.view see the activities of
their region scope, and a team's leader (usually a volunteer without a workbench role) those of
the teams they lead; anything else is the same 404 as a missing one. Writing goes through
``access.access_activity`` inside the actions (those who *run* the team), review through
``queries.activities.reviewable`` (activities.review in scope).
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Count, Prefetch, Q, QuerySet, Sum
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from shegong.core.errors import DomainError, InvalidInput, NotFound, NotPermitted
from shegong.core.htmx import redirect_after_write
from shegong.core.perms import Perm
from shegong.volunteers.actions import activities, attendance, signups, teams
from shegong.volunteers.choices import (
    ACTIVE_SIGNUP,
    ActivityStatus,
    RecordKind,
    RecordStatus,
    SignupStatus,
)
from shegong.volunteers.forms.activities import (
    ActivityFilterForm,
    ActivityForm,
    CancelForm,
    CorrectForm,
    PeopleServedForm,
    ReviewForm,
    SignupCancelForm,
    StaffSignupForm,
    activity_initial,
    activity_values,
    local_at,
    shift_rows,
    shifts_from_data,
)
from shegong.volunteers.models import Activity, ServiceRecord, Shift, Signup, Team
from shegong.volunteers.queries import access
from shegong.volunteers.queries import activities as queries
from shegong.web.forms import add_domain_error, run_action

PAGE_SIZE = 20


# --- who sees what ---------------------------------------------------------------------------


def _team_choices(user: Any) -> list[tuple[int, str]]:
    if user.has_perm_in_scope(Perm.VOLUNTEERS_VIEW):
        teams = Team.objects.visible_to(user) | access.teams_run_by(user)
    else:
        teams = access.teams_run_by(user)
    return [(t.pk, t.name) for t in teams.distinct().order_by("name")[:500]]


def _query(request: HttpRequest) -> str:
    params = request.GET.copy()
    params.pop("page", None)
    return params.urlencode()


# --- the list --------------------------------------------------------------------------------


def _filtered(user: Any, form: ActivityFilterForm) -> QuerySet:
    qs = queries.visible_activities(user)
    if not form.is_valid():
        return qs.none() if form.is_bound else qs
    data = form.cleaned_data
    if data.get("team"):
        qs = qs.filter(team_id=data["team"])
    if data.get("status"):
        qs = qs.filter(status=data["status"])
    if data.get("category"):
        qs = qs.filter(category=data["category"])
    if data.get("date_from"):
        qs = qs.filter(ends_at__date__gte=data["date_from"])
    if data.get("date_to"):
        qs = qs.filter(starts_at__date__lte=data["date_to"])
    text = (data.get("q") or "").strip()
    if text:
        qs = qs.filter(Q(title__icontains=text) | Q(address__icontains=text))
    return qs


@require_safe
def activity_list(request: HttpRequest) -> HttpResponse:
    """志愿服务活动: the activities in reach, filtered (``?team=<pk>`` from the team page)."""
    user = request.user
    queries.require_workbench(user)
    form = ActivityFilterForm(request.GET or None, teams=_team_choices(user))
    qs = _filtered(user, form)
    counts = qs.order_by().aggregate(
        total=Count("id"),
        pending=Count("id", filter=Q(status=ActivityStatus.PENDING)),
        published=Count("id", filter=Q(status=ActivityStatus.PUBLISHED)),
    )
    confirmed = Count(
        "shifts__signups", filter=Q(shifts__signups__status=SignupStatus.CONFIRMED), distinct=True
    )
    rows = (
        qs.select_related("team", "region")
        .annotate(confirmed=confirmed)
        .order_by("-starts_at", "-pk")
    )
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    per_activity = {
        row["activity"]: (row["n"], row["q"])
        for row in Shift.objects.filter(activity__in=[a.pk for a in page])
        .values("activity")
        .annotate(n=Count("id"), q=Sum("quota"))
    }
    context = {
        "form": form,
        "page": page,
        "rows": [(a, *per_activity.get(a.pk, (0, 0))) for a in page],
        "counts": counts,
        "query": _query(request),
        "can_create": access.teams_run_by(user).exists(),
        "now": timezone.now(),
    }
    return render(request, "volunteers/activity_list.html", context)


# --- the form --------------------------------------------------------------------------------


def _render_form(
    request: HttpRequest, form: ActivityForm, activity: Activity | None, source: Any, *,
    from_data: bool, shift_errors: list[str] | None = None, status: int = 200,
) -> HttpResponse:  # fmt: skip
    context = {
        "form": form,
        "activity": activity,
        "shift_rows": shift_rows(source, from_data=from_data),
        "shift_errors": shift_errors or [],
        "signed": queries.active_signups(activity) if activity is not None else 0,
    }
    return render(request, "volunteers/activity_form.html", context, status=status)


def _place_error(form: ActivityForm, exc: DomainError) -> list[str]:
    """Put a domain error on the form; return the shift editor's own messages."""
    shift_errors = [e["message"] for e in exc.errors if e.get("field") == "shifts"]
    rest = [e for e in exc.errors if e.get("field") != "shifts"]
    if rest or not shift_errors:
        add_domain_error(form, InvalidInput(exc.detail, errors=rest) if rest else exc)
    return shift_errors


@require_http_methods(["GET", "HEAD", "POST"])
def activity_new(request: HttpRequest) -> HttpResponse:
    """新建活动 (a draft) for a team the caller runs."""
    user = request.user
    teams = access.teams_run_by(user)
    if not teams.exists():
        raise NotPermitted("只有志愿服务队伍的负责人或管理人员可以发布活动")
    if request.method in ("GET", "HEAD"):
        initial: dict[str, Any] = {"radius_m": 300, "crs": "wgs84"}
        team = request.GET.get("team")
        if team and str(team).isdigit() and teams.filter(pk=team).exists():
            initial["team"] = int(team)
        form = ActivityForm(initial=initial, teams=teams)
        return _render_form(request, form, None, None, from_data=False)
    form = ActivityForm(request.POST, teams=teams)
    shifts, shift_errors = shifts_from_data(request.POST)
    if not form.is_valid() or shift_errors:
        return _render_form(request, form, None, request.POST, from_data=True,
                            shift_errors=shift_errors, status=422)  # fmt: skip
    try:
        activity = activities.create_activity(
            actor=user, team=form.cleaned_data["team"], shifts=shifts, **activity_values(form)
        )
    except DomainError as exc:
        errors = _place_error(form, exc)
        return _render_form(request, form, None, request.POST, from_data=True,
                            shift_errors=errors, status=exc.status)  # fmt: skip
    messages.success(request, f"已保存活动「{activity.title}」（草稿），提交审核后发布")
    return redirect_after_write(request, reverse("volunteers:activity", args=[activity.pk]))


def _changes(form: ActivityForm, activity: Activity, shifts: list[dict[str, Any]]) -> dict:
    """Only what the user changed: an unchanged field is not an edit (a published activity's
    time and place stay editable until someone signs up, and then only if untouched)."""
    values = activity_values(form)
    changed = set(form.changed_data)
    out = {k: v for k, v in values.items() if k in changed and k != "crs"}
    for field in ("starts_at", "ends_at"):  # the form shows minutes: same minute, no change
        if field in out and local_at(out[field]) == local_at(getattr(activity, field)):
            del out[field]
    if {"lat", "lon", "crs"} & changed:
        out.update(lat=values["lat"], lon=values["lon"], crs=values["crs"])
    existing = [
        (local_at(s.starts_at), local_at(s.ends_at), s.quota, s.pk) for s in activity.shifts.all()
    ]
    posted = [
        (local_at(s["starts_at"]), local_at(s["ends_at"]), s["quota"],
         int(s["id"]) if str(s["id"] or "").isdigit() else None)
        for s in shifts
    ]  # fmt: skip
    out.pop("quota", None)
    if shifts and posted != existing:
        out["shifts"] = shifts
    elif not shifts and "quota" in changed:
        out["quota"] = values["quota"]
    return out


@require_http_methods(["GET", "HEAD", "POST"])
def activity_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """修改活动 (those who run the team)."""
    user = request.user
    activity = queries.visible_activity(user, pk)
    if not queries.runs_activity(user, activity):
        raise NotFound(access.ACTIVITY_NOT_FOUND)
    teams = access.teams_run_by(user)
    if request.method in ("GET", "HEAD"):
        form = ActivityForm(initial=activity_initial(activity), teams=teams, activity=activity)
        return _render_form(request, form, activity, activity, from_data=False)
    form = ActivityForm(
        request.POST, initial=activity_initial(activity), teams=teams, activity=activity
    )
    shifts, shift_errors = shifts_from_data(request.POST)
    if not form.is_valid() or shift_errors:
        return _render_form(request, form, activity, request.POST, from_data=True,
                            shift_errors=shift_errors, status=422)  # fmt: skip
    try:
        activities.update_activity(activity, actor=user, **_changes(form, activity, shifts))
    except DomainError as exc:
        errors = _place_error(form, exc)
        return _render_form(request, form, activity, request.POST, from_data=True,
                            shift_errors=errors, status=exc.status)  # fmt: skip
    messages.success(request, f"已保存活动「{form.cleaned_data['title']}」")
    return redirect_after_write(request, reverse("volunteers:activity", args=[pk]))


# --- the activity page -----------------------------------------------------------------------


def _roster(activity: Activity) -> list[dict[str, Any]]:
    """Each shift with its sign-ups (confirmed, then the waitlist in order) and attendance."""
    now = timezone.now()
    records = {
        (r.shift_id, r.volunteer_id): r
        for r in ServiceRecord.objects.filter(activity=activity, kind=RecordKind.ATTENDANCE)
    }
    signups = Prefetch(
        "signups",
        queryset=Signup.objects.exclude(status=SignupStatus.CANCELLED)
        .select_related("volunteer__person")
        .order_by("created_at", "pk"),
        to_attr="active",
    )
    out = []
    for shift in activity.shifts.prefetch_related(signups).order_by("starts_at", "pk"):
        confirmed = [s for s in shift.active if s.status == SignupStatus.CONFIRMED]
        waiting = [s for s in shift.active if s.status == SignupStatus.WAITLISTED]
        rows = [(s, records.get((shift.pk, s.volunteer_id))) for s in confirmed]
        attended = [r for _, r in rows if r is not None]
        out.append({
            "shift": shift, "confirmed": rows, "waiting": waiting,
            "attended": len(attended), "hours": sum((r.hours for r in attended), start=0),
            "open": sum(1 for r in attended if r.status == "open"),
            "signup_open": activity.status == ActivityStatus.PUBLISHED and shift.starts_at > now,
        })  # fmt: skip
    return out


def _render_detail(
    request: HttpRequest, activity: Activity, *, cancel_form: CancelForm | None = None,
    served_form: PeopleServedForm | None = None, review_form: ReviewForm | None = None,
    signup_form: tuple[int, StaffSignupForm] | None = None, status: int = 200,
) -> HttpResponse:  # fmt: skip
    user = request.user
    now = timezone.now()
    runs = queries.runs_activity(user, activity)
    context = {
        "activity": activity,
        "skills": list(activity.required_skills.all()),
        "roster": _roster(activity),
        "runs": runs,
        "can_review": activity.status == ActivityStatus.PENDING
        and queries.reviewable(user).filter(pk=activity.pk).exists(),
        "started": activity.starts_at <= now,
        "ended": activity.ends_at <= now,
        "cancel_form": cancel_form or CancelForm(),
        "served_form": served_form
        or PeopleServedForm(initial={"people_served": activity.people_served}),
        "review_form": review_form or ReviewForm(initial={"decision": "approve"}),
        "pending_records": ServiceRecord.objects.filter(
            activity=activity, status=RecordStatus.PENDING
        ).count()
        if runs
        else 0,
        "signup_shift": signup_form[0] if signup_form else None,
        "signup_form": signup_form[1] if signup_form else StaffSignupForm(),
        "allowed": activities.ALLOWED.get(activity.status, set()),
        "checkin_open": activity.status == ActivityStatus.PUBLISHED and not activity.ends_at <= now,
    }
    return render(request, "volunteers/activity_detail.html", context, status=status)


@require_safe
def activity_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _render_detail(request, queries.visible_activity(request.user, pk))


@require_POST
def activity_submit(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    activity = queries.visible_activity(user, pk)
    try:
        activities.submit_activity(activity, actor=user)
    except DomainError as exc:
        messages.error(request, exc.detail)
        return _render_detail(request, activity, status=exc.status)
    messages.success(request, "已提交审核，审核通过后发布")
    return redirect_after_write(request, reverse("volunteers:activity", args=[pk]))


@require_POST
def activity_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    activity = queries.visible_activity(user, pk)
    form = CancelForm(request.POST)
    if not form.is_valid():
        return _render_detail(request, activity, cancel_form=form, status=422)
    done = run_action(
        form, activities.cancel_activity, activity, actor=user, reason=form.cleaned_data["reason"]
    )
    if form.errors:
        return _render_detail(request, activity, cancel_form=form, status=form.error_status)
    messages.success(request, f"已取消活动「{done.title}」，已通知报名的志愿者")
    return redirect_after_write(request, reverse("volunteers:activity", args=[pk]))


@require_POST
def activity_served(request: HttpRequest, pk: int) -> HttpResponse:
    """填写服务对象人次 (after the activity)."""
    user = request.user
    activity = queries.visible_activity(user, pk)
    form = PeopleServedForm(request.POST)
    if not form.is_valid():
        return _render_detail(request, activity, served_form=form, status=422)
    run_action(
        form, activities.update_activity,
        activity, actor=user, people_served=form.cleaned_data["people_served"],
    )  # fmt: skip
    if form.errors:
        return _render_detail(request, activity, served_form=form, status=form.error_status)
    messages.success(request, f"已记录服务对象 {form.cleaned_data['people_served']} 人次")
    return redirect_after_write(request, reverse("volunteers:activity", args=[pk]))


def _signup_done(signup: Signup) -> str:
    name = f"{signup.volunteer.person.name_masked}（{signup.volunteer.number}）"
    if signup.status == SignupStatus.WAITLISTED:
        return f"名额已满，已将{name}列入候补第 {queries.waitlist_position(signup)} 位"
    return f"已为{name}报名"


@require_POST
def shift_signup(request: HttpRequest, pk: int) -> HttpResponse:
    """代为报名: someone who runs the team signs a volunteer up by number (an elder without a
    smartphone, a volunteer who phoned in); the same rules as signing up on H5."""
    user = request.user
    shift = (
        Shift.objects.filter(pk=pk, activity__in=access.activities_run_by(user)).first()
        if str(pk).isdigit()
        else None
    )
    if shift is None:
        raise NotFound(access.ACTIVITY_NOT_FOUND)
    activity = queries.visible_activity(user, shift.activity_id)
    form = StaffSignupForm(request.POST)
    status = 422
    if form.is_valid():
        volunteer = teams.find_volunteer(form.cleaned_data["number"])
        if volunteer is None:
            form.add_error("number", "未找到该编号的志愿者，请核对志愿者编号")
        elif Signup.objects.filter(
            shift=shift, volunteer=volunteer, status__in=ACTIVE_SIGNUP
        ).exists():
            form.add_error("number", "该志愿者已在本班次的名单中")
        else:
            signup = run_action(form, signups.sign_up, shift, volunteer, actor=user)
            if form.errors:
                status = form.error_status
            else:
                messages.success(request, _signup_done(signup))
                url = reverse("volunteers:activity", args=[activity.pk]) + f"#shift-{shift.pk}"
                return redirect_after_write(request, url)
    return _render_detail(request, activity, signup_form=(shift.pk, form), status=status)


@require_POST
def signup_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    """代为取消报名, with a reason the volunteer is told; a freed place goes to the waitlist."""
    user = request.user
    signup = (
        Signup.objects.filter(pk=pk, shift__activity__in=access.activities_run_by(user))
        .select_related("volunteer__person", "shift")
        .first()
        if str(pk).isdigit()
        else None
    )
    if signup is None:
        raise NotFound("报名记录不存在")
    activity = queries.visible_activity(user, signup.shift.activity_id)
    form = SignupCancelForm(request.POST)
    if not form.is_valid():
        messages.error(request, "请填写取消报名的原因")
        return _render_detail(request, activity, status=422)
    try:
        signups.cancel_signup(signup, actor=user, reason=form.cleaned_data["reason"])
    except DomainError as exc:
        messages.error(request, exc.detail)
        return _render_detail(request, activity, status=exc.status)
    name = f"{signup.volunteer.person.name_masked}（{signup.volunteer.number}）"
    messages.success(request, f"已取消{name}的报名")
    url = reverse("volunteers:activity", args=[activity.pk]) + f"#shift-{signup.shift_id}"
    return redirect_after_write(request, url)


# --- review ----------------------------------------------------------------------------------


@require_safe
def review_queue(request: HttpRequest) -> HttpResponse:
    """活动审核: pending activities in the reviewer's scope, oldest first."""
    user = request.user
    if not user.has_perm_in_scope(Perm.ACTIVITIES_REVIEW):
        raise NotPermitted("您当前的角色没有审核活动的权限")
    qs = (
        queries.review_queue(user)
        .select_related("team", "region", "created_by")
        .prefetch_related("shifts", "required_skills")
    )
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "volunteers/activity_review.html", {"page": page})


@require_POST
def activity_review(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    if not user.has_perm_in_scope(Perm.ACTIVITIES_REVIEW):
        raise NotFound(access.ACTIVITY_NOT_FOUND)
    activity = queries.reviewable(user).select_related("team", "region").filter(pk=pk).first()
    if activity is None:
        raise NotFound(access.ACTIVITY_NOT_FOUND)
    form = ReviewForm(request.POST)
    if form.is_valid():
        approve = form.cleaned_data["decision"] == "approve"
        run_action(
            form, activities.review_activity,
            activity, actor=user, approve=approve, note=form.cleaned_data["note"],
        )  # fmt: skip
        if not form.errors:
            messages.success(request, "已发布活动" if approve else "已退回组织者修改")
            target = request.POST.get("next") == "queue"
            url = reverse("volunteers:review") if target else reverse(
                "volunteers:activity", args=[pk]
            )  # fmt: skip
            return redirect_after_write(request, url)
    return _render_detail(request, activity, review_form=form, status=422)


# --- the QR display --------------------------------------------------------------------------


def checkin_url(request: HttpRequest, shift: Shift) -> str:
    path = reverse("volunteers_m:checkin", args=[attendance.token_for(shift)])
    return request.build_absolute_uri(path)


def qr_context(request: HttpRequest, shift: Shift) -> dict[str, Any]:
    from django.conf import settings

    return {
        "shift": shift,
        "activity": shift.activity,
        "png_url": reverse("volunteers:activity_qr_png", args=[shift.pk]),
        "seconds": settings.SHEGONG_VOLUNTEER_QR_SECONDS,
        "refresh_in": attendance.refresh_in(),
        "checked_in": ServiceRecord.objects.filter(shift=shift, kind=RecordKind.ATTENDANCE).count(),
        "confirmed": shift.signups.filter(status=SignupStatus.CONFIRMED).count(),
    }


@require_safe
def shift_qr(request: HttpRequest, pk: int) -> HttpResponse:
    """签到二维码 for a screen at the venue or printing (refreshes itself)."""
    shift = queries.led_shift(request.user, pk)
    return render(request, "volunteers/activity_qr.html", qr_context(request, shift))


@require_safe
def shift_qr_png(request: HttpRequest, pk: int) -> HttpResponse:
    """The current QR code of a shift as PNG (never cached: it rotates)."""
    shift = queries.led_shift(request.user, pk)
    response = HttpResponse(
        attendance.qr_png(checkin_url(request, shift)), content_type="image/png"
    )
    response["Cache-Control"] = "no-store"
    return response


# --- attendance correction -------------------------------------------------------------------


def _render_correct(
    request: HttpRequest, record: ServiceRecord, form: CorrectForm, *, status: int = 200
) -> HttpResponse:
    context = {"record": record, "form": form, "activity": record.activity}
    return render(request, "volunteers/activity_correct.html", context, status=status)


@require_http_methods(["GET", "HEAD", "POST"])
def attendance_correct(request: HttpRequest, pk: int) -> HttpResponse:
    """更正签到/签退时间 with a reason (those who run the team; not once approved)."""
    user = request.user
    record = access.access_record(user, pk)
    record = ServiceRecord.objects.select_related(
        "activity", "shift", "volunteer__person"
    ).get(pk=record.pk)  # fmt: skip
    if request.method in ("GET", "HEAD"):
        initial = {
            "check_in_at": timezone.localtime(record.check_in_at) if record.check_in_at else None,
            "check_out_at": timezone.localtime(record.check_out_at)
            if record.check_out_at else None,
        }  # fmt: skip
        return _render_correct(request, record, CorrectForm(initial=initial))
    form = CorrectForm(request.POST)
    if not form.is_valid():
        return _render_correct(request, record, form, status=422)
    data = form.cleaned_data
    done = run_action(
        form, attendance.correct_attendance,
        record, actor=user, check_in_at=data["check_in_at"],
        check_out_at=data["check_out_at"], reason=data["reason"],
    )  # fmt: skip
    if form.errors:
        return _render_correct(request, record, form, status=form.error_status)
    messages.success(request, f"已更正签到记录，服务时长 {done.hours} 小时，待审核")
    url = reverse("volunteers:activity", args=[record.activity_id]) if record.activity_id else "/"
    return redirect_after_write(request, url)
