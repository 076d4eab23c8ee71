"""Reads of social organizations, always scoped to the reader (``core.scope``)."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from shegong.core.errors import NotFound
from shegong.core.models import AuditEvent
from shegong.core.perms import Perm, require_perm
from shegong.ledger.choices import OrgKind, OrgStatus
from shegong.ledger.models import Organization
from shegong.regions.models import Region

from .models import SocialOrg

NOT_FOUND = "未找到该社会组织，或您无权查看"


def social_orgs(user: Any) -> QuerySet[SocialOrg]:
    require_perm(user, Perm.SOCIALORGS_VIEW)
    return SocialOrg.objects.visible_to(user).select_related("organization", "organization__region")


def filtered(
    user: Any,
    *,
    org_type: str = "",
    status: str = "",
    region: str = "",
    grade: str = "",
    q: str = "",
    registered_year: int | str | None = None,
    closed_year: int | str | None = None,
) -> QuerySet[SocialOrg]:
    """The registrar's list with its filters (type, status, region subtree, grade, a search
    by name or credit code, the year of registration, the year of 撤销/吊销/注销)."""
    qs = social_orgs(user)
    if registered_year:
        qs = qs.filter(registered_on__year=int(registered_year))
    if closed_year:
        qs = qs.filter(closed_on__year=int(closed_year))
    if org_type:
        qs = qs.filter(org_type=org_type)
    if status:
        qs = qs.filter(status=status)
    if grade:
        qs = qs.filter(grade=grade)
    if region:
        found = Region.objects.filter(code=region).first()
        qs = qs.in_region(found.prefix) if found is not None else qs.none()
    if q:
        text = q.strip()
        qs = qs.filter(organization__name__icontains=text) | qs.filter(
            organization__credit_code=text.upper()
        )
    return qs.order_by("organization__name", "pk")


def unregistered(user: Any, q: str = "") -> QuerySet[Organization]:
    """Active ledger organizations of kind 社会组织 in scope with no registration record here:
    the census found them; the registrar registers each (``register_social_org`` adopts the
    ledger's row by its credit code) or has its kind corrected in the ledger. Oldest first."""
    require_perm(user, Perm.SOCIALORGS_VIEW)
    qs = Organization.objects.visible_to(user).filter(
        kind=OrgKind.SOCIAL_ORG, status=OrgStatus.ACTIVE, social_org__isnull=True
    )
    if q.strip():
        text = q.strip()
        qs = qs.filter(name__icontains=text) | qs.filter(credit_code=text.upper())
    return qs.select_related("region").order_by("created_at", "pk")


def access_social_org(user: Any, pk: int) -> SocialOrg:
    """The organization, or NotFound for one missing and one outside the scope alike."""
    found = social_orgs(user).filter(pk=pk).first()
    if found is None:
        raise NotFound(NOT_FOUND)
    return found


def history(social_org: SocialOrg) -> QuerySet[AuditEvent]:
    """Every change of the record, newest first: its audit trail is the one history."""
    return AuditEvent.objects.filter(
        target_type="socialorgs.socialorg", target_id=str(social_org.pk)
    ).order_by("-at", "-pk")
