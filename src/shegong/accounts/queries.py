"""Read side of accounts: access helpers shared by pages and the API."""

from __future__ import annotations

from typing import Any

from shegong.core.errors import NotFound

from .models import ApiToken, User

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
