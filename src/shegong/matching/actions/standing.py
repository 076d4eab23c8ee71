"""Standing orders (常态化服务): a daily or weekly service for one beneficiary (a meal every
day at 11:30), its rota of helpers, the tasks generated for each day, pausing for a hospital
stay, and the missed-task alert.

Each verb runs in one durable transaction and writes one audit entry. ``generate_tasks`` is
idempotent (``task_once_per_day``): a scan runs it every hour for today and tomorrow, and a
worker may run it again from the list. ``flag_missed`` marks tasks still due 30 minutes after
their time as missed and tells the community's workers (members with ``matching.manage`` in the
community or above it) at once, so the alert reaches them within the hour.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from shegong.accounts.models import User
from shegong.accounts.queries import holders
from shegong.core import audit
from shegong.core.audit import Verb
from shegong.core.errors import DomainError, InvalidInput, NotFound, NotPermitted
from shegong.core.notify import notify, register_event
from shegong.core.perms import Perm
from shegong.core.scope import scope_prefix
from shegong.ledger.models import Person
from shegong.matching import queries
from shegong.matching.choices import OfferStatus, StandingStatus, TaskStatus
from shegong.matching.models import (
    CatalogueItem,
    Category,
    Offer,
    RotaSlot,
    StandingOrder,
    StandingTask,
)
from shegong.regions.models import Region
from shegong.volunteers.actions import hours as volunteer_hours

__all__ = [
    "end", "flag_missed", "generate_tasks", "mark_done", "pause", "resume", "save_standing",
    "set_rota",
]  # fmt: skip

MISSED_AFTER = timedelta(minutes=30)
MINUTES_MAX = 8 * 60
TITLE_MAX = 60
REASON_MAX = 100
NOTE_MAX = 200
FUNDING_MAX = 100
WEEKDAY_NAMES = {1: "周一", 2: "周二", 3: "周三", 4: "周四", 5: "周五", 6: "周六", 7: "周日"}

register_event(
    "matching.standing_missed",
    title="常态化服务未按时完成：{{ community }} {{ count }} 项",
    body="{{ items }}。请尽快联系服务方或安排补送。",
    link="{{ url }}",
)


# --- small checks ---------------------------------------------------------------------------


def _text(value: Any, field: str, label: str, limit: int, *, required: bool = True) -> str:
    text = " ".join(str(value or "").split())
    if required and not text:
        raise InvalidInput.field(field, f"请填写{label}")
    if len(text) > limit:
        raise InvalidInput.field(field, f"{label}不能超过 {limit} 字")
    return text


def _url(name: str, *args: Any) -> str:
    try:
        return reverse(name, args=list(args))
    except NoReverseMatch:
        return ""


def _require_manager(actor: User | None, region_code: str) -> None:
    """Staff with matching.manage whose scope covers the community (None: the system)."""
    if actor is None:
        return
    if not queries.may_manage(actor):
        raise NotPermitted("您当前的角色不能管理常态化服务")
    prefix = scope_prefix(actor)
    if prefix is None or not region_code.startswith(prefix):
        raise NotFound("未找到该常态化服务")


def _lock(standing: Any) -> StandingOrder:
    pk = getattr(standing, "pk", standing)
    found = (
        StandingOrder.objects.select_for_update().filter(pk=pk).first()
        if str(pk).isdigit()
        else None
    )
    if found is None:
        raise NotFound("未找到该常态化服务")
    return found


def _weekdays(value: Any) -> list[int]:
    try:
        days = sorted({int(day) for day in value or []})
    except (TypeError, ValueError):
        raise InvalidInput.field("weekdays", "服务日应为周一至周日") from None
    if not days:
        raise InvalidInput.field("weekdays", "请至少选择一个服务日")
    if days[0] < 1 or days[-1] > 7:
        raise InvalidInput.field("weekdays", "服务日应为周一至周日")
    return days


def _minutes(value: Any) -> int:
    try:
        minutes = int(value)
    except (TypeError, ValueError):
        raise InvalidInput.field("minutes", "每次时长应为整数（分钟）") from None
    if not 1 <= minutes <= MINUTES_MAX:
        raise InvalidInput.field("minutes", f"每次时长应在 1 到 {MINUTES_MAX} 分钟之间")
    return minutes


def due_at(standing: StandingOrder, day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, standing.at_time))


def paused_on(standing: StandingOrder, day: date) -> bool:
    """Whether the standing order is paused on that day (暂停至 is the last paused day)."""
    return standing.status == StandingStatus.PAUSED and (
        standing.paused_until is None or day <= standing.paused_until
    )


# --- 登记与修改 -------------------------------------------------------------------------------


@transaction.atomic(durable=True)
def save_standing(
    actor: User, standing: Any = None, *, region: Any, category: Any, beneficiary: Any,
    title: str, weekdays: Any, at_time: Any, minutes: Any, starts_on: Any, ends_on: Any = None,
    item: Any = None, address: str = "", funding_source: str = "",
) -> StandingOrder:  # fmt: skip
    """登记 or 修改 a standing order: the beneficiary is a ledger Person of the community in the
    actor's scope; it runs on ISO weekdays (1–7) at a time, for some minutes, from a start date
    to an optional end, paid from a named funding source."""
    code = getattr(region, "code", region) or ""
    community = Region.objects.filter(code=code).first() if code else None
    if community is None or community.level != "community":
        raise InvalidInput.field("region", "请选择服务对象所在的社区")
    _require_manager(actor, community.code)
    found = None
    if standing is not None:
        found = _lock(standing)
        _require_manager(actor, found.region_id)
        if found.status == StandingStatus.ENDED:
            raise DomainError("该常态化服务已结束，不能再修改")
    found_category = Category.objects.filter(pk=getattr(category, "pk", category) or 0).first()
    if found_category is None or not found_category.is_active:
        raise InvalidInput.field("category", "请选择服务类别")
    found_item = None
    if item not in (None, ""):
        found_item = CatalogueItem.objects.filter(
            pk=getattr(item, "pk", item), category=found_category, is_active=True
        ).first()
        if found_item is None:
            raise InvalidInput.field("item", "所选服务项目不属于该类别")
    person = (
        Person.objects.visible_to(actor).filter(pk=getattr(beneficiary, "pk", beneficiary)).first()
        if str(getattr(beneficiary, "pk", beneficiary) or "").isdigit()
        else None
    )
    if person is None:
        raise InvalidInput.field("beneficiary", "未找到该服务对象，请先在台账中登记")
    if not community.contains_code(person.region_id):
        raise InvalidInput.field("beneficiary", f"服务对象不在{community.name}")
    if not isinstance(at_time, time):
        raise InvalidInput.field("at_time", "请填写服务时间")
    if not isinstance(starts_on, date):
        raise InvalidInput.field("starts_on", "请填写开始日期")
    if ends_on is not None and not isinstance(ends_on, date):
        raise InvalidInput.field("ends_on", "结束日期格式不正确")
    if ends_on is not None and ends_on < starts_on:
        raise InvalidInput.field("ends_on", "结束日期不能早于开始日期")
    if found is None and starts_on < timezone.localdate() - timedelta(days=31):
        raise InvalidInput.field("starts_on", "开始日期不能早于一个月前")
    values = {
        "region": community, "category": found_category, "item": found_item,
        "beneficiary": person, "title": _text(title, "title", "服务内容", TITLE_MAX),
        "weekdays": _weekdays(weekdays), "at_time": at_time, "minutes": _minutes(minutes),
        "starts_on": starts_on, "ends_on": ends_on,
        "address": _text(address, "address", "服务地址", 200, required=False),
        "funding_source": _text(funding_source, "funding_source", "经费来源", FUNDING_MAX,
                                required=False),
    }  # fmt: skip
    if found is None:
        found = StandingOrder.objects.create(**values, created_by=actor)
        created = True
    else:
        if found.region_id != community.code and found.rota.exists():
            raise InvalidInput.field("region", "已排班的常态化服务不能改到其他社区，请先清空排班")
        for name, value in values.items():
            setattr(found, name, value)
        found.save()
        created = False
    audit.record(
        Verb.STANDING_SAVED, actor=actor, target=found,
        data={"created": created, "category": found_category.code, "weekdays": found.weekdays,
              "at": found.at_time.strftime("%H:%M"), "funding": found.funding_source},
    )  # fmt: skip
    return found


# --- 排班 -----------------------------------------------------------------------------------


@transaction.atomic(durable=True)
def set_rota(standing: Any, rota: dict[Any, Any], actor: User) -> StandingOrder:
    """排班: who serves on each weekday ({weekday: offer}; a weekday left out has nobody). Each
    offer is an approved one of the same category and community, insured when the item is
    risky (志愿服务条例 art. 17)."""
    found = _lock(standing)
    _require_manager(actor, found.region_id)
    if found.status == StandingStatus.ENDED:
        raise DomainError("该常态化服务已结束，不能再排班")
    risky = bool(found.item_id and found.item and found.item.risky)
    today = timezone.localdate()
    chosen: dict[int, Offer] = {}
    errors: list[dict[str, str]] = []
    for key, value in (rota or {}).items():
        try:
            weekday = int(key)
        except (TypeError, ValueError):
            raise InvalidInput.field("rota", "排班的星期应为周一至周日") from None
        if weekday not in WEEKDAY_NAMES:
            raise InvalidInput.field("rota", "排班的星期应为周一至周日")
        if value in (None, ""):
            continue
        field = f"day_{weekday}"
        pk = getattr(value, "pk", value)
        offer = Offer.objects.filter(pk=pk).first() if str(pk).isdigit() else None
        name = WEEKDAY_NAMES[weekday]
        if offer is None or offer.region_id != found.region_id:
            errors.append({"field": field, "message": f"{name}：该服务方不在本社区的供给清单中"})
        elif offer.category_id != found.category_id:
            errors.append({"field": field, "message": f"{name}：该服务方不属于本服务的类别"})
        elif offer.status != OfferStatus.APPROVED:
            errors.append({"field": field, "message": f"{name}：该服务方尚未上架或已暂停"})
        elif risky and not offer.insured_on(today):
            errors.append({"field": field, "message": f"{name}：该服务有人身风险，服务方须已投保"})
        else:
            chosen[weekday] = offer
    InvalidInput.raise_if_any(errors)
    off_days = sorted(set(chosen) - set(found.weekdays))
    if off_days:
        names = "、".join(WEEKDAY_NAMES[d] for d in off_days)
        raise InvalidInput.field("rota", f"{names}不是本服务的服务日")
    RotaSlot.objects.filter(standing_order=found).delete()
    RotaSlot.objects.bulk_create(
        [RotaSlot(standing_order=found, weekday=d, offer=o) for d, o in sorted(chosen.items())]
    )
    # Tasks not yet done follow the new rota.
    for pending in StandingTask.objects.filter(
        standing_order=found, status=TaskStatus.DUE, on__gte=today
    ):
        offer = chosen.get(pending.on.isoweekday())
        if pending.offer_id != getattr(offer, "pk", None):
            pending.offer = offer
            pending.save(update_fields=["offer"])
    audit.record(
        Verb.ROTA_SAVED, actor=actor, target=found,
        data={"rota": {str(d): o.pk for d, o in sorted(chosen.items())}},
    )  # fmt: skip
    return found


# --- 暂停、恢复、结束 --------------------------------------------------------------------------


@transaction.atomic(durable=True)
def pause(standing: Any, actor: User, *, until: Any, reason: str) -> StandingOrder:
    """暂停 (a hospital stay) up to and including ``until``: that day's and later tasks up to
    it are generated as 暂停免做 (skipped); tasks already generated for those days are skipped."""
    found = _lock(standing)
    _require_manager(actor, found.region_id)
    if found.status == StandingStatus.ENDED:
        raise DomainError("该常态化服务已结束")
    today = timezone.localdate()
    if not isinstance(until, date):
        raise InvalidInput.field("until", "请填写暂停至哪一天")
    if until < today:
        raise InvalidInput.field("until", "暂停截止日期不能早于今天")
    text = _text(reason, "reason", "暂停原因", REASON_MAX)
    found.status = StandingStatus.PAUSED
    found.paused_until = until
    found.pause_reason = text
    found.save(update_fields=["status", "paused_until", "pause_reason"])
    skipped = StandingTask.objects.filter(
        standing_order=found, status=TaskStatus.DUE, on__gte=today, on__lte=until
    ).update(status=TaskStatus.SKIPPED, note=f"暂停：{text}"[:NOTE_MAX])
    audit.record(
        Verb.STANDING_PAUSED, actor=actor, target=found,
        data={"until": until.isoformat(), "reason": text, "skipped": skipped},
    )  # fmt: skip
    return found


@transaction.atomic(durable=True)
def resume(standing: Any, actor: User) -> StandingOrder:
    """恢复: the service runs again from today; today's skipped task, if its time has not
    passed, is due again."""
    found = _lock(standing)
    _require_manager(actor, found.region_id)
    if found.status != StandingStatus.PAUSED:
        raise DomainError(f"本服务当前为「{found.get_status_display()}」，不在暂停状态")
    now = timezone.now()
    found.status = StandingStatus.ACTIVE
    found.paused_until = None
    found.save(update_fields=["status", "paused_until"])
    revived = StandingTask.objects.filter(
        standing_order=found, status=TaskStatus.SKIPPED, due_at__gt=now
    ).update(status=TaskStatus.DUE, note="")
    audit.record(Verb.STANDING_RESUMED, actor=actor, target=found, data={"revived": revived})
    return found


@transaction.atomic(durable=True)
def end(standing: Any, actor: User, *, reason: str = "") -> StandingOrder:
    """结束: no more tasks; tasks still due after today are dropped."""
    found = _lock(standing)
    _require_manager(actor, found.region_id)
    if found.status == StandingStatus.ENDED:
        raise DomainError("该常态化服务已结束")
    today = timezone.localdate()
    found.status = StandingStatus.ENDED
    found.ends_on = min(found.ends_on or today, today)
    found.paused_until = None
    found.save(update_fields=["status", "ends_on", "paused_until"])
    dropped, _ = StandingTask.objects.filter(
        standing_order=found, status__in=[TaskStatus.DUE, TaskStatus.SKIPPED], on__gt=today
    ).delete()
    audit.record(
        Verb.STANDING_ENDED, actor=actor, target=found,
        data={"reason": _text(reason, "reason", "结束原因", REASON_MAX, required=False),
              "dropped": dropped},
    )  # fmt: skip
    return found


# --- 每日任务 ---------------------------------------------------------------------------------


def _runs_on(standing: StandingOrder, day: date) -> bool:
    return (
        standing.starts_on <= day
        and (standing.ends_on is None or day <= standing.ends_on)
        and day.isoweekday() in (standing.weekdays or [])
    )


@transaction.atomic(durable=True)
def generate_tasks(day: date, *, actor: User | None = None, now: datetime | None = None) -> int:
    """生成任务: one task for ``day`` per standing order running that day (in the actor's scope;
    every community for the system), with the rota's offer; paused ones get 暂停免做 tasks.
    Idempotent: a day's task exists once (``task_once_per_day``). Returns how many were made."""
    now = now or timezone.now()
    rows = StandingOrder.objects.exclude(status=StandingStatus.ENDED).filter(starts_on__lte=day)
    if actor is not None:
        if not queries.may_manage(actor):
            raise NotPermitted("您当前的角色不能生成常态化服务任务")
        rows = rows.visible_to(actor)
    have = set(
        StandingTask.objects.filter(on=day, standing_order__in=rows).values_list(
            "standing_order_id", flat=True
        )
    )
    rota = {
        (s, w): o
        for s, w, o in RotaSlot.objects.filter(
            standing_order__in=rows, weekday=day.isoweekday()
        ).values_list("standing_order_id", "weekday", "offer_id")
    }
    new: list[StandingTask] = []
    for standing in rows.exclude(pk__in=have):
        if not _runs_on(standing, day):
            continue
        skipped = paused_on(standing, day)
        new.append(
            StandingTask(
                standing_order=standing, region_id=standing.region_id, on=day,
                due_at=due_at(standing, day),
                offer_id=rota.get((standing.pk, day.isoweekday())),
                status=TaskStatus.SKIPPED if skipped else TaskStatus.DUE,
                note=f"暂停：{standing.pause_reason}"[:NOTE_MAX] if skipped else "",
            )
        )  # fmt: skip
    StandingTask.objects.bulk_create(new, batch_size=500, ignore_conflicts=True)
    if new:
        audit.record(
            Verb.STANDING_TASKS_GENERATED, actor=actor,
            region=scope_prefix(actor) if actor is not None else None,
            data={"day": day.isoformat(), "count": len(new),
                  "skipped": sum(t.status == TaskStatus.SKIPPED for t in new)},
        )  # fmt: skip
    return len(new)


