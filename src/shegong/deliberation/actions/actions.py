"""Action items (落地实事): a decision being delivered, its owner, due date, budget, progress
and timeline.

Each verb runs in one durable transaction and writes one audit entry. ``create_action`` is also
called inside a meeting's close (``meetings.close``) for each decision of the record: it then
runs in that transaction (``_create``) and is audited as the meeting's close.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from shegong.accounts.models import Department, User
from shegong.accounts.queries import holders
from shegong.core import audit
from shegong.core import photos as photo_intake
from shegong.core.audit import Verb
from shegong.core.errors import DomainError, InvalidInput
from shegong.core.notify import notify, register_event
from shegong.core.perms import Perm
from shegong.core.values import lock, long_text, text
from shegong.deliberation.actions._common import a_date, require_manager
from shegong.deliberation.choices import (
    OPEN_ACTION_STATUSES,
    TOPIC_TRANSITIONS,
    ActionStatus,
    OwnerKind,
    TopicStatus,
    UpdateKind,
)
from shegong.deliberation.models import (
    ActionItem,
    ActionUpdate,
    AgendaItem,
    Meeting,
    Topic,
    TopicCategory,
    TopicFollower,
)
from shegong.ledger.models import Organization
from shegong.regions.models import Region

__all__ = [
    "cancel", "community_managers", "complete", "create_action", "edit", "notify_overdue",
    "redate", "send_feedback", "update_progress",
]  # fmt: skip

ACTION_NOT_FOUND = "未找到该落地实事"
TITLE_MAX = 60
OWNER_MAX = 100
FUNDING_MAX = 100
BUDGET_MAX = Decimal("9999999999.99")


def _budget(value: Any) -> Decimal | None:
    if value in (None, ""):
        return None
    try:
        amount = Decimal(str(value)).quantize(Decimal("0.01"))
    except (InvalidOperation, ValueError):
        raise InvalidInput.field("budget", "预算应为金额（元）") from None
    if amount < 0 or amount > BUDGET_MAX:
        raise InvalidInput.field("budget", "预算应在 0 到 99.99 亿元之间")
    return amount


def _owner(
    community: Region, kind: Any, *, user: Any, department: Any, organization: Any, name: Any
) -> dict[str, Any]:
    """The owner fields: a person (an account, or a name), a department of the district, or an
    organization of the ledger; the shown name defaults to the chosen row's."""
    if kind not in OwnerKind.values:
        raise InvalidInput.field("owner_kind", "请选择责任方类型（个人、部门或组织）")
    found_user = found_department = found_organization = None
    if kind == OwnerKind.PERSON and user not in (None, ""):
        found_user = User.objects.filter(pk=getattr(user, "pk", user), is_active=True).first()
        if found_user is None:
            raise InvalidInput.field("owner_user", "未找到该责任人账号")
    if kind == OwnerKind.DEPARTMENT:
        pk = getattr(department, "pk", department)
        found_department = (
            Department.objects.select_related("region").filter(pk=pk, is_active=True).first()
            if str(pk).isdigit()
            else None
        )
        if found_department is None or not found_department.region.contains_code(community.code):
            raise InvalidInput.field("owner_department", "请选择负责该社区的部门")
    if kind == OwnerKind.ORGANIZATION and organization not in (None, ""):
        pk = getattr(organization, "pk", organization)
        found_organization = (
            Organization.objects.filter(pk=pk).first() if str(pk).isdigit() else None
        )
        if found_organization is None:
            raise InvalidInput.field("owner_organization", "未找到该组织，请先在台账中登记")
    shown = text(name, "owner_name", "责任方", OWNER_MAX, required=False) or str(
        found_user.name if found_user else found_department or found_organization or ""
    )
    if not shown:
        raise InvalidInput.field("owner_name", "请填写责任方")
    return {
        "owner_kind": kind, "owner_user": found_user, "owner_department": found_department,
        "owner_organization": found_organization, "owner_name": shown[:OWNER_MAX],
    }  # fmt: skip


