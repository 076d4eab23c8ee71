"""Topics (议题): raise one (a resident on the phone, staff for someone, or from a 随手拍 case or
an unmet need), support it, follow it, answer it on the clock, merge duplicates; a community's
settings and the categories.

Each verb is one durable transaction with one audit entry; notifications are queued inside it
(``core.notify`` sends after commit). The support count is a column kept here with ``F()`` under
the topic's row lock, so two residents supporting at once both count and the threshold fires
once.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from django.db import transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone

from shegong.accounts.models import User
from shegong.core import audit
from shegong.core.audit import Verb
from shegong.core.errors import DomainError, IllegalTransition, InvalidInput, NotFound, NotPermitted
from shegong.core.notify import notify, register_event
from shegong.core.perms import Role
from shegong.core.scope import scope_prefix
from shegong.core.values import lock, long_text, text
from shegong.core.workdays import add_workdays
from shegong.deliberation import queries
from shegong.deliberation.actions._common import require_manager
from shegong.deliberation.choices import (
    OPEN_TOPIC_STATUSES,
    TOPIC_TRANSITIONS,
    TopicSource,
    TopicStatus,
)
from shegong.deliberation.models import (
    CommunitySettings,
    Topic,
    TopicCategory,
    TopicFollower,
    TopicSupport,
)
from shegong.deliberation.queries import topics as topic_queries
from shegong.matching.choices import NeedStatus
from shegong.matching.models import Need
from shegong.regions.models import Region
from shegong.reports import queries as report_queries
from shegong.reports.models import Report

__all__ = [
    "answer", "follow", "merge", "raise_from_need", "raise_from_report", "save_category",
    "save_settings", "submit", "support", "withdraw_support",
]  # fmt: skip

TOPIC_NOT_FOUND = queries.TOPIC_NOT_FOUND
TITLE_MAX = 60
BODY_MAX = 2000
PLACE_MAX = 100
LABEL_MAX = 40
REASON_MAX = 1000
ANSWERS = (TopicStatus.EVALUATING, TopicStatus.ADOPTED, TopicStatus.REJECTED)
ROLE_SOURCES = {
    Role.RESIDENT: TopicSource.RESIDENT,
    Role.VOLUNTEER: TopicSource.VOLUNTEER,
    Role.WORKER: TopicSource.WORKER,
}
WIDE_LEVELS = frozenset({"province", "city", "district"})

register_event(
    "deliberation.topic_submitted",
    title="新议题：{{ title }}",
    body="{{ community }}收到议题「{{ title }}」（{{ category }}），请在 {{ due }} 前答复。",
    link="{{ url }}",
)
register_event(
    "deliberation.topic_agenda_ready",
    title="议题达到上会支持数，请列入下次议事会议程",
    body="{{ community }}的议题「{{ title }}」已获 {{ count }} 位居民支持，"
    "达到上会支持数（{{ threshold }}），请列入下次议事会议程。",
    link="{{ url }}",
)
register_event(
    "deliberation.topic_answered",
    title="议题有了答复：{{ title }}",
    body="您关注的议题「{{ title }}」：{{ status }}。{{ reason }}",
    link="{{ url }}",
)
register_event(
    "deliberation.topic_merged",
    title="议题已合并：{{ title }}",
    body="您提出或关注的议题「{{ title }}」已与「{{ into }}」合并，支持数一并计入。{{ reason }}",
    link="{{ url }}",
)


def _staff_url(topic: Topic) -> str:
    return reverse("deliberation:topic", args=[topic.pk])


def _member_url(topic: Topic) -> str:
    return reverse("deliberation_m:topic", args=[topic.pk])


def _tell_followers(topic: Topic, event: str, context: dict[str, Any], skip: Any = None) -> None:
    """Each follower (and the submitter) once: staff get the staff page, others the H5 page."""
    for person in topic_queries.followers_of(topic):
        if skip is not None and person.pk == getattr(skip, "pk", None):
            continue
        url = _staff_url(topic) if queries.is_staff(person) else _member_url(topic)
        notify(person, event, {**context, "url": url})


def _tell_managers(topic: Topic, event: str, context: dict[str, Any]) -> None:
    for person in queries.managers_of(topic.region_id):
        notify(person, event, {**context, "url": _staff_url(topic)})


# --- submit ----------------------------------------------------------------------------------


def _category(value: Any) -> TopicCategory:
    pk = getattr(value, "pk", value)
    found = TopicCategory.objects.filter(pk=pk).first() if str(pk).isdigit() else None
    if found is None or not found.is_active:
        raise InvalidInput.field("category", "请选择议题类别")
    return found


def _point(lat: Any, lon: Any) -> tuple[float | None, float | None]:
    if lat in (None, "") and lon in (None, ""):
        return None, None
    try:
        lat_f, lon_f = float(lat), float(lon)
    except (TypeError, ValueError):
        raise InvalidInput.field("lat", "位置应为经纬度数值") from None
    if not (-90 <= lat_f <= 90 and -180 <= lon_f <= 180):
        raise InvalidInput.field("lat", "位置超出经纬度范围")
    return lat_f, lon_f


def _community(value: Any) -> Region:
    code = getattr(value, "code", value) or ""
    found = Region.objects.filter(code=code).first() if code else None
    if found is None or found.level != "community":
        raise InvalidInput.field("region", "请选择议题所在的社区")
    return found


def _origin(actor: User | None, community: Region, source: Any, label: Any) -> dict[str, Any]:
    """Who raised it: staff of the community's scope enter it (for someone, ``label``); a
    resident, volunteer or rider raises it for their own community; a party member says so."""
    if actor is not None and queries.may_manage(actor):
        require_manager(actor, community.code, "未找到该社区")
        shown = text(label, "on_behalf_label", "提出人", LABEL_MAX, required=False)
        chosen = source if source in (TopicSource.REPORT, TopicSource.NEED) else TopicSource.STAFF
        return {"source": chosen, "submitter_label": shown or getattr(actor, "name", "")}
    if actor is None:
        return {"source": source or TopicSource.STAFF, "submitter_label": str(label or "")}
    role = actor.active_role
    if role not in ROLE_SOURCES:
        raise NotPermitted("请以居民、志愿者或新就业群体身份提出议题")
    if community.code not in {c.code for c in queries.communities_of(actor)}:
        raise InvalidInput.field("region", "只能为您所在的社区提出议题")
    chosen = TopicSource.PARTY_MEMBER if source == TopicSource.PARTY_MEMBER else ROLE_SOURCES[role]
    return {"source": chosen, "submitter_label": ""}


def _submit(
    actor: User | None, *, region: Any, category: Any, title: Any, body: Any, place: Any = "",
    lat: Any = None, lon: Any = None, photos: Sequence[dict[str, Any]] = (), source: Any = None,
    report: Report | None = None, need: Need | None = None, on_behalf_label: Any = "",
    now: datetime | None = None,
) -> Topic:  # fmt: skip
    community = _community(region)
    origin = _origin(actor, community, source, on_behalf_label)
    found_category = _category(category)
    lat_f, lon_f = _point(lat, lon)
    now = now or timezone.now()
    settings = queries.settings_for(community)
    due_at = add_workdays(now, settings.answer_workdays)
    topic = Topic.objects.create(
        region=community, category=found_category,
        title=text(title, "title", "议题", TITLE_MAX),
        body=long_text(body, "body", "具体内容", BODY_MAX),
        place=text(place, "place", "地点", PLACE_MAX, required=False),
        lat=lat_f, lon=lon_f, photos=list(photos), report=report, need=need,
        submitter=actor if getattr(actor, "pk", None) else None,
        answer_due_at=due_at, created_at=now, **origin,
    )  # fmt: skip
    if topic.submitter_id:
        TopicFollower.objects.get_or_create(topic=topic, user_id=topic.submitter_id)
    due = f"{timezone.localtime(due_at):%m-%d %H:%M}"
    _tell_managers(
        topic, "deliberation.topic_submitted",
        {"title": topic.title, "community": community.name, "category": found_category.name,
         "due": due},
    )  # fmt: skip
    audit.record(
        Verb.TOPIC_SUBMITTED, actor=actor, target=topic,
        data={"source": topic.source, "category": found_category.code,
              "due": due_at.isoformat(), "report": topic.report_id,
              "need": topic.need_id, "photos": len(topic.photos)},
    )  # fmt: skip
    return topic


@transaction.atomic(durable=True)
def submit(actor: User | None, **fields: Any) -> Topic:
    """提议题. A resident, volunteer or rider raises a topic for their own community
    (``source="party_member"``: 以党员身份提出); staff with deliberation.manage enter one for
    any community in scope (``on_behalf_label``: "居民王某（电话反映）"). ``photos`` are
    ``core.photos`` records already stored (the caller deletes them if this refuses). Starts
    the answer clock (the community's 答复时限 in working days); the submitter follows it."""
    fields.pop("report", None)
    fields.pop("need", None)
    if fields.get("source") in (TopicSource.REPORT, TopicSource.NEED):
        fields["source"] = None
    return _submit(actor, **fields)


@transaction.atomic(durable=True)
def raise_from_report(actor: User, report: Any, **fields: Any) -> Topic:
    """随手拍转议题: staff turn a case of their scope into a topic of its community (title and
    body default to the case's category and description)."""
    found = report_queries.access_report(actor, getattr(report, "pk", report))
    if not queries.may_manage(actor):
        raise NotPermitted("您当前的角色不能管理议事厅")
    community = report_queries.community_of(found)
    if community is None:
        raise InvalidInput.field("report", "该随手拍工单不在某个社区内，无法转为议题")
    fields.pop("region", None)
    fields.setdefault("category", None)
    fields["title"] = fields.get("title") or found.category.name
    fields["body"] = fields.get("body") or found.description
    fields["place"] = fields.get("place") or found.address[:PLACE_MAX]
    if fields.get("lat") in (None, "") and found.lat is not None:
        fields["lat"], fields["lon"] = found.lat, found.lon
    fields.setdefault("on_behalf_label", f"随手拍工单 {found.number}")
    fields.pop("source", None)
    return _submit(actor, region=community, report=found, source=TopicSource.REPORT, **fields)


@transaction.atomic(durable=True)
def raise_from_need(actor: User, need: Any, **fields: Any) -> Topic:
    """未满足需求转议题: staff turn an open entry of the needs list of their scope into a topic
    of its community."""
    pk = getattr(need, "pk", need)
    found = (
        Need.objects.visible_to(actor).select_related("category").filter(pk=pk).first()
        if str(pk).isdigit() and queries.is_staff(actor)
        else None
    )
    if found is None:
        raise NotFound("未找到该需求")
    if found.status != NeedStatus.OPEN:
        raise DomainError(
            f"该需求当前为「{found.get_status_display()}」，只有待满足的需求可转为议题"
        )
    fields.pop("region", None)
    fields["title"] = fields.get("title") or f"{found.category.name}需求未满足"
    fields["body"] = fields.get("body") or found.description
    fields.setdefault("on_behalf_label", "需求清单")
    fields.pop("source", None)
    return _submit(actor, region=found.region_id, need=found, source=TopicSource.NEED, **fields)


# --- support and follow ----------------------------------------------------------------------


def _locked(topic: Any) -> Topic:
    return lock(Topic, topic, TOPIC_NOT_FOUND)


def _require_member(actor: Any, topic: Topic) -> None:
    if not topic_queries.is_member_of(actor, topic.region_id):
        raise DomainError("只有本社区居民可以支持")


def _require_open(topic: Topic, verb: str) -> None:
    if topic.status not in OPEN_TOPIC_STATUSES:
        raise DomainError(f"该议题已「{topic.get_status_display()}」，不能再{verb}")


@transaction.atomic(durable=True)
def support(actor: User, topic: Any) -> Topic:
    """支持 an open topic of one's own community, once. Reaching the community's threshold
    sets ``agenda_ready_at`` (in this same entry's audit data) and tells its managers to put
    it on the next agenda. The supporter follows the topic."""
    found = _locked(topic)
    _require_member(actor, found)
    _require_open(found, "支持")
    if TopicSupport.objects.filter(topic=found, user=actor).exists():
        raise DomainError("您已支持过该议题")
    TopicSupport.objects.create(topic=found, user=actor)
    Topic.objects.filter(pk=found.pk).update(support_count=F("support_count") + 1)
    found.refresh_from_db(fields=["support_count"])
    TopicFollower.objects.get_or_create(topic=found, user=actor)
    ready = _check_threshold(found)
    audit.record(
        Verb.TOPIC_SUPPORTED, actor=actor, target=found,
        data={"count": found.support_count, "agenda_ready": ready},
    )  # fmt: skip
    return found


def _check_threshold(topic: Topic) -> bool:
    """Set ``agenda_ready_at`` the first time supports reach the threshold (True then)."""
    threshold = queries.settings_for(topic.region_id).support_threshold
    if topic.agenda_ready_at is not None or topic.support_count < threshold:
        return False
    topic.agenda_ready_at = timezone.now()
    Topic.objects.filter(pk=topic.pk).update(agenda_ready_at=topic.agenda_ready_at)
    _tell_managers(
        topic, "deliberation.topic_agenda_ready",
        {"title": topic.title, "community": topic.region.name, "count": topic.support_count,
         "threshold": threshold},
    )  # fmt: skip
    return True


@transaction.atomic(durable=True)
def withdraw_support(actor: User, topic: Any) -> Topic:
    """撤回支持 of an open topic (a topic once on the agenda stays there)."""
    found = _locked(topic)
    _require_member(actor, found)
    _require_open(found, "撤回支持")
    deleted, _ = TopicSupport.objects.filter(topic=found, user=actor).delete()
    if not deleted:
        raise DomainError("您尚未支持该议题")
    Topic.objects.filter(pk=found.pk).update(support_count=F("support_count") - 1)
    found.refresh_from_db(fields=["support_count"])
    audit.record(
        Verb.TOPIC_SUPPORT_WITHDRAWN, actor=actor, target=found,
        data={"count": found.support_count},
    )  # fmt: skip
    return found


@transaction.atomic(durable=True)
def follow(actor: User, topic: Any, on: bool = True) -> Topic:
    """关注 / 取消关注: anyone who may see the topic (staff of its scope, members of its
    community, its submitter)."""
    found = _locked(topic)
    if queries.is_staff(actor):
        queries.access_topic(actor, found.pk)
    else:
        topic_queries.access_member_topic(actor, found.pk)
    if on:
        TopicFollower.objects.get_or_create(topic=found, user=actor)
    else:
        TopicFollower.objects.filter(topic=found, user=actor).delete()
    audit.record(Verb.TOPIC_FOLLOWED, actor=actor, target=found, data={"on": bool(on)})
    return found


# --- answer and merge ------------------------------------------------------------------------


def _move(found: Topic, target: str) -> None:
    allowed = TOPIC_TRANSITIONS.get(found.status, frozenset())
    if target not in allowed:
        raise IllegalTransition(
            found.get_status_display(), TopicStatus(target).label,
            [TopicStatus(s).label for s in TopicStatus if s in allowed],
        )  # fmt: skip


def settle(topic: Topic, actor: User | None, status: str, reason: str, now: Any) -> None:
    """Write an answer on a locked topic and tell its submitter and followers (no transaction,
    no audit: ``answer``'s, or a meeting's close when its decision adopts the topic)."""
    topic.status = status
    topic.answer = reason
    topic.public = True
    if topic.answered_at is None:
        topic.answered_at, topic.answered_by = now, actor
    topic.save(update_fields=["status", "answer", "public", "answered_at", "answered_by"])
    _tell_followers(
        topic, "deliberation.topic_answered",
        {"title": topic.title, "status": topic.get_status_display(), "reason": reason},
        skip=actor,
    )  # fmt: skip


@transaction.atomic(durable=True)
def answer(actor: User, topic: Any, status: Any, reason: Any = "") -> Topic:
    """答复: 评估中, 采纳 or 不予采纳 (with the reason). The first answer stops the clock;
    an answered topic may be shown publicly; the submitter and the followers are told."""
    found = _locked(topic)
    require_manager(actor, found.region_id, TOPIC_NOT_FOUND)
    if status not in ANSWERS:
        raise InvalidInput.field("status", "请选择答复：评估中、采纳或不予采纳")
    _move(found, status)
    reason_text = long_text(
        reason, "reason", "不予采纳的理由", REASON_MAX, required=status == TopicStatus.REJECTED
    )
    before = found.status
    now = timezone.now()
    settle(found, actor, status, reason_text, now)
    audit.record(
        Verb.TOPIC_ANSWERED, actor=actor, target=found,
        data={"from": before, "to": status, "reason": reason_text,
              "late": bool(found.answer_due_at and now > found.answer_due_at)},
    )  # fmt: skip
    return found


@transaction.atomic(durable=True)
def merge(actor: User, source: Any, into: Any, reason: Any = "") -> Topic:
    """合并 a duplicate into another open topic of the same community. Supports and followers
    carry over (someone who supported both counts once); both counts are recounted from the
    rows; the source becomes 已合并 and its submitter and followers are told."""
    source_pk, into_pk = getattr(source, "pk", source), getattr(into, "pk", into)
    if str(source_pk) == str(into_pk):
        raise InvalidInput.field("into", "不能将议题合并到其自身")
    # Lock both in primary-key order so that two merges of the same pair never deadlock.
    first, second = sorted([source_pk, into_pk], key=lambda v: int(v) if str(v).isdigit() else 0)
    locked = {str(first): _locked(first), str(second): _locked(second)}
    found, target = locked[str(source_pk)], locked[str(into_pk)]
    require_manager(actor, found.region_id, TOPIC_NOT_FOUND)
    require_manager(actor, target.region_id, TOPIC_NOT_FOUND)
    if found.status not in OPEN_TOPIC_STATUSES:
        raise DomainError(f"该议题已「{found.get_status_display()}」，不能再合并")
    if target.status not in OPEN_TOPIC_STATUSES:
        raise InvalidInput.field(
            "into", f"目标议题已「{target.get_status_display()}」，不能合并到已关闭的议题"
        )
    if found.region_id != target.region_id:
        raise InvalidInput.field("into", "只能合并同一社区的议题")
    _move(found, TopicStatus.MERGED)
    reason_text = text(reason, "reason", "合并说明", 200, required=False)
    told = topic_queries.followers_of(found)  # before the followers move
    already = set(TopicSupport.objects.filter(topic=target).values_list("user_id", flat=True))
    moved = (
        TopicSupport.objects.filter(topic=found).exclude(user_id__in=already).update(topic=target)
    )
    duplicates, _ = TopicSupport.objects.filter(topic=found).delete()
    following = set(TopicFollower.objects.filter(topic=target).values_list("user_id", flat=True))
    TopicFollower.objects.filter(topic=found).exclude(user_id__in=following).update(topic=target)
    TopicFollower.objects.filter(topic=found).delete()
    target.support_count = TopicSupport.objects.filter(topic=target).count()
    target.save(update_fields=["support_count"])
    ready = _check_threshold(target)
    now = timezone.now()
    found.status, found.merged_into, found.support_count = TopicStatus.MERGED, target, 0
    found.answer = reason_text or f"已合并至议题「{target.title}」"
    found.public = True
    if found.answered_at is None:
        found.answered_at, found.answered_by = now, actor
    found.save(update_fields=[
        "status", "merged_into", "support_count", "answer", "public", "answered_at",
        "answered_by",
    ])  # fmt: skip
    for person in told:
        if person.pk == actor.pk:
            continue
        url = _staff_url(target) if queries.is_staff(person) else _member_url(target)
        notify(
            person, "deliberation.topic_merged",
            {"title": found.title, "into": target.title, "reason": reason_text, "url": url},
        )  # fmt: skip
    audit.record(
        Verb.TOPIC_MERGED, actor=actor, target=found,
        data={"into": target.pk, "moved_supports": moved, "duplicate_supports": duplicates,
              "count": target.support_count, "agenda_ready": ready, "reason": reason_text},
    )  # fmt: skip
    return target


# --- settings and categories -----------------------------------------------------------------

SETTING_LIMITS = {
    "support_threshold": ("列入议程所需支持数", 1, 100_000),
    "answer_workdays": ("答复时限（工作日）", 1, 60),
    "adults": ("十八周岁以上居民数", 0, 10_000_000),
    "households": ("户数", 0, 10_000_000),
    "groups": ("居民小组数", 0, 100_000),
    "representatives": ("居民代表数", 0, 100_000),
}


def _whole(value: Any, field: str, label: str, low: int, high: int) -> int:
    try:
        number = int(str(value).strip())
    except (TypeError, ValueError):
        raise InvalidInput.field(field, f"{label}应为整数") from None
    if not low <= number <= high:
        raise InvalidInput.field(field, f"{label}应在 {low} 到 {high} 之间")
    return number


@transaction.atomic(durable=True)
def save_settings(actor: User, region: Any, **fields: Any) -> CommunitySettings:
    """议事设置 of a community in scope: hall name, support threshold, answer time in working
    days, 一月一会, and the counts the quorum is taken of (adults, households, groups,
    representatives). Fields left out keep their value."""
    community = _community(region)
    require_manager(actor, community.code, "未找到该社区")
    row = CommunitySettings.objects.select_for_update().filter(region=community).first()
    row = row or queries.settings_for(community)
    changed: dict[str, Any] = {}
    if "hall_name" in fields:
        row.hall_name = text(fields["hall_name"], "hall_name", "议事厅名称", 40, required=False)
        changed["hall_name"] = row.hall_name
    for name, (label, low, high) in SETTING_LIMITS.items():
        if name in fields:
            setattr(row, name, _whole(fields[name], name, label, low, high))
            changed[name] = getattr(row, name)
    if "monthly_cadence" in fields:
        row.monthly_cadence = bool(fields["monthly_cadence"])
        changed["monthly_cadence"] = row.monthly_cadence
    row.region = community
    row.updated_at = timezone.now()
    row.save()
    audit.record(
        Verb.DELIBERATION_SETTINGS_SAVED, actor=actor, target=row, region=community.code,
        data=changed,
    )  # fmt: skip
    return row


def may_edit_categories(actor: Any) -> bool:
    """District-level (or wider) staff with deliberation.manage, or a superuser: the categories
    are the deployment's, shared by every community."""
    if getattr(actor, "is_superuser", False) and actor.is_active:
        return True
    if not queries.may_manage(actor):
        return False
    prefix = scope_prefix(actor)
    membership = actor.active_membership
    return prefix is not None and membership is not None and membership.region.level in WIDE_LEVELS


@transaction.atomic(durable=True)
def save_category(
    actor: User, *, category: Any = None, code: Any = "", name: Any = "", order: Any = 0,
    is_active: Any = True,
) -> TopicCategory:  # fmt: skip
    """Add a category, rename or re-order it, or deactivate it (kept for the topics that have
    it; no new topic may take it)."""
    if not may_edit_categories(actor):
        raise NotPermitted("议题类别由区级工作人员统一维护")
    found = None
    if category not in (None, ""):
        pk = getattr(category, "pk", category)
        found = (
            TopicCategory.objects.select_for_update().filter(pk=pk).first()
            if str(pk).isdigit()
            else None
        )
        if found is None:
            raise NotFound("未找到该议题类别")
    cleaned_name = text(name, "name", "类别名称", 30)
    if found is None:
        cleaned_code = text(code, "code", "编码", 40)
        if not all(c.isascii() and (c.isalnum() or c in "-_") for c in cleaned_code):
            raise InvalidInput.field("code", "编码只能包含字母、数字、连字符和下划线")
        if TopicCategory.objects.filter(code=cleaned_code).exists():
            raise InvalidInput.field("code", "该编码已被使用")
        found = TopicCategory(code=cleaned_code)
    if TopicCategory.objects.filter(name=cleaned_name).exclude(pk=found.pk).exists():
        raise InvalidInput.field("name", "已有同名的议题类别")
    found.name = cleaned_name
    found.order = _whole(order or 0, "order", "排序", 0, 10_000)
    found.is_active = bool(is_active)
    found.save()
    audit.record(
        Verb.TOPIC_CATEGORY_SAVED, actor=actor, target=found,
        data={"code": found.code, "name": found.name, "active": found.is_active},
    )  # fmt: skip
    return found