def _record_team(task: StandingTask, offer: Offer) -> Any:
    return queries.settings_of(task.region_id).record_team or offer.team


@transaction.atomic(durable=True)
def mark_done(
    task: Any, actor: User, *, note: str = "", now: datetime | None = None
) -> StandingTask:
    """完成: by the rota's helper (the offer's account) or staff of the community. A volunteer's
    minutes become a pending service record (谁组织谁记录) through the volunteers app. A missed
    task may still be marked done late (it counts as not punctual)."""
    now = now or timezone.now()
    pk = getattr(task, "pk", task)
    found = (
        StandingTask.objects.select_for_update(of=("self",))
        .select_related("standing_order", "offer")
        .filter(pk=pk)
        .first()
        if str(pk).isdigit()
        else None
    )
    if found is None:
        raise NotFound("未找到该服务任务")
    offer = found.offer
    is_helper = offer is not None and offer.helper_id is not None and offer.helper_id == actor.pk
    if not is_helper:
        prefix = scope_prefix(actor)
        if not (
            queries.may_manage(actor) and prefix is not None and found.region_id.startswith(prefix)
        ):
            raise NotFound("未找到该服务任务")
    if found.status not in (TaskStatus.DUE, TaskStatus.MISSED):
        raise DomainError(f"该任务当前为「{found.get_status_display()}」，不能标记完成")
    if now < found.due_at - timedelta(hours=12):
        raise DomainError("还没到服务时间，不能提前标记完成")
    standing = found.standing_order
    found.status = TaskStatus.DONE
    found.done_at = now
    found.done_by = actor
    found.note = _text(note, "note", "说明", NOTE_MAX, required=False)
    team = _record_team(found, offer) if offer is not None else None
    if offer is not None and offer.volunteer_id and team is not None and standing.minutes:
        hours = (Decimal(standing.minutes) / 60).quantize(Decimal("0.01"))
        record = volunteer_hours.record_order_service(
            offer.volunteer_id, team, actor=actor, served_on=found.on, hours=hours,
            content=f"常态化服务：{standing.title}"[:200],
            reason=f"常态化服务任务 {found.on:%Y-%m-%d}",
        )  # fmt: skip
        found.service_record_id = record.pk
    found.save(update_fields=["status", "done_at", "done_by", "note", "service_record_id"])
    audit.record(
        Verb.STANDING_TASK_DONE, actor=actor, target=found,
        data={"late": now > found.due_at + MISSED_AFTER,
              "service_record": found.service_record_id},
    )  # fmt: skip
    return found


