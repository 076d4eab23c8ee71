"""Statuses of public notices (公示) and the objections raised against them."""

from __future__ import annotations

from django.db import models


class NoticeStatus(models.TextChoices):
    """A notice is drafted, published (public from ``starts_at`` to ``ends_at``) or withdrawn.
    Whether a published notice is *current* or *past* is read from its window, not stored."""

    DRAFT = "draft", "草稿"
    PUBLISHED = "published", "已发布"
    WITHDRAWN = "withdrawn", "已撤回"


NOTICE_TRANSITIONS: dict[str, frozenset[str]] = {
    NoticeStatus.DRAFT: frozenset({NoticeStatus.PUBLISHED, NoticeStatus.WITHDRAWN}),
    NoticeStatus.PUBLISHED: frozenset({NoticeStatus.WITHDRAWN}),
    NoticeStatus.WITHDRAWN: frozenset(),
}


class ObjectionStatus(models.TextChoices):
    """An objection (异议/投诉) is received, assigned to a handler, and answered. Until answered
    it is open, and an open objection that ``holds`` stops the publicised thing (an award is
    not signed while one is open)."""

    OPEN = "open", "待处理"
    ASSIGNED = "assigned", "处理中"
    ANSWERED = "answered", "已答复"


OPEN_OBJECTION_STATUSES = frozenset({ObjectionStatus.OPEN, ObjectionStatus.ASSIGNED})

OBJECTION_TRANSITIONS: dict[str, frozenset[str]] = {
    ObjectionStatus.OPEN: frozenset({ObjectionStatus.ASSIGNED, ObjectionStatus.ANSWERED}),
    ObjectionStatus.ASSIGNED: frozenset({ObjectionStatus.ASSIGNED, ObjectionStatus.ANSWERED}),
    ObjectionStatus.ANSWERED: frozenset(),
}


class ObjectionVerdict(models.TextChoices):
    """How an answered objection came out: upheld (the publicised thing is changed or
    cancelled by its own app) or not."""

    UPHELD = "upheld", "异议成立"
    REJECTED = "rejected", "异议不成立"
    PARTLY = "partly", "部分成立"
