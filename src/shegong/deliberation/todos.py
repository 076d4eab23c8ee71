"""The workbench's to-dos of deliberation (``core.registry.todos``). Each counts the very query
of the list it opens."""

from __future__ import annotations

from typing import Any

from django.utils.http import urlencode

from shegong.core.perms import Perm
from shegong.core.registry import Todo
from shegong.deliberation.queries import actions as action_queries
from shegong.deliberation.queries import is_staff
from shegong.deliberation.queries import meetings as meeting_queries
from shegong.deliberation.queries import topics as topic_queries

TOPICS_OVERDUE = {"clock": "overdue"}
TOPICS_DUE_SOON = {"clock": "due_soon"}
TOPICS_AGENDA = {"clock": "agenda"}


def topics_overdue(user: Any) -> int:
    return topic_queries.filter_topics(user, TOPICS_OVERDUE).count()


def topics_due_soon(user: Any) -> int:
    return topic_queries.filter_topics(user, TOPICS_DUE_SOON).count()


def topics_agenda(user: Any) -> int:
    return topic_queries.filter_topics(user, TOPICS_AGENDA).count()


def months_without_meeting(user: Any) -> int:
    if not is_staff(user):
        return 0
    return len(meeting_queries.months_without_meeting(user))


def actions_overdue(user: Any) -> int:
    return action_queries.overdue(user).count()


TODOS = [
    # topics
    Todo(
        "deliberation.topics_overdue", "超时未答复的议题", topics_overdue, "deliberation:topics",
        urlencode(TOPICS_OVERDUE), order=70, perm=Perm.DELIBERATION_MANAGE, icon="alarm",
        hint="已过答复时限仍未答复的居民议题",
    ),
    Todo(
        "deliberation.topics_due_soon", "即将超时的待答复议题", topics_due_soon,
        "deliberation:topics", urlencode(TOPICS_DUE_SOON), order=71,
        perm=Perm.DELIBERATION_MANAGE, icon="hourglass-split",
        hint="一个工作日内到期的待答复议题",
    ),
    Todo(
        "deliberation.topics_agenda", "达到上会支持数的议题", topics_agenda, "deliberation:topics",
        urlencode(TOPICS_AGENDA), order=72, perm=Perm.DELIBERATION_MANAGE, icon="people",
        hint="支持数已达到社区设置，请列入下次议事会议程",
    ),
    # meetings (议事会)
    Todo(
        "deliberation.cadence", "本月尚未召开议事会的社区", months_without_meeting,
        "deliberation:cadence_missing", "", order=75, perm=Perm.DELIBERATION_MANAGE,
        icon="calendar-x", hint="按“一月一会”制度，本月还没有召开（结束）议事会的社区",
    ),
    # 落地实事
    Todo(
        "deliberation.actions_overdue", "逾期未完成的落地实事", actions_overdue,
        "deliberation:actions", "overdue=1", order=76, perm=Perm.DELIBERATION_MANAGE,
        icon="alarm", hint="已过完成时限、尚未落实或调整时限的实事",
    ),
]  # fmt: skip
