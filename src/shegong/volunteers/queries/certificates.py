"""The read side of certificates (志愿服务记录证明) and of the volunteers' requests for one:
who sees which, the public check of a serial, the teams a volunteer may ask."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from django.db.models import Count, Min, Q, QuerySet, Sum
from django.utils import timezone

from shegong.core.errors import DomainError, NotFound
from shegong.core.perms import Perm
from shegong.volunteers.choices import CertificateRequestStatus as Status
from shegong.volunteers.choices import RecordKind, RecordStatus
from shegong.volunteers.models import (
    Certificate,
    CertificateRequest,
    ServiceRecord,
    Team,
    TeamMember,
    Volunteer,
)
from shegong.volunteers.queries import access
from shegong.volunteers.queries.hours import certifiable

CERTIFICATE_NOT_FOUND = "证明不存在或不在您的管理范围内"
REQUEST_NOT_FOUND = "证明申请不存在或不在您的管理范围内"
PUBLIC_NOT_FOUND = "未找到该证明"
PUBLIC_REVOKED = "该证明已作废"
SERIAL_RE = re.compile(r"^[A-Z0-9]{6,24}$")
TEAM_LIMIT = 50  # teams offered on the form; a volunteer serves with a handful
PII = ("volunteer__person__id_number", "volunteer__person__id_number_index")


class Revoked(DomainError):
    """A revoked certificate checked publicly (HTTP 410)."""

    status = 410
    title = "已作废"


# --- certificates -----------------------------------------------------------------------------


def certificates_visible_to(user: Any) -> QuerySet:
    """Certificates of the teams the user runs, and (with volunteers.view) of the teams in the
    user's region."""
    teams = access.teams_run_by(user).values("pk")
    qs = Certificate.objects.filter(team__in=teams)
    if getattr(user, "is_authenticated", False) and user.has_perm_in_scope(Perm.VOLUNTEERS_VIEW):
        qs = qs | Certificate.objects.filter(team__in=Team.objects.visible_to(user).values("pk"))
    return qs


def access_certificate(user: Any, pk: Any, *, for_write: bool = False) -> Certificate:
    """A certificate the user may see (``for_write``: one of a team the user runs, locked)."""
    if not str(pk).isdigit():
        raise NotFound(CERTIFICATE_NOT_FOUND)
    if for_write:
        qs = Certificate.objects.select_for_update().filter(
            team__in=access.teams_run_by(user).values("pk")
        )
    else:
        qs = certificates_visible_to(user)
    found = qs.select_related("volunteer__person", "team").filter(pk=pk).first()
    if found is None:
        raise NotFound(CERTIFICATE_NOT_FOUND)
    return found


def normalise_serial(serial: str) -> str:
    """A serial as a person types it: spaces and dashes dropped, upper case."""
    return re.sub(r"[\s\-－—]+", "", str(serial or "")).upper()


def verify(serial: str) -> Certificate:
    """The certificate a public serial names; unknown → NotFound, revoked → Revoked (410)."""
    text = normalise_serial(serial)
    found = (
        Certificate.objects.select_related("volunteer__person").filter(serial=text).first()
        if SERIAL_RE.match(text)
        else None
    )
    if found is None:
        raise NotFound(PUBLIC_NOT_FOUND)
    if found.revoked_at is not None:
        raise Revoked(PUBLIC_REVOKED)
    return found


def public_view(cert: Certificate) -> dict[str, Any]:
    """What anyone may see of a certificate: nothing that identifies the person beyond a
    masked name."""
    return {
        "serial": cert.serial,
        "name": cert.volunteer.person.name_masked,
        "hours": cert.hours,
        "period_start": cert.period_start,
        "period_end": cert.period_end,
        "issuer": cert.issuer_name,
        "issued_on": timezone.localdate(cert.issued_at),
        "status": "revoked" if cert.revoked_at else "valid",
        "status_label": "已作废" if cert.revoked_at else "有效",
    }


def content_summary(cert: Certificate, limit: int = 5) -> list[tuple[str, int, Decimal]]:
    """The main kinds of service the certificate covers: (content, times, hours)."""
    rows = (
        certifiable(cert.team_id, cert.volunteer_id)
        .filter(served_on__gte=cert.period_start, served_on__lte=cert.period_end)
        .exclude(kind=RecordKind.ADJUSTMENT)
        .values("content")
        .annotate(n=Count("pk"), h=Sum("hours"))
        .order_by("-h", "content")[:limit]
    )
    return [(r["content"], r["n"], Decimal(r["h"] or 0).quantize(Decimal("0.01"))) for r in rows]


# --- requests for a certificate ---------------------------------------------------------------


def requests_run_by(user: Any) -> QuerySet:
    """Requests to the teams the caller runs (staff in scope with volunteers.manage, leaders)."""
    return CertificateRequest.objects.filter(team__in=access.teams_run_by(user).values("pk"))


