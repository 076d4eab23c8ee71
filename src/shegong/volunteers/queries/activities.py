"""The read side of activities, shared by the workbench pages, the H5 pages and the API: who
sees which activities (and who runs, reviews or shows the QR of one), places left, the waitlist,
the public view of an activity (never a person)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.db.models import Count, IntegerField, OuterRef, Q, QuerySet, Subquery, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone

from shegong.core import geo
from shegong.core.errors import NotFound, NotPermitted
from shegong.core.perms import Perm
from shegong.volunteers.choices import ACTIVE_SIGNUP, ActivityStatus, SignupStatus
from shegong.volunteers.models import Activity, Shift, Signup
from shegong.volunteers.queries import access


def visible_activities(user: Any) -> QuerySet:
    """Activities the caller may read on the workbench: in scope (volunteers.view) or of a
    team the caller runs (a leader without a workbench role sees their own teams' only)."""
    run = access.activities_run_by(user).values("pk")
    if user.has_perm_in_scope(Perm.VOLUNTEERS_VIEW):
        scoped = Activity.objects.visible_to(user).values("pk")
        return Activity.objects.filter(Q(pk__in=scoped) | Q(pk__in=run))
    return Activity.objects.filter(pk__in=run)


def require_workbench(user: Any) -> None:
    """Refuse (403) a caller who neither views volunteers in scope nor leads a team."""
    if not (user.has_perm_in_scope(Perm.VOLUNTEERS_VIEW) or access.led_team_ids(user)):
        raise NotPermitted("您当前的角色没有查看志愿服务活动的权限")


def visible_activity(user: Any, pk: Any) -> Activity:
    """An activity the caller may read on the workbench (``visible_activities``), else 403/404."""
    require_workbench(user)
    found = (
        visible_activities(user).select_related("team", "region").filter(pk=pk).first()
        if str(pk).isdigit()
        else None
    )
    if found is None:
        raise NotFound(access.ACTIVITY_NOT_FOUND)
    return found


def runs_activity(user: Any, activity: Activity) -> bool:
    """Whether the caller runs the activity's team (may edit it, sign people up, show the QR)."""
    return access.activities_run_by(user).filter(pk=activity.pk).exists()


def reviewable(user: Any) -> Any:
    """Activities the caller may review: in scope, with activities.review."""
    if not getattr(user, "is_authenticated", False) or not user.has_perm_in_scope(
        Perm.ACTIVITIES_REVIEW
    ):
        return Activity.objects.none()
    return Activity.objects.visible_to(user)


def review_queue(user: Any) -> QuerySet:
    """活动审核: pending activities the caller may review, the one starting soonest first (it
    must be decided before it starts). The workbench's to-do counts this very query."""
    return reviewable(user).filter(status=ActivityStatus.PENDING).order_by("starts_at", "pk")


def published_activity(user: Any, pk: Any) -> Activity:
    """A published (or since cancelled) activity; a draft only for those who run it."""
    activity = (
        Activity.objects.select_related("team", "region").filter(pk=pk).first()
        if str(pk).isdigit()
        else None
    )
    if activity is None:
        raise NotFound("活动不存在或尚未发布")
    public = activity.status == ActivityStatus.PUBLISHED or (
        activity.status == ActivityStatus.CANCELLED and activity.published_at is not None
    )
    if not public and not access.activities_run_by(user).filter(pk=activity.pk).exists():
        raise NotFound("活动不存在或尚未发布")
    return activity


def led_shift(user: Any, pk: Any) -> Shift:
    """A shift of an activity the caller runs (the QR is the leader's to show)."""
    shift = (
        Shift.objects.filter(activity__in=access.activities_run_by(user).values("pk"))
        .select_related("activity", "activity__team")
        .filter(pk=pk)
        .first()
        if str(pk).isdigit()
        else None
    )
    if shift is None:
        raise NotFound("班次不存在或不在您的管理范围内")
    return shift


def shift_counts(activity: Activity) -> list[Shift]:
    """The shifts with ``confirmed`` and ``waitlisted`` counts (one query)."""
    return list(
        activity.shifts.annotate(
            confirmed=Count("signups", filter=Q(signups__status=SignupStatus.CONFIRMED)),
            waitlisted=Count("signups", filter=Q(signups__status=SignupStatus.WAITLISTED)),
        ).order_by("starts_at", "pk")
    )


def active_signups(activity: Activity) -> int:
    """Confirmed and waitlisted sign-ups of the activity, all shifts."""
    return Signup.objects.filter(shift__activity=activity, status__in=ACTIVE_SIGNUP).count()


def waitlist_position(signup: Signup) -> int | None:
    """1 for the first in line; None unless waitlisted."""
    if signup.status != SignupStatus.WAITLISTED:
        return None
    ahead = Signup.objects.filter(
        shift_id=signup.shift_id, status=SignupStatus.WAITLISTED, created_at__lte=signup.created_at
    ).exclude(created_at=signup.created_at, pk__gt=signup.pk)
    return ahead.count()


def distance_m(activity: Activity, lat: float, lon: float) -> float:
    return geo.haversine_m(activity.lat, activity.lon, lat, lon)


def distance_label(metres: float) -> str:
    """ "约 850 米" (to 10 m) below a kilometre, "约 2.3 公里" above."""
    if metres < 1000:
        return f"约 {max(round(metres, -1), 10):.0f} 米"
    return f"约 {metres / 1000:.1f} 公里"


def with_places(qs: QuerySet) -> QuerySet:
    """Annotate ``quota_total`` and ``confirmed_total`` (two subqueries, no row multiplication)."""
    quota = (
        Shift.objects.filter(activity=OuterRef("pk"))
        .order_by()
        .values("activity")
        .annotate(q=Sum("quota"))
        .values("q")
    )
    confirmed = (
        Signup.objects.filter(shift__activity=OuterRef("pk"), status=SignupStatus.CONFIRMED)
        .order_by()
        .values("shift__activity")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return qs.annotate(
        quota_total=Coalesce(Subquery(quota, output_field=IntegerField()), 0),
        confirmed_total=Coalesce(Subquery(confirmed, output_field=IntegerField()), 0),
    )


def upcoming(now: datetime | None = None) -> QuerySet:
    """Published activities not yet ended, soonest first, with their places."""
    now = now or timezone.now()
    qs = Activity.objects.filter(status=ActivityStatus.PUBLISHED, ends_at__gt=now)
    return with_places(qs.select_related("team", "region")).order_by("starts_at", "pk")


def public_row(activity: Activity, *, distance: float | None = None) -> dict[str, Any]:
    """What anyone may see of a published activity (no person)."""
    quota = getattr(activity, "quota_total", 0) or 0
    confirmed = getattr(activity, "confirmed_total", 0) or 0
    return {
        "id": activity.pk,
        "title": activity.title,
        "category": activity.category,
        "category_label": activity.get_category_display(),
        "team": activity.team.name,
        "region": activity.region.name,
        "address": activity.address,
        "lat": activity.lat,
        "lon": activity.lon,
        "starts_at": activity.starts_at,
        "ends_at": activity.ends_at,
        "quota": quota,
        "places_left": max(quota - confirmed, 0),
        "risky": activity.risky,
        "distance_m": None if distance is None else round(distance),
        "distance_label": distance_label(distance) if distance is not None else "",
    }