def _create(
    actor: User | None, *, region: Any = None, category: Any = None, title: Any = "",
    due_on: Any = None, owner_kind: Any = "", owner_user: Any = None, owner_department: Any = None,
    owner_organization: Any = None, owner_name: Any = "", description: Any = "",
    budget: Any = None, funding_source: Any = "", topic: Topic | None = None,
    agenda_item: AgendaItem | None = None, meeting: Meeting | None = None,
    parent: ActionItem | None = None, public: bool = True,
) -> ActionItem:  # fmt: skip
    """Validate and write an action item (no transaction, no audit: the caller's)."""
    code = getattr(region, "code", region) or ""
    community = Region.objects.filter(code=code).first() if code else None
    if community is None or community.level != "community":
        raise InvalidInput.field("region", "请选择实事所在的社区")
    require_manager(actor, community.code, "未找到该社区")
    found_category = TopicCategory.objects.filter(
        pk=getattr(category, "pk", category)
        if str(getattr(category, "pk", category)).isdigit()
        else 0
    ).first()
    if found_category is None or not found_category.is_active:
        raise InvalidInput.field("category", "请选择实事类别")
    due = a_date(due_on, "due_on", "完成时限")
    if parent is not None and parent.region_id != community.code:
        raise InvalidInput.field("parent", "子事项须与上级事项在同一社区")
    if parent is not None and due > parent.due_on:
        raise InvalidInput.field(
            "due_on", f"子事项的完成时限不能晚于上级事项（{parent.due_on:%Y-%m-%d}）"
        )
    return ActionItem.objects.create(
        region=community, category=found_category,
        title=text(title, "title", "实事名称", TITLE_MAX),
        description=long_text(description, "description", "内容", 2000, required=False),
        topic=topic, agenda_item=agenda_item, meeting=meeting, parent=parent, due_on=due,
        budget=_budget(budget),
        funding_source=text(
            funding_source, "funding_source", "资金来源", FUNDING_MAX, required=False
        ),
        public=bool(public), created_by=actor,
        **_owner(community, owner_kind, user=owner_user, department=owner_department,
                 organization=owner_organization, name=owner_name),
    )  # fmt: skip


@transaction.atomic(durable=True)
def create_action(actor: User, **fields: Any) -> ActionItem:
    """建立 an action item by hand (or a child item, ``parent=``): the community in the actor's
    scope, a category, a title, an owner (person, department or organization), a due date, an
    optional budget and its source. A child item is due no later than its parent."""
    parent = fields.pop("parent", None)
    if parent not in (None, ""):
        parent = lock(ActionItem, parent, ACTION_NOT_FOUND)
        require_manager(actor, parent.region_id, ACTION_NOT_FOUND)
        fields["region"] = fields.get("region") or parent.region_id
        fields["topic"] = fields.get("topic") or parent.topic
    item = _create(actor, parent=parent or None, **fields)
    audit.record(
        Verb.ACTION_CREATED, actor=actor, target=item,
        data={"owner": item.owner_name, "due_on": item.due_on.isoformat(),
              "parent": item.parent_id, "budget": str(item.budget or "")},
    )  # fmt: skip
    return item


# --- the verbs of an item's life: progress, 调整时限, edit, complete, cancel, 反馈 --------------

REASON_MAX = 200
NOTE_MAX = 1000
PHOTO_FOLDER = "deliberation"

register_event(
    "deliberation.action_feedback",
    title="您关注的议题有了结果：{{ topic }}",
    body="{{ text }}",
    link="{{ url }}",
)
register_event(
    "deliberation.action_overdue",
    title="落地实事逾期未完成：{{ title }}",
    body="{{ community }}的“{{ title }}”完成时限为 {{ due_on }}，已逾期 {{ days }} 天，"
    "当前进度 {{ progress }}%。请尽快推进，或说明原因调整时限。",
    link="{{ url }}",
)


def _url(name: str, pk: int) -> str:
    try:
        return reverse(name, args=[pk])
    except NoReverseMatch:
        return ""


def _lock_open(item: Any) -> ActionItem:
    found = lock(ActionItem, item, ACTION_NOT_FOUND)
    if found.status not in OPEN_ACTION_STATUSES:
        raise DomainError(f"该实事{found.get_status_display()}，不能再变更")
    return found


def _owner_or_manager(actor: Any, found: ActionItem) -> None:
    """The owner account of the item, or staff managing its community."""
    if actor is not None and found.owner_user_id and actor.pk == found.owner_user_id:
        return
    require_manager(actor, found.region_id, ACTION_NOT_FOUND)


def _store(photos: Any) -> list[dict]:
    processed = photo_intake.process_photos(list(photos or []), field="photos")
    return photo_intake.store_photos(processed, folder=PHOTO_FOLDER) if processed else []


def _with_photos(photos: Any, write: Any) -> ActionItem:
    """Check and store the photos, then ``write(stored)``; the files go again if it fails."""
    stored = _store(photos)
    try:
        return write(stored)
    except BaseException:
        photo_intake.delete_stored(stored)
        raise


def _progress(value: Any) -> int:
    try:
        number = int(str(value).strip())
    except (TypeError, ValueError):
        raise InvalidInput.field("progress", "进度应为 0 到 100 之间的整数") from None
    if not 0 <= number <= 100:
        raise InvalidInput.field("progress", "进度应为 0 到 100 之间的整数")
    return number


