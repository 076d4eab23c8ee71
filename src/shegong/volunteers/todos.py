"""The workbench's to-dos of volunteer service (``core.registry.todos``): activities waiting
for review, service records waiting for a team's confirmation, certificate requests waiting
for an answer, certificates whose internal 公示 has ended, volunteers' 异议 on their
records, star applications to review and stars whose publicity ended (to 认定). Each
counts the very query of the list it opens; a team's leader (no workbench role) sees the
records, certificate requests, certificates to issue and 异议 of the teams they lead."""

from __future__ import annotations

from typing import Any

from shegong.core.perms import Perm
from shegong.core.registry import Todo
from shegong.volunteers.queries import access
from shegong.volunteers.queries import activities as activity_queries
from shegong.volunteers.queries import certificates as certificate_queries
from shegong.volunteers.queries import disputes as dispute_queries
from shegong.volunteers.queries import hours as hours_queries
from shegong.volunteers.queries import star_awards as star_award_queries


def activities_to_review(user: Any) -> int:
    return activity_queries.review_queue(user).count()


def records_to_confirm(user: Any) -> int:
    return hours_queries.queue(user, sort=hours_queries.OLDEST).count()


def certificate_requests(user: Any) -> int:
    return certificate_queries.queue(user).count()


def certificates_to_issue(user: Any) -> int:
    """Requests whose internal 公示 has ended without objection."""
    return certificate_queries.publicity_ended(user).count()


def disputes_to_answer(user: Any) -> int:
    return dispute_queries.worklist(user).count()


def star_awards_to_review(user: Any) -> int:
    return star_award_queries.to_review(user).count()


def star_awards_to_award(user: Any) -> int:
    return star_award_queries.to_award(user).count()


TODOS = [
    Todo(
        "volunteers.review", "待审核的志愿服务活动", activities_to_review, "volunteers:review",
        order=40, perm=Perm.ACTIVITIES_REVIEW, icon="clipboard-check",
        hint="队伍提交、等待审核发布的活动（开始最早的在前）",
    ),
    Todo(
        "volunteers.records", "待确认的服务时长", records_to_confirm, "volunteers:records",
        f"sort={hours_queries.OLDEST}", order=41, perm=Perm.VOLUNTEERS_MANAGE,
        or_if=access.leads_a_team, icon="hourglass-split",
        hint="签退后等待队伍确认的服务记录",
    ),
    Todo(
        "volunteers.certificate_requests", "待出具的记录证明", certificate_requests,
        "volunteers:certificates", order=42, perm=Perm.VOLUNTEERS_MANAGE,
        or_if=access.leads_a_team, icon="patch-check", hint="志愿者申请、等待答复的记录证明",
    ),
    Todo(
        "volunteers.certificates_to_issue", "公示期满待出具的记录证明", certificates_to_issue,
        "volunteers:certificates", order=43, perm=Perm.VOLUNTEERS_MANAGE,
        or_if=access.leads_a_team, icon="patch-check",
        hint="内部公示已期满、没有异议，可以出具的记录证明",
    ),
    Todo(
        "volunteers.disputes", "待答复的服务记录异议", disputes_to_answer, "volunteers:disputes",
        order=44, perm=Perm.VOLUNTEERS_MANAGE, or_if=access.leads_a_team,
        icon="exclamation-diamond", hint="志愿者对本队伍服务记录提出的异议，超期标红",
    ),
    Todo(
        "volunteers.star_review", "待审核的星级认定申请", star_awards_to_review,
        "volunteers:star_awards", "tab=review", order=45, perm=Perm.VOLUNTEERS_MANAGE,
        icon="star", hint="志愿者申请（或工作人员代为申请）、等待审核的星级认定",
    ),
    Todo(
        "volunteers.star_award", "公示期满待认定的星级", star_awards_to_award,
        "volunteers:star_awards", "tab=due", order=46, perm=Perm.VOLUNTEERS_MANAGE,
        icon="star-fill", hint="公示期满、可以认定星级的申请",
    ),
]  # fmt: skip
