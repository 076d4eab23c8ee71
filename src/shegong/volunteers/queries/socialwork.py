"""The read side of professional social workers: who sees which social worker and pairing, the
current stationings and pairings, the agencies, the overview of a scope."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db.models import Q, QuerySet
from django.utils import timezone

from shegong.core.errors import NotFound
from shegong.core.perms import Perm, require_perm
from shegong.ledger.choices import OrgKind, OrgStatus
from shegong.ledger.models import Organization
from shegong.volunteers.choices import Qualification
from shegong.volunteers.models import Pairing, SocialWorker, Stationing

SW_NOT_FOUND = "专业社工不存在或不在您的管理范围内"
PAIRING_NOT_FOUND = "结对记录不存在或不在您的管理范围内"


def _authenticated(user: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False))


def own_social_worker(user: Any) -> SocialWorker | None:
    if not _authenticated(user):
        return None
    return SocialWorker.objects.filter(person__user=user).select_related("person").first()


def social_workers_visible(user: Any) -> QuerySet:
    """Staff with volunteers.view: those registered in their scope and those stationed at or
    paired with a community of it today (an agency's social worker registered elsewhere works
    here, and the street counts them: ``overview``); anyone: their own record. Changing a
    record stays with the staff of the region it is registered in (``access_social_worker``)."""
    own = SocialWorker.objects.filter(person__user=user) if _authenticated(user) else None
    if _authenticated(user) and user.has_perm_in_scope(Perm.VOLUNTEERS_VIEW):
        scoped = SocialWorker.objects.visible_to(user)
        working_here = current(Stationing.objects.visible_to(user)).values("social_worker_id")
        paired_here = current(Pairing.objects.visible_to(user)).values("social_worker_id")
        return SocialWorker.objects.filter(
            Q(pk__in=scoped.values("pk")) | Q(pk__in=own.values("pk"))
            | Q(pk__in=working_here) | Q(pk__in=paired_here)
        )  # fmt: skip
    return own if own is not None else SocialWorker.objects.none()


def may_manage(user: Any) -> bool:
    return _authenticated(user) and user.has_perm_in_scope(Perm.SOCIAL_WORK_MANAGE)


def access_social_worker(user: Any, pk: Any, *, manage: bool = False) -> SocialWorker:
    """A social worker the caller may see (``manage``: change, as staff in scope)."""
    if manage:
        require_perm(user, Perm.SOCIAL_WORK_MANAGE)
        qs = SocialWorker.objects.visible_to(user)
    else:
        qs = social_workers_visible(user)
    found = (
        qs.select_related("person", "employer", "region").filter(pk=pk).first()
        if str(pk).isdigit()
        else None
    )
    if found is None:
        raise NotFound(SW_NOT_FOUND)
    return found


def access_pairing(user: Any, pk: Any) -> Pairing:
    """A pairing the caller may log guidance for: their own, or any in scope with
    socialwork.manage."""
    qs = Pairing.objects.select_related("social_worker__person", "region")
    pairing = qs.filter(pk=pk).first() if str(pk).isdigit() else None
    if pairing is None:
        raise NotFound(PAIRING_NOT_FOUND)
    if user is None:
        return pairing
    if _authenticated(user) and pairing.social_worker.person.user_id == user.pk:
        return pairing
    if may_manage(user) and (
        SocialWorker.objects.visible_to(user).filter(pk=pairing.social_worker_id).exists()
    ):
        return pairing
    raise NotFound(PAIRING_NOT_FOUND)


def employers() -> QuerySet:
    """Social-work agencies: the ledger's registered social organisations (public names)."""
    return Organization.objects.filter(kind=OrgKind.SOCIAL_ORG, status=OrgStatus.ACTIVE).order_by(
        "name"
    )


def current(qs: QuerySet, on: date | None = None) -> QuerySet:
    on = on or timezone.localdate()
    return qs.filter(starts_on__lte=on).filter(Q(ends_on__isnull=True) | Q(ends_on__gte=on))


def overview(user: Any) -> dict[str, int]:
    """驻点社工 N 名 / 覆盖社区 M 个 / 结对 K 对 — in the caller's scope, today."""
    stationed = current(Stationing.objects.visible_to(user))
    return {
        "stationed_workers": stationed.values("social_worker").distinct().count(),
        "covered_communities": stationed.values("region").distinct().count(),
        "pairings": current(Pairing.objects.visible_to(user)).count(),
        "senior": social_workers_visible(user).filter(qualification=Qualification.SENIOR).count(),
    }
