"""Read side of deliberation: who may see and manage what, a community's settings, and the
access helpers the pages and the API share (missing and out-of-scope are the same NotFound)."""

from __future__ import annotations

from typing import Any

from django.conf import settings as django_settings
from django.db.models import QuerySet

from shegong.accounts.queries import communities_of, holders
from shegong.core.errors import NotFound
from shegong.core.perms import Perm
from shegong.deliberation.models import ActionItem, CommunitySettings, Meeting, Topic

__all__ = [
    "access_action", "access_meeting", "access_topic", "actions_for_staff", "communities_of",
    "is_staff", "managers_of", "may_manage", "meetings_for_staff", "settings_for",
    "topics_for_staff",
]  # fmt: skip

TOPIC_NOT_FOUND = "未找到该议题"
MEETING_NOT_FOUND = "未找到该议事会"
ACTION_NOT_FOUND = "未找到该落地实事"


def is_staff(user: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False)) and user.has_perm_in_scope(
        Perm.DELIBERATION_VIEW
    )


def may_manage(user: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False)) and user.has_perm_in_scope(
        Perm.DELIBERATION_MANAGE
    )


def settings_for(region: Any) -> CommunitySettings:
    """The community's settings row, or an unsaved one with the deployment's defaults
    (``SHEGONG_DELIBERATION``: support_threshold, answer_workdays)."""
    code = getattr(region, "code", region)
    found = CommunitySettings.objects.filter(region_id=code).first()
    if found is not None:
        return found
    defaults = getattr(django_settings, "SHEGONG_DELIBERATION", {})
    return CommunitySettings(
        region_id=code,
        support_threshold=defaults.get("support_threshold", 10),
        answer_workdays=defaults.get("answer_workdays", 5),
    )


def topics_for_staff(user: Any) -> QuerySet[Topic]:
    if not is_staff(user):
        return Topic.objects.none()
    return Topic.objects.visible_to(user)


def meetings_for_staff(user: Any) -> QuerySet[Meeting]:
    if not is_staff(user):
        return Meeting.objects.none()
    return Meeting.objects.visible_to(user)


def actions_for_staff(user: Any) -> QuerySet[ActionItem]:
    if not is_staff(user):
        return ActionItem.objects.none()
    return ActionItem.objects.visible_to(user)


def _access(qs: QuerySet, pk: Any, message: str, *, for_write: bool, user: Any) -> Any:
    if not str(pk).isdigit():
        raise NotFound(message)
    if for_write and not may_manage(user):
        raise NotFound(message)
    found = qs.filter(pk=pk).first()
    if found is None:
        raise NotFound(message)
    return found


def access_topic(user: Any, pk: Any, *, for_write: bool = False) -> Topic:
    """A topic in the staff member's scope (for_write: and they may manage)."""
    qs = topics_for_staff(user).select_related("region", "category", "merged_into")
    return _access(qs, pk, TOPIC_NOT_FOUND, for_write=for_write, user=user)


def access_meeting(user: Any, pk: Any, *, for_write: bool = False) -> Meeting:
    qs = meetings_for_staff(user).select_related("region")
    return _access(qs, pk, MEETING_NOT_FOUND, for_write=for_write, user=user)


def access_action(user: Any, pk: Any, *, for_write: bool = False) -> ActionItem:
    qs = actions_for_staff(user).select_related("region", "category", "topic", "parent")
    return _access(qs, pk, ACTION_NOT_FOUND, for_write=for_write, user=user)


def managers_of(community_code: str) -> list[Any]:
    """The active accounts holding ``deliberation.manage`` in the community or above it: who is
    told of its topics reaching the agenda and of a month without a meeting."""
    return holders(Perm.DELIBERATION_MANAGE, community_code)
