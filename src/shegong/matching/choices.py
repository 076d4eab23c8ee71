"""Statuses, kinds and the default catalogue of needs ↔ supply matching (C7, 四单).

The order flow (DOMAIN.md: no national rule; practice) is 点单 → 审核 → 派单 or 抢单池 → 接单 →
服务中 → 已完成 → 已评价, with 已拒绝 and 已取消 (both with reasons) and 改派 returning an order
to 待处理. ``ORDER_TRANSITIONS`` is the one table of allowed moves; every action checks it.
"""

from django.db import models


class DispatchMode(models.TextChoices):
    """How a category's approved orders reach a helper."""

    MANUAL = "manual", "社区派单"
    AUTO = "auto", "自动派单（最优候选）"
    GRAB = "grab", "抢单池"


class Frequency(models.TextChoices):
    ONCE = "once", "单次"
    DAILY = "daily", "每天"
    WEEKLY = "weekly", "每周"
    MONTHLY = "monthly", "每月"


class Urgency(models.TextChoices):
    NORMAL = "normal", "一般"
    URGENT = "urgent", "紧急"
    CRITICAL = "critical", "特急"


class ProviderKind(models.TextChoices):
    """Who gives the service in the supply list (项目超市)."""

    VOLUNTEER = "volunteer", "志愿者"
    TEAM = "team", "志愿服务队"
    SOCIAL_ORG = "social_org", "社会组织"
    SOCIAL_WORKER = "social_worker", "专业社工"
    ENTERPRISE = "enterprise", "企业"
    MERCHANT = "merchant", "商户"


class Cost(models.TextChoices):
    FREE = "free", "免费"
    LOW = "low", "低偿"


class OfferStatus(models.TextChoices):
    NEW = "new", "待审核"
    APPROVED = "approved", "已上架"
    PAUSED = "paused", "暂停"
    BLOCKED = "blocked", "已停用"


# An offer moves only along these; 停用 (blocked) can be lifted back to 上架 by the community.
OFFER_TRANSITIONS: dict[str, frozenset[str]] = {
    OfferStatus.NEW: frozenset({OfferStatus.APPROVED, OfferStatus.BLOCKED}),
    OfferStatus.APPROVED: frozenset({OfferStatus.PAUSED, OfferStatus.BLOCKED}),
    OfferStatus.PAUSED: frozenset({OfferStatus.APPROVED, OfferStatus.BLOCKED}),
    OfferStatus.BLOCKED: frozenset({OfferStatus.APPROVED}),
}


class NeedStatus(models.TextChoices):
    """An entry of the needs list (需求清单, from 摸排)."""

    OPEN = "open", "待满足"
    SERVED = "served", "已对接"
    CLOSED = "closed", "已关闭"


class Channel(models.TextChoices):
    """Where an order came from."""

    RESIDENT = "resident", "群众点单（手机）"
    STAFF = "staff", "代为点单"
    REPORT = "report", "随手拍转服务需求"


class OrderStatus(models.TextChoices):
    REVIEW = "review", "待审核"
    WAITING = "waiting", "待处理"
    DISPATCHED = "dispatched", "已派单"
    POOL = "pool", "抢单池"
    ACCEPTED = "accepted", "已接单"
    SERVING = "serving", "服务中"
    DONE = "done", "已完成"
    RATED = "rated", "已评价"
    REFUSED = "refused", "已拒绝"
    CANCELLED = "cancelled", "已取消"


S = OrderStatus
ORDER_TRANSITIONS: dict[str, frozenset[str]] = {
    S.REVIEW: frozenset({S.WAITING, S.DISPATCHED, S.POOL, S.REFUSED, S.CANCELLED}),
    S.WAITING: frozenset({S.DISPATCHED, S.POOL, S.REFUSED, S.CANCELLED}),
    S.DISPATCHED: frozenset({S.ACCEPTED, S.WAITING, S.CANCELLED}),
    S.POOL: frozenset({S.ACCEPTED, S.WAITING, S.CANCELLED}),
    S.ACCEPTED: frozenset({S.SERVING, S.DONE, S.WAITING, S.CANCELLED}),
    S.SERVING: frozenset({S.DONE, S.WAITING}),
    S.DONE: frozenset({S.RATED}),
    S.RATED: frozenset(),
    S.REFUSED: frozenset(),
    S.CANCELLED: frozenset(),
}
# Orders still in the community's hands (the dispatch board's queue and clocks).
OPEN_STATUSES = frozenset({S.REVIEW, S.WAITING, S.DISPATCHED, S.POOL, S.ACCEPTED, S.SERVING})
# Orders a helper holds (their current load).
HELD_STATUSES = frozenset({S.ACCEPTED, S.SERVING})
# Finished service (counted in completion rates and people served).
FINISHED_STATUSES = frozenset({S.DONE, S.RATED})
del S


