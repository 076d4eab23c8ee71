"""Who issues a 志愿服务记录证明 (民发〔2015〕149号: the issuer is 依法设立).

Before issue 18 the issuer was simply the team that recorded the hours, whatever it was. Now:

1. **A registered organization.** The team, or the nearest team above it (``Team.parent``), whose
   ``organization`` (依托单位/登记的社会组织) is in the ledger with a 统一社会信用代码 issues in
   that organization's name. A grassroots team that is not registered itself thus issues through
   its registered parent or supporting organization.
2. **An authority.** Otherwise staff who manage volunteers (not a team's leader) issue in the
   name of the office of the team's community or street: the nearest region above the team (its
   own first) that has an issuer profile, within the staff's scope.
3. Anything else is refused with what to do (``NoIssuer``).

The issuer's profile (``CertificateIssuer``) holds the seal image and the names of the
responsible person and the handler; a profile missing any of them refuses too.
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from shegong.core.errors import DomainError, NotFound
from shegong.core.perms import Perm
from shegong.core.scope import scope_prefix
from shegong.regions.models import ancestor_codes
from shegong.volunteers.models import CertificateIssuer, Team
from shegong.volunteers.queries import access

ISSUER_NOT_FOUND = "出具单位不存在或不在您的管理范围内"
PARENT_DEPTH = 5  # a team's chain of parents is short; a cycle never loops for ever


class NoIssuer(DomainError):
    """No 依法设立 issuer with a complete profile for the team (HTTP 409)."""

    title = "没有可出具证明的单位"


def registered_issuer_org(team: Team) -> Any:
    """The registered organization the team issues through: its own, else its nearest parent's
    (one with a 统一社会信用代码); None when there is none."""
    seen: set[int] = set()
    current: Team | None = team
    while current is not None and current.pk not in seen and len(seen) < PARENT_DEPTH:
        seen.add(current.pk)
        org = current.organization
        if org is not None and org.credit_code:
            return org
        current = current.parent
    return None


def _staff_prefix(actor: Any, team: Team) -> str | None:
    """The scope of an actor who may issue as an authority for ``team``: staff with
    volunteers.manage whose region holds the team; None for anyone else (a leader)."""
    if actor is None:
        return ""
    if not access.can_manage(actor):
        return None
    prefix = scope_prefix(actor)
    if prefix is None or not team.region_id.startswith(prefix):
        return None
    return prefix


def issuer_for(team: Team, actor: Any) -> CertificateIssuer:
    """The complete issuer profile a certificate of ``team`` is issued under by ``actor``
    (``None``: the demo or command line, as staff); ``NoIssuer`` says what to do otherwise."""
    org = registered_issuer_org(team)
    if org is not None:
        profile = CertificateIssuer.objects.filter(organization=org).first()
        if profile is None:
            raise NoIssuer(
                f"「{org.name}」还没有登记出具单位信息：请在“记录证明 → 出具单位”中上传印章图片，"
                "填写单位负责人和经办人后再出具"
            )
        return _complete(profile)
    prefix = _staff_prefix(actor, team)
    if prefix is None:
        raise NoIssuer(
            f"「{team.name}」未依法登记，也没有已登记的上级组织，不能以本队伍名义出具证明：请在队伍"
            "资料中关联已登记的社会组织（有统一社会信用代码）或已登记的上级队伍，或请社区/街道"
            "工作人员以社区居委会、街道办事处名义出具"
        )
    codes = [c for c in ancestor_codes(team.region_id) if c.startswith(prefix)]
    profiles = {p.region_id: p for p in CertificateIssuer.objects.filter(region_id__in=codes)}
    nearest = next((profiles[c] for c in reversed(codes) if c in profiles), None)
    if nearest is None:
        raise NoIssuer(
            f"「{team.name}」未依法登记，也没有已登记的上级组织；以社区居委会、街道办事处名义出具"
            "前，请先在“记录证明 → 出具单位”中登记本社区或街道的印章、负责人和经办人"
        )
    return _complete(nearest)


def _complete(profile: CertificateIssuer) -> CertificateIssuer:
    lacks = profile.missing
    if lacks:
        raise NoIssuer(
            f"出具单位「{profile.name}」缺少{'、'.join(lacks)}，不能出具证明：请在“记录证明 → "
            "出具单位”中补全"
        )
    return profile


# --- who edits which profile ------------------------------------------------------------------


def editable_organizations(user: Any) -> QuerySet:
    """Registered organizations whose profile the caller keeps: those of the teams they run."""
    from shegong.ledger.models import Organization

    teams = access.teams_run_by(user).filter(organization__credit_code__isnull=False)
    return Organization.objects.filter(pk__in=teams.values("organization_id")).exclude(
        credit_code=""
    )


def editable_regions(user: Any) -> list[str]:
    """The region codes whose office the caller may speak for: the caller's own region (staff
    with volunteers.manage)."""
    if user is None or not access.can_manage(user):
        return []
    if user.is_superuser and user.active_membership is None:
        return []
    membership = user.active_membership
    return [membership.region_id] if membership is not None else []


def issuers_visible_to(user: Any) -> QuerySet:
    """The profiles the caller may see and edit."""
    orgs = editable_organizations(user).values("pk")
    regions = editable_regions(user)
    return CertificateIssuer.objects.filter(
        organization__in=orgs
    ) | CertificateIssuer.objects.filter(region_id__in=regions)


def access_issuer(user: Any, pk: Any) -> CertificateIssuer:
    found = (
        issuers_visible_to(user).select_related("organization", "region").filter(pk=pk).first()
        if str(pk).isdigit()
        else None
    )
    if found is None:
        raise NotFound(ISSUER_NOT_FOUND)
    return found


def may_keep_issuers(user: Any) -> bool:
    return bool(editable_regions(user)) or (
        user.has_perm_in_scope(Perm.VOLUNTEERS_VIEW) or bool(access.led_team_ids(user))
    )
