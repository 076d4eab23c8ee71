"""Statuses of a case (随手拍工单) and the transition table of its lifecycle.

The lifecycle (接-派-办-评):

    submitted ─┬─> accepted ──> transferred ──> responded ──> resolved ──> verified ──> closed
               ├─> rejected          │  ^            │            │                      │
               └─> merged            v  │            v            v                      v
                                 returned ─> (transferred again)  reopened (disputed) <──┘

Escalation (督办) is not a status: it is a level on the case (1 = response overdue, 2 = resolution
overdue) and an event on its timeline; the case keeps its place in the lifecycle. Nor is a
change of department (改派, ``reassign_report``): the case stays with a department.

"transferred → transferred" is deliberately NOT allowed: of two dispatchers who transfer the
same case at once, the second must get 409, not silently overwrite the first one's choice.
"""

from django.db import models


class Status(models.TextChoices):
    SUBMITTED = "submitted", "待受理"
    ACCEPTED = "accepted", "已受理"
    REJECTED = "rejected", "不予受理"
    TRANSFERRED = "transferred", "已派单"
    RESPONDED = "responded", "处置中"
    RETURNED = "returned", "已退回"
    RESOLVED = "resolved", "已办理"
    VERIFIED = "verified", "已核实"
    CLOSED = "closed", "已办结"
    REOPENED = "reopened", "已重启"
    MERGED = "merged", "已并单"


ALLOWED: dict[str, set[str]] = {
    Status.SUBMITTED: {Status.ACCEPTED, Status.REJECTED, Status.MERGED, Status.TRANSFERRED},
    Status.ACCEPTED: {Status.TRANSFERRED, Status.REJECTED, Status.MERGED},
    Status.TRANSFERRED: {Status.RESPONDED, Status.RESOLVED, Status.RETURNED, Status.MERGED},
    Status.RESPONDED: {Status.RESOLVED, Status.RETURNED},
    Status.RETURNED: {Status.TRANSFERRED, Status.REJECTED, Status.MERGED},
    Status.RESOLVED: {Status.VERIFIED, Status.REOPENED},
    Status.VERIFIED: {Status.CLOSED, Status.REOPENED},
    Status.CLOSED: {Status.REOPENED},
    Status.REOPENED: {Status.RESPONDED, Status.RESOLVED, Status.RETURNED},
    Status.REJECTED: set(),
    Status.MERGED: set(),
}  # fmt: skip
assert set(ALLOWED) == set(Status), "every status needs a row in the transition table"

# Waiting for the dispatch desk (区指挥中心, 兜底).
AT_DISPATCH = {Status.SUBMITTED, Status.ACCEPTED, Status.RETURNED}
# With a department, before its answer.
AWAITING_RESPONSE = {Status.TRANSFERRED, Status.REOPENED}
# With a department, being worked on (the resolution clock runs).
WITH_DEPARTMENT = {Status.TRANSFERRED, Status.RESPONDED, Status.REOPENED}
# Done by the department, waiting for the reporter or a grid worker.
AWAITING_VERIFICATION = {Status.RESOLVED}
FINISHED = {Status.CLOSED, Status.REJECTED, Status.MERGED}
# Accepted into the loop, so public (Report.objects.public): not waiting, rejected or merged.
PUBLIC_STATUSES = set(Status) - {Status.SUBMITTED, Status.REJECTED, Status.MERGED}
OPEN = set(Status) - FINISHED
# Open311 knows only open/closed: a case is "closed" once the department's work is done.
OPEN311_CLOSED = {Status.RESOLVED, Status.VERIFIED, Status.CLOSED, Status.REJECTED, Status.MERGED}


class RejectReason(models.TextChoices):
    INVALID = "invalid", "无效信息"
    DUPLICATE = "duplicate", "重复上报"
    NOT_OURS = "not_ours", "不属于受理范围"


class Role(models.TextChoices):
    """A department's part in a case: one lead (首接负责), any number assisting."""

    LEAD = "lead", "主办"
    ASSIST = "assist", "协办"


class LimitUnit(models.TextChoices):
    HOURS = "hours", "小时"
    WORKDAYS = "workdays", "工作日"
    DAYS = "days", "自然日"


class Channel(models.TextChoices):
    H5 = "h5", "随手拍H5"
    API = "api", "应用接口"
    OPEN311 = "open311", "Open311"
    STAFF = "staff", "工作人员代报"


class EventKind(models.TextChoices):
    """What happened on a case's timeline. Most kinds change the status; these do not:
    escalated, assisted, followed, moderated, noted, rated, assigned down (下派) and its answer,
    the 回访 and the re-handling of a 差评 (重新办理)."""

    SUBMITTED = "submitted", "提交"
    ACCEPTED = "accepted", "受理"
    REJECTED = "rejected", "不予受理"
    TRANSFERRED = "transferred", "派单"
    ASSIST_ADDED = "assist_added", "增加协办部门"
    RESPONDED = "responded", "响应"
    RETURNED = "returned", "退回"
    RESOLVED = "resolved", "办理完毕"
    VERIFIED = "verified", "核实"
    CLOSED = "closed", "办结"
    REOPENED = "reopened", "重启"
    MERGED = "merged", "并单"
    ESCALATED = "escalated", "督办"
    RATED = "rated", "评价"
    NOTE = "note", "备注"
    MODERATED = "moderated", "审核处理"
    ASSIGNED_DOWN = "assigned_down", "下派"
    DOWN_ANSWERED = "down_answered", "下派回复"
    FOLLOWED_UP = "followed_up", "回访"
    REHANDLED = "rehandled", "重新办理"


class Rating(models.IntegerChoices):
    """1–5 stars; 4–5 count as 满意, 3 as 基本满意, 1–2 as 不满意 (docs/metrics.md)."""

    ONE = 1, "非常不满意"
    TWO = 2, "不满意"
    THREE = 3, "基本满意"
    FOUR = 4, "满意"
    FIVE = 5, "非常满意"


def satisfaction(rating: int | None) -> str:
    """满意 / 基本满意 / 不满意 for a 1–5 rating ("" if unrated)."""
    if rating is None:
        return ""
    if rating >= 4:
        return "满意"
    return "基本满意" if rating == 3 else "不满意"


class FollowupSatisfaction(models.TextChoices):
    """The requester's satisfaction asked at the 回访 (the follow-up call or visit);
    不满意 is a 差评, which the lead department must re-handle (docs/metrics.md)."""

    SATISFIED = "satisfied", "满意"
    BASIC = "basic", "基本满意"
    UNSATISFIED = "unsatisfied", "不满意"


class AppointmentKind(models.TextChoices):
    SUPERVISOR = "supervisor", "城市流动监督员"
    GRID_RIDER = "grid_rider", "红骑网格员"


class AttributeType(models.TextChoices):
    """Open311 attribute datatypes (the category's extra questions)."""

    STRING = "string", "单行文字"
    NUMBER = "number", "数字"
    DATETIME = "datetime", "日期时间"
    TEXT = "text", "多行文字"
    SINGLE = "singlevaluelist", "单选"
    MULTI = "multivaluelist", "多选"