def queue(user: Any) -> QuerySet:
    """待受理的申请 of the caller's teams, oldest first."""
    return (
        requests_run_by(user)
        .filter(status=Status.REQUESTED)
        .select_related("volunteer__person", "team")
        .defer(*PII)
        .order_by("created_at", "pk")
    )


def publicity(user: Any) -> QuerySet:
    """记录证明公示 (internal): the requests in 公示 or held by an objection, of the teams the
    caller is a current member of or runs — never shown outside the issuing team."""
    member_of = TeamMember.objects.filter(
        volunteer__person__user_id=getattr(user, "pk", None), left_on__isnull=True
    ).values("team_id")
    teams = access.teams_run_by(user).values("pk")
    return (
        CertificateRequest.objects.filter(status__in=(Status.PUBLICITY, Status.HELD))
        .filter(Q(team__in=teams) | Q(team__in=member_of))
        .select_related("volunteer__person", "team")
        .defer(*PII)
        .order_by("publicity_ends_at", "pk")
    )


def access_publicity(user: Any, pk: Any, *, for_write: bool = False) -> CertificateRequest:
    """A request on the caller's 公示 list (``for_write``: locked); else NotFound."""
    pk = getattr(pk, "pk", pk)
    qs = publicity(user)
    if for_write:
        qs = (
            CertificateRequest.objects.select_for_update(of=("self",))
            .filter(pk__in=qs.values("pk"))
            .select_related("volunteer__person", "team")
        )
    found = qs.filter(pk=pk).first() if str(pk).isdigit() else None
    if found is None:
        raise NotFound(REQUEST_NOT_FOUND)
    return found


def publicity_ended(user: Any) -> QuerySet:
    """Requests of the caller's teams whose 公示 has ended without objection: to issue."""
    return requests_run_by(user).filter(
        status=Status.PUBLICITY, publicity_ends_at__lt=timezone.now()
    )


def access_request(user: Any, pk: Any, *, for_write: bool = False) -> CertificateRequest:
    """A request to a team the caller runs (``for_write``: locked); else NotFound."""
    pk = getattr(pk, "pk", pk)
    qs = requests_run_by(user)
    if for_write:
        qs = CertificateRequest.objects.select_for_update(of=("self",)).filter(
            pk__in=qs.values("pk")
        )
    found = (
        qs.select_related("volunteer__person", "team").defer(*PII).filter(pk=pk).first()
        if str(pk).isdigit()
        else None
    )
    if found is None:
        raise NotFound(REQUEST_NOT_FOUND)
    return found


def my_requests(volunteer: Volunteer) -> QuerySet:
    """The volunteer's own requests, newest first, with the certificate once issued."""
    return (
        CertificateRequest.objects.filter(volunteer=volunteer)
        .select_related("team", "certificate")
        .order_by("-created_at", "-pk")
    )


def access_my_request(user: Any, pk: Any, *, for_write: bool = False) -> CertificateRequest:
    """One of the caller's own requests (``for_write``: locked); anyone else's is NotFound."""
    pk = getattr(pk, "pk", pk)
    volunteer = access.volunteer_of(user)
    if volunteer is None or not str(pk).isdigit():
        raise NotFound(REQUEST_NOT_FOUND)
    qs = CertificateRequest.objects.filter(volunteer=volunteer, pk=pk)
    if for_write:
        qs = qs.select_for_update(of=("self",))
    found = qs.select_related("team").first()
    if found is None:
        raise NotFound(REQUEST_NOT_FOUND)
    return found


@dataclass(frozen=True)
class TeamHours:
    """A team the volunteer may ask: its certifiable hours and first service date."""

    team: Team
    hours: Decimal
    first_served_on: date


def requestable_teams(volunteer: Volunteer) -> list[TeamHours]:
    """The teams with approved, certifiable hours for the volunteer, most hours first.

    One query finds the teams with any approved record; each is then summed through
    ``queries.hours.certifiable`` (the one definition of what a team may certify), so a team whose
    only hours are transfers from elsewhere is not offered."""
    team_ids = list(
        ServiceRecord.objects.filter(volunteer=volunteer, status=RecordStatus.APPROVED)
        .values_list("team_id", flat=True)
        .distinct()
        .order_by()[:TEAM_LIMIT]
    )
    teams = Team.objects.in_bulk(team_ids)
    rows = []
    for team_id in team_ids:
        totals = certifiable(team_id, volunteer).aggregate(h=Sum("hours"), first=Min("served_on"))
        hours = Decimal(totals["h"] or 0).quantize(Decimal("0.01"))
        if hours > 0 and team_id in teams:
            rows.append(TeamHours(teams[team_id], hours, totals["first"]))
    rows.sort(key=lambda r: (-r.hours, r.team.name, r.team.pk))
    return rows