# --- 未完成提醒 -------------------------------------------------------------------------------


def community_workers(community_code: str) -> list[User]:
    """The active accounts holding ``matching.manage`` in the community or above it."""
    return holders(Perm.MATCHING_MANAGE, community_code)


@transaction.atomic(durable=True)
def flag_missed(now: datetime | None = None) -> int:
    """Tasks still due 30 minutes after their time become 未按时完成; each community's workers
    get one message listing them (the alert within the hour). Returns how many were flagged."""
    now = now or timezone.now()
    due = list(
        StandingTask.objects.select_for_update(of=("self",))
        .filter(status=TaskStatus.DUE, due_at__lt=now - MISSED_AFTER)
        .select_related("standing_order", "standing_order__beneficiary", "offer")
        .order_by("region_id", "due_at", "pk")
    )
    if not due:
        return 0
    ids = [t.pk for t in due]
    flagged = StandingTask.objects.filter(pk__in=ids, status=TaskStatus.DUE).update(
        status=TaskStatus.MISSED, alerted_at=now
    )
    by_community: dict[str, list[StandingTask]] = defaultdict(list)
    for task in due:
        by_community[task.region_id].append(task)
        audit.record(
            Verb.STANDING_TASK_MISSED, actor=None, target=task,
            data={"due_at": task.due_at.isoformat(), "offer": task.offer_id},
        )  # fmt: skip
    names = dict(Region.objects.filter(code__in=by_community).values_list("code", "name"))
    url = _url("matching:standing_list") + "?missed=today" if _url("matching:standing_list") else ""
    for code, tasks in by_community.items():
        items = "；".join(
            f"{t.standing_order.beneficiary.name_masked} {t.standing_order.title} "
            f"{timezone.localtime(t.due_at):%H:%M}"
            f"（{t.offer.provider_name if t.offer else '未排班'}）"
            for t in tasks[:10]
        ) + ("等" if len(tasks) > 10 else "")
        context = {"community": names.get(code, code), "count": len(tasks), "items": items,
                   "url": url}  # fmt: skip
        for worker in community_workers(code):
            notify(worker, "matching.standing_missed", context)
    return flagged