def _entry(found: ActionItem, kind: str, actor: Any, **fields: Any) -> ActionUpdate:
    return ActionUpdate.objects.create(action=found, kind=kind, by=actor, **fields)


def update_progress(
    actor: Any, item: Any, progress: Any, text: Any, photos: Any = ()
) -> ActionItem:
    """更新进展: 0–100 %, a note (required when the progress goes down), photos; the first
    progress moves 未开始 → 推进中. The owner account or staff in scope."""
    return _with_photos(
        photos, lambda stored: _update_progress(actor, item, progress, text, stored)
    )


@transaction.atomic(durable=True)
def _update_progress(
    actor: Any, item: Any, progress: Any, note: Any, stored: list[dict]
) -> ActionItem:
    found = _lock_open(item)
    _owner_or_manager(actor, found)
    value = _progress(progress)
    cleaned = long_text(note, "text", "进展说明", NOTE_MAX, required=False)
    if value < found.progress and not cleaned:
        raise InvalidInput.field("text", f"进度低于当前的 {found.progress}%，请说明原因")
    if not cleaned and not stored and value == found.progress:
        raise InvalidInput.field("text", "请填写进展说明或上传照片")
    before = found.progress
    found.progress = value
    if found.status == ActionStatus.PLANNED:
        found.status = ActionStatus.IN_PROGRESS
    found.updated_at = timezone.now()
    found.save(update_fields=["progress", "status", "updated_at"])
    _entry(found, UpdateKind.PROGRESS, actor, progress=value, text=cleaned, photos=stored)
    audit.record(
        Verb.ACTION_PROGRESS, actor=actor, target=found,
        data={"from": before, "to": value, "photos": len(stored)},
    )  # fmt: skip
    return found


@transaction.atomic(durable=True)
def redate(actor: Any, item: Any, new_due_on: Any, reason: Any) -> ActionItem:
    """调整时限: a new due date with its reason, both dates on the timeline and in the audit.
    The only way ``due_on`` changes."""
    found = _lock_open(item)
    require_manager(actor, found.region_id, ACTION_NOT_FOUND)
    new = a_date(new_due_on, "new_due_on", "新的完成时限")
    why = text(reason, "reason", "调整原因", REASON_MAX)
    old = found.due_on
    if new == old:
        raise InvalidInput.field("new_due_on", f"新的完成时限与原时限（{old:%Y-%m-%d}）相同")
    if new < timezone.localdate():
        raise InvalidInput.field("new_due_on", "新的完成时限不能早于今天")
    if found.parent_id is not None:
        parent = ActionItem.objects.only("due_on").get(pk=found.parent_id)
        if new > parent.due_on:
            raise InvalidInput.field(
                "new_due_on", f"子事项的完成时限不能晚于上级事项（{parent.due_on:%Y-%m-%d}）"
            )
    latest_child = (
        found.children.filter(status__in=OPEN_ACTION_STATUSES)
        .order_by("-due_on")
        .values_list("due_on", flat=True)
        .first()
    )
    if latest_child is not None and new < latest_child:
        raise InvalidInput.field(
            "new_due_on", f"尚有子事项的完成时限为 {latest_child:%Y-%m-%d}，新时限不能早于它"
        )
    found.due_on = new
    found.redate_count += 1
    found.overdue_notified_on = None
    found.updated_at = timezone.now()
    found.save(update_fields=["due_on", "redate_count", "overdue_notified_on", "updated_at"])
    _entry(found, UpdateKind.REDATED, actor, text=why, old_due_on=old, new_due_on=new)
    audit.record(
        Verb.ACTION_REDATED, actor=actor, target=found,
        data={"old_due_on": old.isoformat(), "new_due_on": new.isoformat(), "reason": why,
              "count": found.redate_count},
    )  # fmt: skip
    return found


EDITABLE = (
    "title", "description", "owner_kind", "owner_user", "owner_department",
    "owner_organization", "owner_name", "budget", "funding_source", "public", "category",
)  # fmt: skip