class AssignmentMode(models.TextChoices):
    DISPATCH = "dispatch", "派单"
    AUTO = "auto", "自动派单"
    GRAB = "grab", "抢单"


class AssignmentOutcome(models.TextChoices):
    """What became of one offer of an order to one helper."""

    PENDING = "pending", "待接单"
    ACCEPTED = "accepted", "已接单"
    DECLINED = "declined", "已婉拒"
    EXPIRED = "expired", "超时未接"
    WITHDRAWN = "withdrawn", "已改派"


class RatedAs(models.TextChoices):
    BENEFICIARY = "beneficiary", "服务对象本人"
    STAFF = "staff", "工作人员代评"


class StandingStatus(models.TextChoices):
    ACTIVE = "active", "服务中"
    PAUSED = "paused", "暂停"
    ENDED = "ended", "已结束"


class TaskStatus(models.TextChoices):
    DUE = "due", "待服务"
    DONE = "done", "已完成"
    MISSED = "missed", "未按时完成"
    SKIPPED = "skipped", "暂停免做"


# Parts of a day, as the volunteers' availability uses them (volunteers.choices.DAY_PARTS),
# with the hours each covers: an order's window overlaps an offer's slot by these.
DAY_PART_HOURS: dict[str, tuple[int, int]] = {"am": (6, 12), "pm": (12, 18), "eve": (18, 23)}

# The 10 kinds of 急难愁盼 the seed names (关爱"一老一小"、心理干预、矛盾化解 …) with their
# typical items: the default catalogue (migration 0002); each deployment edits its own.
# (code, name, dispatch mode, sensitive beneficiaries, [(item, minutes, frequency, urgency,
# risky)])
DEFAULT_CATALOGUE = [
    ("elderly_child", "关爱一老一小", "manual", True, [
        ("独居老人探访", 60, "weekly", "normal", False),
        ("留守儿童陪伴", 90, "weekly", "normal", False),
        ("放学托管", 120, "daily", "normal", False),
    ]),
    ("meals", "助餐送餐", "grab", True, [
        ("上门送餐", 30, "daily", "normal", False),
        ("楼嫂午餐", 90, "daily", "normal", False),
    ]),
    ("psychology", "心理干预", "manual", True, [
        ("心理疏导", 60, "once", "urgent", False),
        ("危机干预", 60, "once", "critical", False),
    ]),
    ("mediation", "矛盾化解", "manual", False, [
        ("邻里纠纷调解", 90, "once", "urgent", False),
        ("家庭矛盾调解", 90, "once", "urgent", False),
    ]),
    ("medical", "助医陪诊", "manual", True, [
        ("陪同就医", 180, "once", "normal", False),
        ("代购药品", 60, "once", "normal", False),
    ]),
    ("cleaning", "助洁家政", "grab", False, [
        ("居家清洁", 120, "monthly", "normal", False),
        ("适老化改造", 240, "once", "normal", True),
    ]),
    ("repair", "便民维修", "grab", False, [
        ("水电维修", 60, "once", "urgent", True),
        ("家电维修", 60, "once", "normal", True),
    ]),
    ("legal", "法律援助", "manual", False, [
        ("法律咨询", 60, "once", "normal", False),
    ]),
    ("employment", "就业帮扶", "manual", False, [
        ("就业指导", 60, "once", "normal", False),
    ]),
    ("disability", "助残服务", "manual", True, [
        ("助残出行", 120, "once", "normal", True),
        ("康复陪护", 120, "weekly", "normal", False),
    ]),
]  # fmt: skip

# The volunteers' skills (volunteers.choices.DEFAULT_SKILLS) that fit each default category.
CATEGORY_SKILLS: dict[str, tuple[str, ...]] = {
    "elderly_child": ("elderly", "childcare"),
    "psychology": ("counselling",),
    "mediation": ("legal",),
    "medical": ("medical", "driving"),
    "repair": ("appliance_repair",),
    "legal": ("legal",),
    "disability": ("disabled",),
}
