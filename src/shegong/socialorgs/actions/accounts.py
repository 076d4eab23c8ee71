"""Tie an ``org_account`` user to the organization it speaks for, or untie it.

The account itself is opened by an account manager (role 社会组织账号); the registrar then binds
it here, so the organization portal knows whose reports and applications the user files.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction

from shegong.accounts.models import User
from shegong.core import audit
from shegong.core.audit import Verb
from shegong.core.errors import DomainError, InvalidInput, NotFound
from shegong.core.perms import Role

from ..models import OrgAccount, SocialOrg
from ._checks import _check_actor, _check_scope

__all__ = ["link_org_account", "unlink_org_account"]


@transaction.atomic(durable=True)
def link_org_account(social_org: SocialOrg, phone: Any, *, actor: User | None) -> OrgAccount:
    """Bind the user with ``phone`` (who holds the 社会组织账号 role) to ``social_org``."""
    _check_actor(actor)
    _check_scope(actor, social_org)
    text = str(phone or "").strip()
    if not text:
        raise InvalidInput.field("phone", "请填写组织账号的手机号")
    user = User.objects.filter(phone=text, is_active=True).first()
    if user is None:
        raise InvalidInput.field("phone", f"未找到手机号为 {text} 的有效账号，请先由账号管理员开通")
    if not user.memberships.filter(role=Role.ORG_ACCOUNT).exists():
        raise InvalidInput.field(
            "phone", f"账号 {text} 没有“社会组织账号”角色，请先由账号管理员授予"
        )
    existing = OrgAccount.objects.filter(user=user).select_related("social_org__organization")
    found = existing.first()
    if found is not None:
        if found.social_org_id == social_org.pk:
            raise DomainError(f"账号 {text} 已绑定本组织")
        raise DomainError(f"账号 {text} 已绑定“{found.social_org}”，请先解绑")
    account = OrgAccount.objects.create(user=user, social_org=social_org)
    audit.record(
        Verb.ORG_ACCOUNT_LINKED,
        actor=actor,
        target=social_org,
        region=social_org.organization.region_id,
        data={"user": user.pk},
    )
    return account


@transaction.atomic(durable=True)
def unlink_org_account(social_org: SocialOrg, account_id: int, *, actor: User | None) -> None:
    _check_actor(actor)
    _check_scope(actor, social_org)
    account = OrgAccount.objects.filter(pk=account_id, social_org=social_org).first()
    if account is None:
        raise NotFound("未找到该组织账号")
    user_id = account.user_id
    account.delete()
    audit.record(
        Verb.ORG_ACCOUNT_UNLINKED,
        actor=actor,
        target=social_org,
        region=social_org.organization.region_id,
        data={"user": user_id},
    )
