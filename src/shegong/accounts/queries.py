"""Read side of accounts: access helpers shared by pages and the API."""

from __future__ import annotations

from typing import Any

from django.db.models import Q

from shegong.core.errors import NotFound
from shegong.core.perms import PERMISSIONS, Perm
from shegong.regions.models import Region, ancestor_codes

from .models import ApiToken, Department, Membership, User

USER_NOT_FOUND = "未找到该账号，或不在您的工作范围内"


def access_user(actor: Any, pk: int, *, for_write: bool = False) -> User:
    """An account visible to ``actor``; missing and out-of-scope are the same NotFound."""
    qs = User.objects.visible_to(actor)
    if for_write:
        qs = qs.select_for_update()
    user = qs.filter(pk=pk).first()
    if user is None:
        raise NotFound(USER_NOT_FOUND)
    return user


def access_token(actor: Any, pk: int) -> ApiToken:
    """One of the actor's own tokens; anybody else's is NotFound."""
    token = ApiToken.objects.filter(user=actor, pk=pk).first()
    if token is None:
        raise NotFound("未找到该访问令牌")
    return token


def department_queryset(actor: User):
    """Departments in the actor's scope, plus district-level ones above it (e.g. 城管局)."""
    if actor.is_superuser:
        return Department.objects.filter(is_active=True)
    membership = actor.active_membership
    if membership is None:
        return Department.objects.none()
    above = ancestor_codes(membership.region_id)
    return Department.objects.filter(is_active=True).filter(
        Q(pk__in=Department.objects.visible_to(actor).values("pk")) | Q(region_id__in=above)
    )


def communities_of(user: Any) -> list[Region]:
    """The communities a resident, volunteer or rider belongs to: the community of their active
    membership (a grid's parent; a street's communities). Where they may ask for a service,
    raise and support a topic."""
    membership = getattr(user, "active_membership", None)
    region = membership.region if membership is not None else None
    if region is None:
        return []
    if region.level == "community":
        return [region]
    if region.level == "grid" and region.parent is not None:
        return [region.parent]
    return list(
        Region.objects.subtree(region.prefix).filter(level="community").order_by("code")[:200]
    )


def holders(perm: Perm, region_code: str, *, inherited: bool = True) -> list[User]:
    """The active accounts holding a role that grants ``perm`` in the region — or, when
    ``inherited``, above it too (a street's staff oversee its communities): who is told of
    a community's alarms. Each account once, in id order."""
    roles = [role for role, perms in PERMISSIONS.items() if perm in perms]
    regions = ancestor_codes(region_code) if inherited else [region_code]
    rows = (
        Membership.objects.filter(role__in=roles, region_id__in=regions, user__is_active=True)
        .select_related("user")
        .order_by("user_id")
    )
    return list({m.user_id: m.user for m in rows}.values())
