"""Read side of 星级认定 (star awards): the staff lists and queues, one access helper for staff
and one for the volunteer's own applications, and the public publicity list.

Staff see the applications of volunteers whose service area is in their scope
(``StarAward.objects.visible_to``), with volunteers.view; deciding needs volunteers.manage.
Another street's application is the same 404 as a missing one.
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.utils import timezone

from shegong.core.errors import NotFound
from shegong.core.perms import Perm
from shegong.core.pii import mask_name
from shegong.volunteers.choices import OPEN_STAR_AWARD
from shegong.volunteers.choices import StarAwardStatus as Status
from shegong.volunteers.models import StarAward
from shegong.volunteers.queries import access
from shegong.volunteers.queries.notices import team_names
from shegong.volunteers.stars import star_name, stars_label

AWARD_NOT_FOUND = "星级认定申请不存在或不在您的管理范围内"
PII = ("volunteer__person__id_number", "volunteer__person__id_number_index")
PUBLIC_LIMIT = 200

# The staff list's tabs: what each shows.
TABS = {
    "review": "待审核",
    "publicity": "公示中",
    "due": "公示期满待认定",
    "done": "已办结",
}


def visible(user: Any) -> QuerySet[StarAward]:
    """Applications the caller may see (volunteers.view, volunteer in scope); none otherwise."""
    if not getattr(user, "is_authenticated", False) or not user.has_perm_in_scope(
        Perm.VOLUNTEERS_VIEW
    ):
        return StarAward.objects.none()
    return StarAward.objects.visible_to(user)


def listing(user: Any, tab: str, *, now: Any = None) -> QuerySet[StarAward]:
    """One tab of the staff list (``TABS``); the queues oldest first, the rest newest first."""
    now = now or timezone.now()
    qs = visible(user).select_related("volunteer__person", "region").defer(*PII)
    if tab == "review":
        return qs.filter(status=Status.APPLIED).order_by("applied_at", "pk")
    if tab == "publicity":
        return qs.filter(status=Status.PUBLICIZING, publicity_ends_at__gte=now).order_by(
            "publicity_ends_at", "pk"
        )
    if tab == "due":
        return qs.filter(status=Status.PUBLICIZING, publicity_ends_at__lt=now).order_by(
            "publicity_ends_at", "pk"
        )
    return qs.exclude(status__in=OPEN_STAR_AWARD).order_by("-applied_at", "-pk")


def to_review(user: Any) -> QuerySet[StarAward]:
    """The to-do: applications waiting for review, for staff who manage volunteers."""
    if not access.can_manage(user):
        return StarAward.objects.none()
    return listing(user, "review")


def to_award(user: Any, *, now: Any = None) -> QuerySet[StarAward]:
    """The to-do: publicity ended, waiting for 认定."""
    if not access.can_manage(user):
        return StarAward.objects.none()
    return listing(user, "due", now=now)


def access_award(user: Any, pk: Any, *, for_write: bool = False) -> StarAward:
    """An application in the caller's scope (``for_write``: locked, and volunteers.manage
    required); else NotFound — the same for missing and forbidden."""
    pk = getattr(pk, "pk", pk)
    qs = visible(user)
    if for_write:
        if not access.can_manage(user):
            raise NotFound(AWARD_NOT_FOUND)
        qs = StarAward.objects.select_for_update(of=("self",)).filter(pk__in=qs.values("pk"))
    found = (
        qs.select_related("volunteer__person", "region").defer(*PII).filter(pk=pk).first()
        if str(pk).isdigit()
        else None
    )
    if found is None:
        raise NotFound(AWARD_NOT_FOUND)
    return found


def mine(volunteer: Any) -> QuerySet[StarAward]:
    """The volunteer's own applications, newest first."""
    return StarAward.objects.filter(volunteer=volunteer).order_by("-applied_at", "-pk")


def access_my_award(user: Any, pk: Any, *, for_write: bool = False) -> StarAward:
    """One of the caller's own applications (``for_write``: locked); else NotFound."""
    pk = getattr(pk, "pk", pk)
    volunteer = access.volunteer_of(user)
    if volunteer is None or not str(pk).isdigit():
        raise NotFound(AWARD_NOT_FOUND)
    qs = StarAward.objects.filter(volunteer=volunteer, pk=pk)
    if for_write:
        qs = qs.select_for_update(of=("self",))
    found = qs.first()
    if found is None:
        raise NotFound(AWARD_NOT_FOUND)
    return found


def open_award(volunteer: Any) -> StarAward | None:
    return StarAward.objects.filter(volunteer=volunteer, status__in=OPEN_STAR_AWARD).first()


# --- the public publicity list --------------------------------------------------------------


def in_publicity(*, now: Any = None) -> QuerySet[StarAward]:
    """Applications in their publicity now (公示中, not yet ended)."""
    now = now or timezone.now()
    return StarAward.objects.filter(
        status=Status.PUBLICIZING, publicity_starts_at__lte=now, publicity_ends_at__gte=now
    ).order_by("publicity_ends_at", "pk")


def publicity_rows(*, now: Any = None, limit: int = PUBLIC_LIMIT) -> list[dict[str, Any]]:
    """What the public sees of the applications in publicity: masked name, star, team(s), the
    publicity's dates — no number, no hours, no phone."""
    awards = list(
        in_publicity(now=now)
        .select_related("volunteer__person")
        .only(
            "pk", "star", "volunteer_id", "publicity_starts_at", "publicity_ends_at",
            "volunteer__person__name",
        )[:limit]
    )  # fmt: skip
    teams = team_names([a.volunteer_id for a in awards])
    return [
        {
            "name": mask_name(a.volunteer.person.name),
            "star": a.star,
            "stars": stars_label(a.star),
            "star_name": star_name(a.star),
            "teams": teams.get(a.volunteer_id) or "—",
            "starts_on": timezone.localdate(a.publicity_starts_at),
            "ends_on": timezone.localdate(a.publicity_ends_at),
        }
        for a in awards
    ]
