"""The figures of the 议事厅 for the dashboard and the work brief (registered in ``apps.ready``;
docs/indicators.md lists them with their definitions).

The seed's numbers are the ones ``queries.counts`` defines (docs/metrics.md "议事厅"): topics
collected by the day they were raised, delivered action items by the day they were done,
meetings by the day they were held; the rates follow the statistics page's topic cohort (the
day a topic was raised)."""

from __future__ import annotations

from typing import Any

from shegong.core.perms import Perm
from shegong.core.registry import Indicator

from .choices import MeetingKind, MeetingStatus, TopicStatus
from .models import ActionItem, Meeting, Topic
from .queries import counts

VIEW = Perm.DELIBERATION_VIEW
SEED_TOPICS = "收集民生议题134项，落地实事超100件"
SEED_CADENCE = "专业社工牵头建立“一月一会”议事制度"
SEED_THEMATIC = "如今，这里已开展6场专题议事、190场实践服务"
DECIDED = (TopicStatus.ADOPTED, TopicStatus.DELIVERED, TopicStatus.REJECTED)
ADOPTED = (TopicStatus.ADOPTED, TopicStatus.DELIVERED)


def topics() -> Any:
    return counts.topics_collected(Topic.objects.all())


def decided_topics() -> Any:
    return Topic.objects.filter(status__in=DECIDED)


def adopted_topics() -> Any:
    return Topic.objects.filter(status__in=ADOPTED)


def delivered_topics() -> Any:
    return Topic.objects.filter(status=TopicStatus.DELIVERED)


def delivered_actions() -> Any:
    return counts.actions_delivered(ActionItem.objects.all())


def held_meetings() -> Any:
    return Meeting.objects.filter(status=MeetingStatus.CLOSED)


def thematic_meetings() -> Any:
    return counts.thematic_meetings(Meeting.objects.all())


# A topic's status moves when its action items are delivered (the item is the audit target) and
# when a meeting whose agenda holds it closes with a decision (the meeting is the target).
TOPIC_TOUCHED = (
    ("deliberation.actionitem", "actions__id"),
    ("deliberation.meeting", "agenda_items__meeting_id"),
)
TOPIC_COLUMNS = (("议题", "title"), ("类别", "category.name"), ("所在社区", "region.name"),
                 ("支持数", "support_count"), ("提出时间", "created_at"))  # fmt: skip
ACTION_COLUMNS = (("实事名称", "title"), ("类别", "category.name"), ("所在社区", "region.name"),
                  ("完成时限", "due_on"), ("落实时间", "done_at"))  # fmt: skip
MEETING_COLUMNS = (("会议名称", "title"), ("专题", "theme"), ("所在社区", "region.name"),
                   ("召开时间", "starts_at"), ("实到人数", "present_count"))  # fmt: skip

INDICATORS = [
    Indicator(
        "deliberation.topics", "收集民生议题", "项", "deliberation",
        "居民、志愿者、党员、工作人员等提出（含随手拍、未满足需求转来）的议题，按提出时间所在日计入；"
        "已合并的重复议题不计，其他任何状态都计。与议事统计的“收集议题”相同。",
        source=topics, date_field="created_at", columns=TOPIC_COLUMNS,
        sentence="收集民生议题{value}项", seed=SEED_TOPICS, perm=VIEW, order=70,
    ),
    Indicator(
        "deliberation.actions_delivered", "落地实事", "件", "deliberation",
        "已落实的落地实事（顶层事项；拆分出的子事项属于上级事项，不单独计），按落实时间所在日计入。"
        "与议事统计的“落地实事”相同。",
        source=delivered_actions, date_field="done_at", columns=ACTION_COLUMNS,
        sentence="落地实事{value}件", seed=SEED_TOPICS, perm=VIEW, order=71,
    ),
    Indicator(
        "deliberation.meetings", "召开议事会", "场", "deliberation",
        "已召开并结束（有会议记录）的各类议事会（居民会议、居民代表会议、议事协商会、党员议事会、"
        "专题议事、村民会议），按召开时间所在日计入；筹备中、已发布通知和已取消的不计。",
        source=held_meetings, date_field="starts_at", columns=MEETING_COLUMNS,
        sentence="坚持“一月一会”，召开议事会{value}场", seed=SEED_CADENCE, perm=VIEW, order=72,
    ),
    Indicator(
        "deliberation.thematic_meetings", "专题议事", "场", "deliberation",
        f"已召开并结束的“{MeetingKind.THEMATIC.label}”议事会（开放麦式的专题议事），按召开时间"
        "所在日计入。与议事统计的“专题议事”相同。",
        source=thematic_meetings, date_field="starts_at", columns=MEETING_COLUMNS,
        sentence="开展{value}场专题议事", seed=SEED_THEMATIC, perm=VIEW, order=73,
    ),
    Indicator(
        "deliberation.topics_decided", "已作答复决定的议题", "项", "deliberation",
        "本期提出的议题中已采纳、已落实或不予采纳的（采纳率的分母），按提出时间所在日计入。",
        source=decided_topics, date_field="created_at", touched_by=TOPIC_TOUCHED,
        columns=TOPIC_COLUMNS, sentence="作出答复决定的议题{value}项", perm=VIEW, order=74,
    ),
    Indicator(
        "deliberation.topics_adopted", "采纳议题", "项", "deliberation",
        "本期提出的议题中已采纳或已落实的（采纳率的分子、落实率的分母），按提出时间所在日计入。",
        source=adopted_topics, date_field="created_at", touched_by=TOPIC_TOUCHED,
        columns=TOPIC_COLUMNS, sentence="采纳议题{value}项", perm=VIEW, order=75,
    ),
    Indicator(
        "deliberation.topics_delivered", "已落实议题", "项", "deliberation",
        "本期提出的议题中已落实的（其落地实事全部完成；落实率的分子），按提出时间所在日计入。",
        source=delivered_topics, date_field="created_at", touched_by=TOPIC_TOUCHED,
        columns=TOPIC_COLUMNS, sentence="已落实议题{value}项", perm=VIEW, order=76,
    ),
    Indicator(
        "deliberation.adoption_rate", "议题采纳率", "%", "deliberation",
        "本期提出的议题中已采纳或已落实的 ÷ 已作出决定的（已采纳、已落实、不予采纳）；待答复、"
        "评估中和已合并的两边都不计。与议事统计的“采纳率”相同。",
        kind="rate", numerator="deliberation.topics_adopted",
        denominator="deliberation.topics_decided",
        sentence="议题采纳率{value}%（{numerator}/{denominator}项）", perm=VIEW, order=77,
    ),
    Indicator(
        "deliberation.delivery_rate", "议题落实率", "%", "deliberation",
        "本期提出的议题中已落实的 ÷ 已采纳或已落实的。与议事统计的“落实率”相同。",
        kind="rate", numerator="deliberation.topics_delivered",
        denominator="deliberation.topics_adopted",
        sentence="采纳议题落实率{value}%（{numerator}/{denominator}项）", perm=VIEW, order=78,
    ),
]  # fmt: skip