@transaction.atomic(durable=True)
def edit(actor: Any, item: Any, **changes: Any) -> ActionItem:
    """修改: title, description, owner, budget, funding source, public, category. The due date
    is refused here (调整时限 only)."""
    if "due_on" in changes:
        raise InvalidInput.field("due_on", "完成时限只能通过“调整时限”修改，并须说明原因")
    unknown = sorted(set(changes) - set(EDITABLE))
    if unknown:
        raise InvalidInput.field(unknown[0], "该项不能修改")
    found = lock(ActionItem, item, ACTION_NOT_FOUND)
    require_manager(actor, found.region_id, ACTION_NOT_FOUND)
    if found.status == ActionStatus.CANCELLED:
        raise DomainError("该实事已取消，不能再修改")
    before = {f: str(getattr(found, f)) for f in ("title", "owner_name", "budget", "public")}
    if "title" in changes:
        found.title = text(changes["title"], "title", "实事名称", TITLE_MAX)
    if "description" in changes:
        found.description = long_text(
            changes["description"], "description", "内容", 2000, required=False
        )
    if "budget" in changes:
        found.budget = _budget(changes["budget"])
    if "funding_source" in changes:
        found.funding_source = text(
            changes["funding_source"], "funding_source", "资金来源", FUNDING_MAX, required=False
        )
    if "public" in changes:
        found.public = bool(changes["public"])
    if "category" in changes:
        category = changes["category"]
        pk = getattr(category, "pk", category)
        chosen = TopicCategory.objects.filter(pk=pk if str(pk).isdigit() else 0).first()
        if chosen is None or not chosen.is_active:
            raise InvalidInput.field("category", "请选择实事类别")
        found.category = chosen
    if {"owner_kind", "owner_user", "owner_department", "owner_organization", "owner_name"} & set(
        changes
    ):
        community = Region.objects.get(code=found.region_id)
        owner = _owner(
            community, changes.get("owner_kind", found.owner_kind),
            user=changes.get("owner_user", found.owner_user_id),
            department=changes.get("owner_department", found.owner_department_id),
            organization=changes.get("owner_organization", found.owner_organization_id),
            name=changes.get("owner_name", ""),
        )  # fmt: skip
        for field, value in owner.items():
            setattr(found, field, value)
    found.updated_at = timezone.now()
    found.save()
    after = {f: str(getattr(found, f)) for f in before}
    audit.record(
        Verb.ACTION_EDITED, actor=actor, target=found,
        data={"changed": sorted(changes), "before": before, "after": after},
    )  # fmt: skip
    return found


def _open_children(found: ActionItem) -> int:
    return found.children.filter(status__in=OPEN_ACTION_STATUSES).count()


def _followers(topic: Topic) -> list[User]:
    ids = set(TopicFollower.objects.filter(topic=topic).values_list("user_id", flat=True))
    if topic.submitter_id:
        ids.add(topic.submitter_id)
    return list(User.objects.filter(pk__in=ids, is_active=True).order_by("pk"))


def _send_feedback(actor: Any, found: ActionItem, topic: Topic, note: str) -> int:
    """The 反馈: a notification to the topic's submitter and followers, a FEEDBACK entry."""
    now = timezone.now()
    people = _followers(topic)
    context = {"topic": topic.title, "text": note, "url": _url("deliberation_m:action", found.pk)}
    for person in people:
        notify(person, "deliberation.action_feedback", context)
    _entry(found, UpdateKind.FEEDBACK, actor, text=note)
    found.feedback_at = now
    found.save(update_fields=["feedback_at"])
    return len(people)


def _deliver_topic(actor: Any, found: ActionItem) -> dict[str, Any]:
    """When every action item of the topic is closed (and one at least is done): the topic
    becomes 已落实 and its people get the 反馈."""
    if found.topic_id is None:
        return {}
    topic = Topic.objects.select_for_update(of=("self",)).get(pk=found.topic_id)
    items = ActionItem.objects.filter(topic=topic)
    if items.filter(status__in=OPEN_ACTION_STATUSES).exists():
        return {}
    if not items.filter(status=ActionStatus.DONE).exists():
        return {}
    delivered = False
    if TopicStatus.DELIVERED in TOPIC_TRANSITIONS.get(topic.status, frozenset()):
        topic.status = TopicStatus.DELIVERED
        topic.delivered_at = timezone.now()
        topic.save(update_fields=["status", "delivered_at"])
        delivered = True
    done = items.filter(status=ActionStatus.DONE).order_by("done_at", "pk")
    note = "您关注的议题“{}”已落实：{}。感谢您的参与！".format(
        topic.title, "、".join(item.title for item in done[:5])
    )
    told = _send_feedback(actor, found, topic, note)
    return {"topic_delivered": topic.pk if delivered else None, "feedback_to": told}


def complete(actor: Any, item: Any, text: Any, photos: Any = ()) -> ActionItem:
    """落实完成: progress 100 %, 已落实, the done time; refused while a child item is open.
    When the topic's items are all closed, the topic is 已落实 and its people get the 反馈."""
    return _with_photos(photos, lambda stored: _complete(actor, item, text, stored))


