"""The checks every action of the app starts with: the registrar's permission and scope
(``actor`` None is the system: demo data, the command line)."""

from __future__ import annotations

from shegong.accounts.models import User
from shegong.core.errors import NotFound
from shegong.core.perms import Perm, require_perm

from ..models import SocialOrg

NOT_FOUND = "未找到该社会组织，或您无权查看"


def _check_actor(actor: User | None) -> None:
    if actor is not None:
        require_perm(actor, Perm.SOCIALORGS_MANAGE)


def _check_scope(actor: User | None, social_org: SocialOrg) -> None:
    if actor is not None and not (
        SocialOrg.objects.visible_to(actor).filter(pk=social_org.pk).exists()
    ):
        raise NotFound(NOT_FOUND)
