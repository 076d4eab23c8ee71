"""Accounts API: who am I (``/me``) and one's own API tokens.

Token creation is deliberately not ``@idempotent``: a replayable response would store the
token's plaintext in the idempotency table. A client that lost the answer revokes the unseen
token (listed by name and prefix) and creates another.
"""

from typing import Any

from django.http import HttpRequest
from ninja import Router
from ninja.pagination import paginate
from ninja.responses import Status

from shegong.core.api import SharedRateThrottle
from shegong.core.perms import PERMISSIONS, Perm
from shegong.core.schemas import PagePagination, problem_responses

from . import actions
from .models import ApiToken, Membership, User
from .queries import access_token
from .schemas import MembershipOut, MeOut, TokenCreated, TokenIn, TokenOut

router = Router()
ERRORS = problem_responses(400, 401, 403, 404, 422, 429)


def _membership(m: Membership) -> MembershipOut:
    return MembershipOut(
        id=m.pk,
        role=m.role,
        role_label=m.get_role_display(),
        region_code=m.region.code,
        region_name=m.region.name,
        region_level=m.region.level,
        department_code=m.department.code if m.department_id else None,
        department_name=m.department.name if m.department_id else None,
    )


@router.get("/me", response={200: MeOut, **ERRORS}, summary="当前用户", operation_id="me")
def me(request: HttpRequest) -> Any:
    """当前用户（姓名、手机号已脱敏）、全部角色授予、当前工作范围及其权限。"""
    user: User = request.auth
    active = user.active_membership
    if user.is_superuser:
        permissions = sorted(p.value for p in Perm)
    elif active is not None:
        permissions = sorted(p.value for p in PERMISSIONS[user.active_role])
    else:
        permissions = []
    return MeOut(
        id=user.pk,
        name=user.name,  # one's own name, unmasked: masking is for others
        phone=user.phone_masked,
        is_superuser=user.is_superuser,
        must_change_password=user.must_change_password,
        memberships=[_membership(m) for m in user.membership_list()],
        active_membership=_membership(active) if active else None,
        permissions=permissions,
    )


@router.get(
    "/tokens",
    response={200: list[TokenOut], **ERRORS},
    summary="我的访问令牌",
    operation_id="tokens_list",
)
@paginate(PagePagination)
def list_tokens(request: HttpRequest) -> Any:
    """本人的访问令牌（不含明文），最新的在前。"""
    return ApiToken.objects.filter(user=request.auth).order_by("-created_at", "-id")


@router.post(
    "/tokens",
    response={201: TokenCreated, **ERRORS},
    summary="创建访问令牌",
    operation_id="tokens_create",
    throttle=SharedRateThrottle("20/m", scope="tokens"),
)
def create_token(request: HttpRequest, payload: TokenIn) -> Any:
    """创建一个访问令牌；明文 `key` 只在此响应中出现一次。不支持 Idempotency-Key（不保存明文）。"""
    token, key = actions.create_token(request.auth, actor=request.auth, name=payload.name)
    return Status(201, TokenCreated(**TokenOut.model_validate(token).model_dump(), key=key))


@router.delete(
    "/tokens/{token_id}",
    response={200: TokenOut, **ERRORS},
    summary="吊销访问令牌",
    operation_id="tokens_revoke",
)
def revoke_token(request: HttpRequest, token_id: int) -> Any:
    """吊销本人的一个访问令牌（他人的令牌一律 404）。"""
    token = access_token(request.auth, token_id)
    return actions.revoke_token(token, actor=request.auth)
