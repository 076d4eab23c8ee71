"""Statuses, kinds and rules of deliberation and accountability (C8, 议事厅).

The law (DOMAIN.md "Deliberation"): 城市居民委员会组织法 — a 居民会议 needs more than half of
adult residents, or of household or group representatives, and decides by a majority of those
present (art. 9); 村民委员会组织法 — 10 days' notice for a village meeting; the party rules — a
branch meeting needs more than half of its voting members and decides by more than half of them;
中办发〔2015〕41号 — outcomes go 采纳 → 落实 → 反馈. ``MEETING_RULES`` holds the defaults per kind;
a deployment overrides them with ``SHEGONG_DELIBERATION_MEETING_RULES`` (``rules.rule_for``).
"""

from __future__ import annotations

from django.db import models


class TopicSource(models.TextChoices):
    """Who raised a topic, or where it came from."""

    RESIDENT = "resident", "居民提出"
    VOLUNTEER = "volunteer", "志愿者提出"
    WORKER = "worker", "新就业群体提出"
    PARTY_MEMBER = "party_member", "党员提出"
    STAFF = "staff", "工作人员录入"
    REPORT = "report", "随手拍转入"
    NEED = "need", "未满足需求转入"


class TopicStatus(models.TextChoices):
    """A topic's answer (评估中 / 采纳 / 不予采纳 / 已合并) and, after 采纳, its delivery."""

    PENDING = "pending", "待答复"
    EVALUATING = "evaluating", "评估中"
    ADOPTED = "adopted", "已采纳"
    REJECTED = "rejected", "不予采纳"
    MERGED = "merged", "已合并"
    DELIVERED = "delivered", "已落实"


# Statuses a topic is still open in: it may be supported, merged into, put on an agenda.
OPEN_TOPIC_STATUSES = frozenset({TopicStatus.PENDING, TopicStatus.EVALUATING, TopicStatus.ADOPTED})
# The answers that stop the answer clock.
ANSWERED_STATUSES = frozenset(
    {
        TopicStatus.EVALUATING,
        TopicStatus.ADOPTED,
        TopicStatus.REJECTED,
        TopicStatus.MERGED,
        TopicStatus.DELIVERED,
    }
)

# The one table of allowed answers (every topic action checks it).
TOPIC_TRANSITIONS: dict[str, frozenset[str]] = {
    TopicStatus.PENDING: frozenset(
        {TopicStatus.EVALUATING, TopicStatus.ADOPTED, TopicStatus.REJECTED, TopicStatus.MERGED}
    ),
    TopicStatus.EVALUATING: frozenset(
        {TopicStatus.ADOPTED, TopicStatus.REJECTED, TopicStatus.MERGED}
    ),
    TopicStatus.ADOPTED: frozenset({TopicStatus.DELIVERED, TopicStatus.MERGED}),
    TopicStatus.REJECTED: frozenset(),
    TopicStatus.MERGED: frozenset(),
    TopicStatus.DELIVERED: frozenset(),
}


class MeetingKind(models.TextChoices):
    RESIDENTS = "residents", "居民会议"
    REPRESENTATIVES = "representatives", "居民代表会议"
    CONSULTATION = "consultation", "议事协商会（议事厅）"
    PARTY = "party", "党员议事会"
    THEMATIC = "thematic", "专题议事"
    VILLAGE = "village", "村民会议"


class QuorumBase(models.TextChoices):
    """What 应到 counts for a meeting's quorum (居委会组织法 art. 9 allows three bases)."""

    ADULTS = "adults", "本社区十八周岁以上居民"
    HOUSEHOLDS = "households", "户代表"
    GROUPS = "groups", "居民小组代表"
    REPRESENTATIVES = "representatives", "居民代表"
    PARTY_MEMBERS = "party_members", "有表决权的党员"
    INVITED = "invited", "受邀参会人员"


class MeetingStatus(models.TextChoices):
    PLANNED = "planned", "筹备中"
    NOTICED = "noticed", "已发布通知"
    CLOSED = "closed", "已结束"
    CANCELLED = "cancelled", "已取消"


class InviteeKind(models.TextChoices):
    """Who is invited (中办发〔2015〕41号 names 驻区单位, 业委会, 物业, residents without 户籍)."""

    RESIDENT = "resident", "居民"
    REPRESENTATIVE = "representative", "居民代表"
    PARTY_MEMBER = "party_member", "党员"
    UNIT = "unit", "驻区单位"
    OWNERS_COMMITTEE = "owners_committee", "业主委员会"
    PROPERTY = "property", "物业服务企业"
    SOCIAL_ORG = "social_org", "社会组织"
    STAFF = "staff", "社区工作人员"


class SignInMethod(models.TextChoices):
    QR = "qr", "扫码签到"
    CODE = "code", "签到码"
    STAFF = "staff", "工作人员代签"


class ItemResult(models.TextChoices):
    """What an agenda item came to in the record."""

    PENDING = "pending", "未议"
    PASSED = "passed", "通过"
    FAILED = "failed", "未通过"
    CONSULTED = "consulted", "协商一致（未表决）"
    DEFERRED = "deferred", "暂缓"


class OwnerKind(models.TextChoices):
    PERSON = "person", "个人"
    DEPARTMENT = "department", "部门"
    ORGANIZATION = "organization", "组织"


class ActionStatus(models.TextChoices):
    PLANNED = "planned", "未开始"
    IN_PROGRESS = "in_progress", "推进中"
    DONE = "done", "已落实"
    CANCELLED = "cancelled", "已取消"


OPEN_ACTION_STATUSES = frozenset({ActionStatus.PLANNED, ActionStatus.IN_PROGRESS})


class UpdateKind(models.TextChoices):
    """A timeline entry of an action item."""

    PROGRESS = "progress", "进展"
    REDATED = "redated", "调整完成时限"
    DONE = "done", "落实完成"
    CANCELLED = "cancelled", "取消"
    FEEDBACK = "feedback", "反馈提出人"


# The default topic categories (installed by migration 0002, editable afterwards).
DEFAULT_CATEGORIES: list[tuple[str, str]] = [
    ("environment", "环境卫生"),
    ("parking", "停车交通"),
    ("elevator", "加装电梯"),
    ("property", "物业管理"),
    ("facilities", "公共设施"),
    ("elderly_children", "一老一小"),
    ("culture", "文体活动"),
    ("safety", "安全隐患"),
    ("neighbours", "邻里关系"),
    ("other", "其他"),
]