@transaction.atomic(durable=True)
def _complete(actor: Any, item: Any, note: Any, stored: list[dict]) -> ActionItem:
    found = _lock_open(item)
    _owner_or_manager(actor, found)
    cleaned = long_text(note, "text", "落实情况", NOTE_MAX)
    if (open_children := _open_children(found)) > 0:
        raise DomainError(f"尚有 {open_children} 项子事项未完成，请先完成或取消子事项")
    now = timezone.now()
    found.progress = 100
    found.status = ActionStatus.DONE
    found.done_at = now
    found.updated_at = now
    found.save(update_fields=["progress", "status", "done_at", "updated_at"])
    _entry(found, UpdateKind.DONE, actor, progress=100, text=cleaned, photos=stored)
    outcome = _deliver_topic(actor, found) if found.parent_id is None else {}
    audit.record(
        Verb.ACTION_DONE, actor=actor, target=found,
        data={"photos": len(stored), "redated": found.redate_count, **outcome},
    )  # fmt: skip
    return found


@transaction.atomic(durable=True)
def cancel(actor: Any, item: Any, reason: Any) -> ActionItem:
    """取消 with a reason (staff in scope); refused while a child item is open."""
    found = _lock_open(item)
    require_manager(actor, found.region_id, ACTION_NOT_FOUND)
    why = text(reason, "reason", "取消原因", REASON_MAX)
    if (open_children := _open_children(found)) > 0:
        raise DomainError(f"尚有 {open_children} 项子事项未完成，请先完成或取消子事项")
    found.status = ActionStatus.CANCELLED
    found.updated_at = timezone.now()
    found.save(update_fields=["status", "updated_at"])
    _entry(found, UpdateKind.CANCELLED, actor, text=why)
    outcome = _deliver_topic(actor, found) if found.parent_id is None else {}
    audit.record(Verb.ACTION_CANCELLED, actor=actor, target=found, data={"reason": why, **outcome})
    return found


@transaction.atomic(durable=True)
def send_feedback(actor: Any, item: Any, text: Any) -> ActionItem:
    """反馈 by hand to the topic's submitter and followers (staff in scope)."""
    found = lock(ActionItem, item, ACTION_NOT_FOUND)
    require_manager(actor, found.region_id, ACTION_NOT_FOUND)
    note = long_text(text, "text", "反馈内容", NOTE_MAX)
    if found.topic_id is None:
        raise DomainError("该实事没有来源议题，无人可反馈")
    topic = Topic.objects.get(pk=found.topic_id)
    told = _send_feedback(actor, found, topic, note)
    audit.record(Verb.ACTION_FEEDBACK_SENT, actor=actor, target=found, data={"to": told})
    return found


# --- 逾期提醒 ---------------------------------------------------------------------------------


def community_managers(community_code: str) -> list[User]:
    """The active accounts holding deliberation.manage in the community itself (a daily
    reminder per item is theirs; the street sees the overdue list and the card)."""
    return holders(Perm.DELIBERATION_MANAGE, community_code, inherited=False)


@transaction.atomic(durable=True)
def notify_overdue(today: date | None = None) -> int:
    """The daily reminder: each open item past its due date tells its owner account and the
    community's managers, once per day per item. Returns how many items were reminded of."""
    today = today or timezone.localdate()
    due = list(
        ActionItem.objects.select_for_update(of=("self",))
        .filter(status__in=OPEN_ACTION_STATUSES, due_on__lt=today)
        .filter(Q(overdue_notified_on__isnull=True) | Q(overdue_notified_on__lt=today))
        .select_related("region")
        .order_by("region_id", "due_on", "pk")
    )
    managers: dict[str, list[User]] = {}
    for found in due:
        if found.region_id not in managers:
            managers[found.region_id] = community_managers(found.region_id)
        people = {u.pk: u for u in managers[found.region_id]}
        if found.owner_user_id:
            owner = User.objects.filter(pk=found.owner_user_id, is_active=True).first()
            if owner is not None:
                people[owner.pk] = owner
        context = {
            "title": found.title, "community": found.region.name,
            "due_on": f"{found.due_on:%Y-%m-%d}", "days": (today - found.due_on).days,
            "progress": found.progress, "url": _url("deliberation:action", found.pk),
        }  # fmt: skip
        for person in people.values():
            notify(person, "deliberation.action_overdue", context)
        found.overdue_notified_on = today
        found.save(update_fields=["overdue_notified_on"])
        audit.record(
            Verb.ACTION_OVERDUE_NOTIFIED, actor=None, target=found,
            data={"due_on": found.due_on.isoformat(), "told": len(people)},
        )  # fmt: skip
    return len(due)
