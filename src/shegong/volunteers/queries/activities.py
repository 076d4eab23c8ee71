"""The read side of activities, shared by the workbench pages, the H5 pages and the API: who
sees which activities, places left, the public view of an activity (never a person)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.db.models import Count, IntegerField, OuterRef, Q, QuerySet, Subquery, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone

from shegong.core import geo
from shegong.core.errors import NotPermitted
from shegong.core.perms import Perm
from shegong.volunteers.actions.attendance import distance_label
from shegong.volunteers.choices import ActivityStatus, SignupStatus
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


def shift_counts(activity: Activity) -> list[Shift]:
    """The shifts with ``confirmed`` and ``waitlisted`` counts (one query)."""
    return list(
        activity.shifts.annotate(
            confirmed=Count("signups", filter=Q(signups__status=SignupStatus.CONFIRMED)),
            waitlisted=Count("signups", filter=Q(signups__status=SignupStatus.WAITLISTED)),
        ).order_by("starts_at", "pk")
    )


def distance_m(activity: Activity, lat: float, lon: float) -> float:
    return geo.haversine_m(activity.lat, activity.lon, lat, lon)


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
