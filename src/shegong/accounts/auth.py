"""API token authentication: ``Authorization: Bearer sg_…`` for apps and integrations."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from ninja.security import HttpBearer

from shegong.core.api import SCOPE_HEADER, TOKEN_TOUCH_INTERVAL, check_account
from shegong.core.errors import InvalidInput, NotFound

from .models import ApiToken


class TokenAuth(HttpBearer):
    """``Authorization: Bearer sg_…``: an unrevoked token of an active user.

    The scope is the user's first membership unless ``X-Shegong-Scope: <membership id>`` names
    another of their own memberships (the apps' scope switcher).
    """

    def authenticate(self, request: HttpRequest, token: str) -> Any:
        if not token:
            return None
        row = (
            ApiToken.objects.select_related("user")
            .filter(key_hash=ApiToken.hash(token), revoked_at=None, user__is_active=True)
            .first()
        )
        if row is None:
            return None
        now = timezone.now()
        if row.last_used_at is None or row.last_used_at < now - TOKEN_TOUCH_INTERVAL:
            # At most one write a minute per token, whatever the request rate.
            ApiToken.objects.filter(pk=row.pk).update(last_used_at=now)
        user = check_account(row.user)
        wanted = request.headers.get(SCOPE_HEADER)
        if wanted:
            if not wanted.strip().isdigit():
                raise InvalidInput.field(
                    SCOPE_HEADER, f"{SCOPE_HEADER} 应为角色授予（工作范围）的编号"
                )
            membership_id = int(wanted)
            if membership_id not in {m.pk for m in user.membership_list()}:
                raise NotFound("未找到该工作范围")
            user.activate_membership(membership_id)
        request.user = user
        return user
