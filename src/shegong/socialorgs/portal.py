"""Who the organization portal speaks for: the organization an ``org_account`` user is bound to."""

from __future__ import annotations

from typing import Any

from shegong.core.errors import NotPermitted
from shegong.core.perms import Perm

from .models import OrgAccount, SocialOrg

NOT_LINKED = "您的账号尚未绑定社会组织，请联系登记管理机关绑定后再使用"


def is_org_account(user: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False)) and user.has_perm_in_scope(
        Perm.ORG_PORTAL
    )


def portal_org(user: Any) -> SocialOrg:
    """The organization ``user`` speaks for; NotPermitted (403) for any other user or an
    account not bound yet."""
    if not is_org_account(user):
        raise NotPermitted("此页面供社会组织账号使用")
    account = (
        OrgAccount.objects.filter(user=user)
        .select_related("social_org__organization__region")
        .first()
    )
    if account is None:
        raise NotPermitted(NOT_LINKED)
    return account.social_org
