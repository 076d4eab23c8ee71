"""Service orders (四单): 点单 → 审核 → 派单 / 抢单池 → 接单 → 服务中 → 已完成 → 已评价.

Each verb runs in one durable transaction, checks ``choices.ORDER_TRANSITIONS``, writes one
audit entry and queues its notifications. Two helpers racing for one order (two grabs, or an
accept against a timeout): the move is a conditional ``UPDATE … WHERE status = <expected>``, so
exactly one of them changes the row and the other is told the order is gone; the partial unique
constraint ``assignment_one_live`` backs it. A helper who declined or let an order expire is
never offered it again (``assignment_once_per_offer``; the engine excludes them).

When a helper declines, or the acceptance time runs out (``expire_overdue``, a periodic scan),
the order goes to the engine's next candidate at once; with none left it waits at 待处理 with
the reason, on the unmet list, never dropped.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal, InvalidOperation
from typing import Any
from uuid import uuid4

from django.db import IntegrityError, transaction
from django.db.models import F
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from shegong.accounts.models import User
from shegong.core import audit, geo
from shegong.core.audit import Verb
from shegong.core.errors import DomainError, IllegalTransition, InvalidInput, NotFound, NotPermitted
from shegong.core.notify import notify, register_event
from shegong.core.scope import scope_prefix
from shegong.ledger.models import Person
from shegong.matching import queries
from shegong.matching.choices import (
    ORDER_TRANSITIONS,
    AssignmentMode,
    AssignmentOutcome,
    Channel,
    DispatchMode,
    OfferStatus,
    OrderStatus,
    RatedAs,
)
from shegong.matching.models import Assignment, CatalogueItem, Category, Need, Offer, Order
from shegong.regions.models import Region
from shegong.volunteers.actions import hours as volunteer_hours

__all__ = [
    "accept", "approve", "cancel", "complete", "decline", "dispatch", "expire_overdue", "grab",
    "open_pool", "place", "rate", "reassign", "refuse", "start",
]  # fmt: skip

DESCRIPTION_MAX = 300
REASON_MAX = 200
WINDOW_MAX = timedelta(days=14)
AHEAD_MAX = timedelta(days=90)
FENCE_M = 300  # check-in at the beneficiary: the volunteers' default activity radius
ACCURACY_CAP_M = 100  # as the volunteers' attendance caps a phone's reported accuracy
HOURS_MAX = Decimal("24")

register_event(
    "matching.order_dispatched",
    title="新派单：{{ category }}",
    body="{{ description }}（{{ window }}）。请在 {{ deadline }} 前接单或婉拒。",
    link="{{ url }}",
)
register_event(
    "matching.order_refused",
    title="您的服务需求未被受理",
    body="{{ category }}：{{ description }}。原因：{{ reason }}",
    link="{{ url }}",
)
register_event(
    "matching.order_accepted",
    title="您的服务需求已有人接单",
    body="{{ category }}：{{ helper }} 已接单，将于 {{ window }} 上门服务。",
    link="{{ url }}",
)
register_event(
    "matching.order_done",
    title="服务已完成，请评价",
    body="{{ category }}：{{ helper }} 已完成服务。请为本次服务打分（评单）。",
    link="{{ url }}",
)
register_event(
    "matching.order_cancelled",
    title="服务订单已取消",
    body="{{ category }}：{{ description }}。原因：{{ reason }}",
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


def _move(order: Order, target: str) -> None:
    allowed = ORDER_TRANSITIONS[order.status]
    if target not in allowed:
        raise IllegalTransition(
            order.get_status_display(),
            OrderStatus(target).label,
            [OrderStatus(s).label for s in OrderStatus if s in allowed],
        )


def _url(name: str, pk: int) -> str:
    try:
        return reverse(name, args=[pk])
    except NoReverseMatch:
        return ""


def _window_label(order: Order) -> str:
    start, end = timezone.localtime(order.window_start), timezone.localtime(order.window_end)
    same = start.date() == end.date()
    return f"{start:%m-%d %H:%M}–{end:%H:%M}" if same else f"{start:%m-%d %H:%M}–{end:%m-%d %H:%M}"


def _context(order: Order, **extra: Any) -> dict[str, Any]:
    return {
        "category": order.category.name, "description": order.description,
        "window": _window_label(order), **extra,
    }  # fmt: skip


def _requester_of(order: Order) -> Any:
    return order.beneficiary_user or order.requester


def _require_manager(actor: User | None, order: Order) -> None:
    """Staff with matching.manage over the order's community (actor None: the system)."""
    if actor is None:
        return
    if not queries.may_manage(actor):
        raise NotPermitted("您当前的角色不能处理服务订单")
    if not queries.orders_for_staff(actor).filter(pk=order.pk).exists():
        raise NotFound("未找到该服务订单")


def _lock(order: Any) -> Order:
    pk = getattr(order, "pk", order)
    found = (
        Order.objects.select_for_update(of=("self",))
        .select_related("category", "offer")
        .filter(pk=pk)
        .first()
        if str(pk).isdigit()
        else None
    )
    if found is None:
        raise NotFound("未找到该服务订单")
    return found


def _aware(value: Any, field: str, label: str) -> datetime:
    if not isinstance(value, datetime):
        raise InvalidInput.field(field, f"请填写{label}")
    return timezone.make_aware(value) if timezone.is_naive(value) else value


def _community(region: Any) -> Region:
    code = getattr(region, "code", region)
    found = Region.objects.filter(code=code).first() if code else None
    if found is None or found.level != "community":
        raise InvalidInput.field("region", "请选择服务对象所在的社区")
    return found


def _point(community: Region, lat: Any, lon: Any) -> tuple[float | None, float | None]:
    if lat in (None, "") and lon in (None, ""):
        return None, None
    w_lat, w_lon = geo.check_point(lat, lon)
    if community.boundary and not geo.contains(community.boundary, w_lat, w_lon):
        raise InvalidInput.field("lat", f"服务地点不在{community.name}范围内，请核对位置或所选社区")
    return w_lat, w_lon


# --- 点单 ------------------------------------------------------------------------------------


@transaction.atomic(durable=True)
def place(
    actor: User, *, region: Any, category: Any, description: str, window_start: Any,
    window_end: Any, item: Any = None, address: str = "", lat: Any = None, lon: Any = None,
    photos: list[dict[str, Any]] | None = None, beneficiary: Any = None, contact_phone: str = "",
    need: Any = None, source_report_id: int | None = None, now: datetime | None = None,
) -> Order:  # fmt: skip
    """点单: a resident for themselves (H5), or staff on behalf of a ledger Person without a
    phone (``beneficiary``), or staff turning a 随手拍 case into a service need
    (``source_report_id``). The order waits for the community's review (待审核)."""
    now = now or timezone.now()
    errors: list[dict[str, str]] = []
    community = _community(region)
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
    text = _text(description, "description", "需求描述", DESCRIPTION_MAX)
    start = _aware(window_start, "window_start", "期望服务时间")
    end = _aware(window_end, "window_end", "期望服务结束时间")
    if start < now - timedelta(minutes=5):
        errors.append({"field": "window_start", "message": "期望服务时间不能早于现在"})
    if end <= start:
        errors.append({"field": "window_end", "message": "结束时间应晚于开始时间"})
    elif end - start > WINDOW_MAX:
        errors.append({"field": "window_end", "message": "一次服务的时间段不能超过 14 天"})
    if start > now + AHEAD_MAX:
        errors.append({"field": "window_start", "message": "只能预约 90 天以内的服务"})
    InvalidInput.raise_if_any(errors)
    w_lat, w_lon = _point(community, lat, lon)
    staff = queries.may_manage(actor)
    person = None
    channel = Channel.RESIDENT
    if beneficiary not in (None, "") or source_report_id is not None:
        if not staff:
            raise NotPermitted("只有社区工作人员可以代为点单")
        channel = Channel.REPORT if source_report_id is not None else Channel.STAFF
    if staff:
        prefix = scope_prefix(actor)
        if prefix is None or not community.code.startswith(prefix):
            raise NotFound("未找到该社区")
    if beneficiary not in (None, ""):
        person = Person.objects.filter(pk=getattr(beneficiary, "pk", beneficiary)).first()
        if person is None:
            raise InvalidInput.field("beneficiary", "未找到该服务对象，请先在台账中登记")
    elif channel == Channel.STAFF and staff and source_report_id is None:
        raise InvalidInput.field("beneficiary", "代为点单须选择服务对象")
    found_need = None
    if need not in (None, ""):
        found_need = Need.objects.filter(pk=getattr(need, "pk", need), region=community).first()
        if found_need is None:
            raise InvalidInput.field("need", "该需求不在本社区的需求清单中")
    phone = str(contact_phone or "").strip()
    if channel == Channel.RESIDENT:
        phone = phone or actor.phone
        if person is None:
            person = Person.objects.filter(user=actor).first()
    sensitive = found_category.sensitive or bool(found_item and found_item.sensitive)
    order = Order.objects.create(
        number=f"tmp-{uuid4().hex[:16]}", region=community, category=found_category,
        item=found_item, need=found_need, channel=channel, requester=actor, beneficiary=person,
        beneficiary_user=actor if channel == Channel.RESIDENT else getattr(person, "user", None),
        source_report_id=source_report_id, description=text, sensitive=sensitive,
        risky=bool(found_item and found_item.risky),
        urgency=found_item.urgency if found_item else "normal",
        window_start=start, window_end=end,
        address=_text(address, "address", "服务地址", 200, required=False),
        contact_phone=phone, lat=w_lat, lon=w_lon, photos=photos or [], created_by=actor,
        created_at=now, waiting_since=now,
    )  # fmt: skip
    order.number = f"FW{timezone.localtime(now):%Y%m%d}{order.pk:06d}"
    order.save(update_fields=["number"])
    audit.record(
        Verb.ORDER_PLACED, actor=actor, target=order,
        data={"category": found_category.code, "channel": channel, "sensitive": sensitive},
    )  # fmt: skip
    return order


# --- 审核 -----------------------------------------------------------------------------------


@transaction.atomic(durable=True)
def approve(order: Any, actor: User | None, *, now: datetime | None = None) -> Order:
    """审核通过: the category's mode decides what follows — 社区派单 waits at 待处理 for the
    dispatcher, 抢单池 opens the pool, 自动派单 offers it to the engine's best candidate."""
    now = now or timezone.now()
    found = _lock(order)
    _require_manager(actor, found)
    if found.status != OrderStatus.REVIEW:
        raise DomainError(f"本单当前为「{found.get_status_display()}」，不在待审核状态")
    found.reviewed_at = now
    mode = found.category.dispatch_mode
    data: dict[str, Any] = {"mode": mode}
    if mode == DispatchMode.GRAB:
        found.status = OrderStatus.POOL
        found.save(update_fields=["status", "reviewed_at"])
    elif mode == DispatchMode.AUTO:
        found.status = OrderStatus.WAITING
        found.save(update_fields=["status", "reviewed_at"])
        data["offer"] = _forward(found, actor=None, now=now, reason="")
    else:
        found.status = OrderStatus.WAITING
        found.waiting_since = now
        found.save(update_fields=["status", "reviewed_at", "waiting_since"])
    audit.record(Verb.ORDER_APPROVED, actor=actor, target=found, data=data)
    return found


@transaction.atomic(durable=True)
def refuse(order: Any, actor: User | None, reason: str) -> Order:
    """不予受理, with the reason the resident is told."""
    found = _lock(order)
    _require_manager(actor, found)
    _move(found, OrderStatus.REFUSED)
    found.refused_reason = _text(reason, "reason", "不予受理的原因", REASON_MAX)
    found.status = OrderStatus.REFUSED
    found.reviewed_at = timezone.now()
    found.save(update_fields=["status", "refused_reason", "reviewed_at"])
    if (who := _requester_of(found)) is not None and who != actor:
        notify(
            who, "matching.order_refused",
            _context(found, reason=found.refused_reason, url=_url("matching_m:order", found.pk)),
        )  # fmt: skip
    audit.record(
        Verb.ORDER_REFUSED, actor=actor, target=found, data={"reason": found.refused_reason}
    )
    return found


# --- 派单, 抢单池 ------------------------------------------------------------------------------


def _offer_to(
    order: Order, offer: Offer, *, mode: str, actor: User | None, now: datetime,
    score: float | None = None, explanation: dict[str, Any] | None = None,
) -> Assignment:  # fmt: skip
    deadline = now + timedelta(minutes=queries.accept_minutes(order.region_id))
    try:
        with transaction.atomic():
            assignment = Assignment.objects.create(
                order=order, offer=offer, mode=mode, score=score, explanation=explanation or {},
                deadline=deadline, assigned_by=actor, created_at=now,
            )  # fmt: skip
    except IntegrityError:
        raise DomainError(
            f"{offer.provider_name} 已处理过本单（婉拒、超时或被改派），不能再次派给其"
        ) from None
    order.status = OrderStatus.DISPATCHED
    order.offer = offer
    order.accept_deadline = deadline
    order.unmet_reason = ""
    order.dispatched_at = order.dispatched_at or now
    order.save(
        update_fields=["status", "offer", "accept_deadline", "unmet_reason", "dispatched_at"]
    )
    Offer.objects.filter(pk=offer.pk).update(
        assigned_count=F("assigned_count") + 1, last_assigned_at=now
    )
    if offer.helper_id:
        notify(
            offer.helper, "matching.order_dispatched",
            _context(order, deadline=f"{timezone.localtime(deadline):%m-%d %H:%M}",
                     url=_url("matching_m:helper_order", order.pk)),
        )  # fmt: skip
    return assignment


def _forward(order: Order, *, actor: User | None, now: datetime, reason: str) -> int | None:
    """Offer the order to the engine's best remaining candidate, or leave it at 待处理 on the
    unmet list with the reason. Returns the offer's id (None: nobody)."""
    best = queries.shortlist(order, k=1)
    if not best:
        order.status = OrderStatus.WAITING
        order.offer = None
        order.accept_deadline = None
        order.waiting_since = now
        order.unmet_reason = (reason + "；" if reason else "") + "暂无符合条件的服务方"
        order.save(
            update_fields=["status", "offer", "accept_deadline", "waiting_since", "unmet_reason"]
        )
        return None
    match = best[0]
    offer = Offer.objects.select_related("helper").get(pk=match.offer_id)
    _offer_to(
        order, offer, mode=AssignmentMode.AUTO, actor=actor, now=now, score=match.score,
        explanation=match.explanation(),
    )  # fmt: skip
    return offer.pk


@transaction.atomic(durable=True)
def dispatch(
    order: Any, offer: Any, actor: User | None, *, now: datetime | None = None
) -> Assignment:
    """派单: the dispatcher gives the order to a candidate of the explained list; a candidate
    the engine would never propose (unavailable, out of area, uninsured for risky work,
    blocked, declined before) is refused with the engine's reason."""
    now = now or timezone.now()
    found = _lock(order)
    _require_manager(actor, found)
    if found.status in (OrderStatus.DISPATCHED, OrderStatus.POOL):
        raise DomainError("本单已派出或在抢单池中，请先改派")
    _move(found, OrderStatus.DISPATCHED)
    target = (
        Offer.objects.select_related("helper").filter(pk=getattr(offer, "pk", offer) or 0).first()
    )
    if target is None:
        raise InvalidInput.field("offer", "请选择服务方")
    why = queries.refusal_for(found, target)
    if why:
        raise DomainError(f"不能派给 {target.provider_name}：{why}")
    match = next((m for m in queries.shortlist(found, k=10_000) if m.offer_id == target.pk), None)
    if found.status == OrderStatus.REVIEW:
        found.reviewed_at = now
        found.save(update_fields=["reviewed_at"])
    assignment = _offer_to(
        found, target, mode=AssignmentMode.DISPATCH, actor=actor, now=now,
        score=match.score if match else None, explanation=match.explanation() if match else None,
    )  # fmt: skip
    audit.record(
        Verb.ORDER_DISPATCHED, actor=actor, target=found,
        data={"offer": target.pk, "provider": target.provider_name,
              "score": round(match.score, 4) if match else None},
    )  # fmt: skip
    return assignment


@transaction.atomic(durable=True)
def open_pool(order: Any, actor: User | None) -> Order:
    """放入抢单池: any approved helper of the category in the community may grab it."""
    found = _lock(order)
    _require_manager(actor, found)
    _move(found, OrderStatus.POOL)
    found.status = OrderStatus.POOL
    found.reviewed_at = found.reviewed_at or timezone.now()
    found.save(update_fields=["status", "reviewed_at"])
    audit.record(Verb.ORDER_POOLED, actor=actor, target=found)
    return found


def _helper_offer(order: Order, helper: User, offer: Any = None) -> Offer:
    mine = Offer.objects.filter(helper=helper, status=OfferStatus.APPROVED)
    if offer not in (None, ""):
        mine = mine.filter(pk=getattr(offer, "pk", offer))
    else:
        mine = mine.filter(category_id=order.category_id, region_id=order.region_id)
    found = mine.first()
    if found is None:
        raise NotFound("您没有可承接本单的服务")
    return found


@transaction.atomic(durable=True)
def grab(order: Any, helper: User, *, offer: Any = None, now: datetime | None = None) -> Order:
    """抢单: the first valid grab wins (a conditional update; the loser is told it is gone)."""
    now = now or timezone.now()
    pk = getattr(order, "pk", order)
    found = (
        Order.objects.select_related("category").filter(pk=pk).first()
        if str(pk).isdigit()
        else None
    )
    if found is None:
        raise NotFound("未找到该服务订单")
    mine = _helper_offer(found, helper, offer)
    why = queries.refusal_for(found, mine)
    if why:
        raise DomainError(f"您不能承接本单：{why}")
    won = Order.objects.filter(pk=found.pk, status=OrderStatus.POOL).update(
        status=OrderStatus.ACCEPTED, offer=mine, accepted_at=now, unmet_reason="",
        dispatched_at=now,
    )  # fmt: skip
    if not won:
        raise DomainError("手慢了，本单已被他人抢走或已撤出抢单池")
    try:
        with transaction.atomic():
            Assignment.objects.create(
                order=found, offer=mine, mode=AssignmentMode.GRAB,
                outcome=AssignmentOutcome.ACCEPTED, created_at=now, decided_at=now,
            )  # fmt: skip
    except IntegrityError:
        raise DomainError("手慢了，本单已被他人抢走或已撤出抢单池") from None
    Offer.objects.filter(pk=mine.pk).update(
        load=F("load") + 1, assigned_count=F("assigned_count") + 1, last_assigned_at=now
    )
    found.refresh_from_db()
    _tell_accepted(found, mine)
    audit.record(Verb.ORDER_GRABBED, actor=helper, target=found, data={"offer": mine.pk})
    return found


def _tell_accepted(order: Order, offer: Offer) -> None:
    if (who := _requester_of(order)) is not None:
        notify(
            who, "matching.order_accepted",
            _context(order, helper=offer.provider_name, url=_url("matching_m:order", order.pk)),
        )  # fmt: skip


def _live_assignment(order: Order, helper: User) -> Assignment:
    found = (
        Assignment.objects.select_related("offer")
        .filter(order=order, outcome=AssignmentOutcome.PENDING, offer__helper=helper)
        .first()
    )
    if found is None:
        raise NotFound("本单没有派给您，或已改派")
    return found


# --- 接单, 婉拒, 超时 --------------------------------------------------------------------------


@transaction.atomic(durable=True)
def accept(order: Any, helper: User, *, now: datetime | None = None) -> Order:
    """接单 before the deadline."""
    now = now or timezone.now()
    found = _lock(order)
    assignment = _live_assignment(found, helper)
    if assignment.deadline and assignment.deadline < now:
        raise DomainError("接单时间已过，本单将转派他人")
    won = Order.objects.filter(
        pk=found.pk, status=OrderStatus.DISPATCHED, offer_id=assignment.offer_id
    ).update(status=OrderStatus.ACCEPTED, accepted_at=now, accept_deadline=None)
    if not won:
        raise DomainError("本单已改派或取消")
    assignment.outcome = AssignmentOutcome.ACCEPTED
    assignment.decided_at = now
    assignment.save(update_fields=["outcome", "decided_at"])
    Offer.objects.filter(pk=assignment.offer_id).update(load=F("load") + 1)
    found.refresh_from_db()
    _tell_accepted(found, assignment.offer)
    audit.record(
        Verb.ORDER_ACCEPTED, actor=helper, target=found, data={"offer": assignment.offer_id}
    )
    return found


@transaction.atomic(durable=True)
def decline(order: Any, helper: User, reason: str, *, now: datetime | None = None) -> Order:
    """婉拒 with a reason: the order goes to the next candidate (never back to this helper)."""
    now = now or timezone.now()
    found = _lock(order)
    assignment = _live_assignment(found, helper)
    text = _text(reason, "reason", "婉拒原因", REASON_MAX)
    assignment.outcome = AssignmentOutcome.DECLINED
    assignment.reason = text
    assignment.decided_at = now
    assignment.save(update_fields=["outcome", "reason", "decided_at"])
    nxt = _forward(
        found, actor=None, now=now, reason=f"{assignment.offer.provider_name}婉拒：{text}"
    )
    audit.record(
        Verb.ORDER_DECLINED, actor=helper, target=found,
        data={"offer": assignment.offer_id, "reason": text, "next": nxt},
    )  # fmt: skip
    return found


def expire_overdue(now: datetime | None = None) -> int:
    """超时未接: every pending assignment past its deadline expires and its order goes to the
    next candidate (one transaction per order). Returns how many expired."""
    now = now or timezone.now()
    ids = list(
        Assignment.objects.filter(outcome=AssignmentOutcome.PENDING, deadline__lt=now)
        .order_by("deadline")
        .values_list("order_id", flat=True)[:500]
    )
    done = 0
    for order_id in ids:
        done += _expire_one(order_id, now)
    return done


@transaction.atomic(durable=True)
def _expire_one(order_id: int, now: datetime) -> int:
    found = _lock(order_id)
    assignment = (
        Assignment.objects.select_related("offer")
        .filter(order=found, outcome=AssignmentOutcome.PENDING, deadline__lt=now)
        .first()
    )
    if assignment is None:  # accepted or withdrawn meanwhile
        return 0
    assignment.outcome = AssignmentOutcome.EXPIRED
    assignment.decided_at = now
    assignment.save(update_fields=["outcome", "decided_at"])
    nxt = _forward(found, actor=None, now=now, reason=f"{assignment.offer.provider_name}超时未接单")
    audit.record(
        Verb.ORDER_EXPIRED,
        actor=None,
        target=found,
        data={"offer": assignment.offer_id, "next": nxt},
    )
    return 1


@transaction.atomic(durable=True)
def reassign(order: Any, actor: User | None, reason: str, *, now: datetime | None = None) -> Order:
    """改派: the current helper is withdrawn (never offered it again) and the order returns to
    待处理 for the dispatcher."""
    now = now or timezone.now()
    found = _lock(order)
    _require_manager(actor, found)
    _move(found, OrderStatus.WAITING)
    text = _text(reason, "reason", "改派原因", REASON_MAX)
    live = Assignment.objects.filter(
        order=found, outcome__in=[AssignmentOutcome.PENDING, AssignmentOutcome.ACCEPTED]
    ).first()
    if live is not None:
        if live.outcome == AssignmentOutcome.ACCEPTED:
            Offer.objects.filter(pk=live.offer_id, load__gt=0).update(load=F("load") - 1)
        live.outcome = AssignmentOutcome.WITHDRAWN
        live.reason = text
        live.decided_at = now
        live.save(update_fields=["outcome", "reason", "decided_at"])
    found.status = OrderStatus.WAITING
    found.offer = None
    found.accept_deadline = None
    found.accepted_at = None
    found.started_at = None
    found.waiting_since = now
    found.unmet_reason = f"改派：{text}"
    found.save(update_fields=[
        "status", "offer", "accept_deadline", "accepted_at", "started_at", "waiting_since",
        "unmet_reason",
    ])  # fmt: skip
    audit.record(
        Verb.ORDER_REASSIGNED, actor=actor, target=found,
        data={"reason": text, "offer": live.offer_id if live else None},
    )  # fmt: skip
    return found


# --- 服务 ------------------------------------------------------------------------------------


def _held(order: Order, helper: User) -> None:
    if order.offer is None or order.offer.helper_id != helper.pk:
        raise NotFound("未找到该服务订单")


def _fence(order: Order, lat: Any, lon: Any, accuracy: Any, crs: str, verb: str) -> int | None:
    """The distance to the beneficiary (None when the order has no point); refuse beyond the
    fence plus the phone's accuracy (capped), as the volunteers' check-in does."""
    if order.lat is None or order.lon is None:
        return None
    try:
        w_lat, w_lon = geo.check_point(lat, lon, crs or "wgs84")
    except InvalidInput as exc:
        raise InvalidInput("未能获取有效的位置：" + exc.detail, errors=exc.errors) from None
    try:
        acc = min(float(accuracy or 0), ACCURACY_CAP_M)
    except (TypeError, ValueError):
        raise InvalidInput.field("accuracy", "定位精度应为数字（米）") from None
    distance = geo.haversine_m(order.lat, order.lon, w_lat, w_lon)
    if distance > FENCE_M + max(acc, 0):
        raise DomainError(f"您距服务地点约 {distance:.0f} 米，需在 {FENCE_M} 米内{verb}")
    return round(distance)


@transaction.atomic(durable=True)
def start(
    order: Any, helper: User, *, lat: Any = None, lon: Any = None, accuracy: Any = None,
    crs: str = "wgs84", now: datetime | None = None,
) -> Order:  # fmt: skip
    """签到: the helper arrives at the beneficiary (服务中)."""
    now = now or timezone.now()
    found = _lock(order)
    _held(found, helper)
    _move(found, OrderStatus.SERVING)
    found.start_distance_m = _fence(found, lat, lon, accuracy, crs, "签到")
    found.status = OrderStatus.SERVING
    found.started_at = now
    found.save(update_fields=["status", "started_at", "start_distance_m"])
    audit.record(
        Verb.ORDER_STARTED, actor=helper, target=found, data={"distance_m": found.start_distance_m}
    )
    return found


def _hours(value: Any, order: Order, now: datetime) -> Decimal:
    if value in (None, ""):
        if order.started_at is None:
            raise InvalidInput.field("hours", "未签到的订单请填写服务时长")
        minutes = max((now - order.started_at).total_seconds() / 60, 0)
        return (Decimal(minutes) / 60).quantize(Decimal("0.01"))
    try:
        amount = Decimal(str(value)).quantize(Decimal("0.01"))
    except (InvalidOperation, ValueError):
        raise InvalidInput.field("hours", "服务时长应为数字（小时）") from None
    if not Decimal("0") < amount <= HOURS_MAX:
        raise InvalidInput.field("hours", "服务时长应在 0 到 24 小时之间")
    return amount


def _record_team(order: Order, offer: Offer) -> Any:
    return queries.settings_of(order.region_id).record_team or offer.team


@transaction.atomic(durable=True)
def complete(
    order: Any, helper: User, *, note: str, hours: Any = None,
    photos: list[dict[str, Any]] | None = None, lat: Any = None, lon: Any = None,
    accuracy: Any = None, crs: str = "wgs84", now: datetime | None = None,
) -> Order:  # fmt: skip
    """服务完成: notes, photos and hours; the hours become a volunteer service record (pending
    the community team's approval) through the volunteers app."""
    now = now or timezone.now()
    found = _lock(order)
    _held(found, helper)
    _move(found, OrderStatus.DONE)
    found.completion_note = _text(note, "note", "服务记录", DESCRIPTION_MAX)
    if found.started_at is not None and lat not in (None, ""):
        found.finish_distance_m = _fence(found, lat, lon, accuracy, crs, "签退")
    found.hours = _hours(hours, found, now)
    found.completion_photos = photos or []
    found.finished_at = now
    found.status = OrderStatus.DONE
    offer = found.offer
    assert offer is not None
    team = _record_team(found, offer)
    if offer.volunteer_id and team is not None and found.hours > 0:
        record = volunteer_hours.record_order_service(
            offer.volunteer_id, team, actor=helper, served_on=timezone.localtime(now).date(),
            hours=found.hours, content=f"{found.category.name}：{found.description}"[:200],
            reason=f"服务订单 {found.number}",
        )  # fmt: skip
        found.service_record_id = record.pk
    found.save(update_fields=[
        "completion_note", "finish_distance_m", "hours", "completion_photos", "finished_at",
        "status", "service_record_id",
    ])  # fmt: skip
    Offer.objects.filter(pk=offer.pk, load__gt=0).update(load=F("load") - 1)
    if (who := _requester_of(found)) is not None:
        notify(
            who, "matching.order_done",
            _context(found, helper=offer.provider_name, url=_url("matching_m:order", found.pk)),
        )  # fmt: skip
    audit.record(
        Verb.ORDER_COMPLETED, actor=helper, target=found,
        data={"hours": str(found.hours), "service_record": found.service_record_id},
    )  # fmt: skip
    return found


# --- 评单, 取消 -------------------------------------------------------------------------------


@transaction.atomic(durable=True)
def rate(
    order: Any, actor: User, *, stars: Any, comment: str = "", closing_note: str = "",
    now: datetime | None = None,
) -> Order:  # fmt: skip
    """评单 (1–5 stars and a comment) by the beneficiary, or by staff on their behalf, and the
    结项 note. Anyone else is refused."""
    now = now or timezone.now()
    found = _lock(order)
    if (
        actor.pk is not None
        and actor.pk in (found.requester_id, found.beneficiary_user_id)
        and (found.channel == Channel.RESIDENT or actor.pk == found.beneficiary_user_id)
    ):
        rated_as = RatedAs.BENEFICIARY
    elif queries.may_manage(actor) and queries.orders_for_staff(actor).filter(pk=found.pk).exists():
        rated_as = RatedAs.STAFF
    else:
        raise NotPermitted("只有服务对象本人或社区工作人员可以评单")
    _move(found, OrderStatus.RATED)
    try:
        value = int(stars)
    except (TypeError, ValueError):
        value = 0
    if not 1 <= value <= 5:
        raise InvalidInput.field("stars", "请选择 1 到 5 星")
    found.stars = value
    found.comment = _text(comment, "comment", "评价", DESCRIPTION_MAX, required=value <= 2)
    found.closing_note = _text(
        closing_note, "closing_note", "结项说明", DESCRIPTION_MAX, required=False
    )
    found.rated_as = rated_as
    found.rated_by = actor
    found.rated_at = now
    found.status = OrderStatus.RATED
    found.save(
        update_fields=[
            "stars",
            "comment",
            "closing_note",
            "rated_as",
            "rated_by",
            "rated_at",
            "status",
        ]
    )
    if found.offer_id:
        Offer.objects.filter(pk=found.offer_id).update(
            rating_sum=F("rating_sum") + value, rating_count=F("rating_count") + 1
        )
    audit.record(Verb.ORDER_RATED, actor=actor, target=found, data={"stars": value, "as": rated_as})
    return found


@transaction.atomic(durable=True)
def cancel(order: Any, actor: User, reason: str, *, now: datetime | None = None) -> Order:
    """取消 with a reason: the requester before anyone accepted it, or staff at any open step."""
    now = now or timezone.now()
    found = _lock(order)
    staff = (
        queries.may_manage(actor) and queries.orders_for_staff(actor).filter(pk=found.pk).exists()
    )
    own = actor.pk in (found.requester_id, found.beneficiary_user_id)
    if not staff and not own:
        raise NotFound("未找到该服务订单")
    _move(found, OrderStatus.CANCELLED)
    if not staff and found.status not in (
        OrderStatus.REVIEW,
        OrderStatus.WAITING,
        OrderStatus.DISPATCHED,
        OrderStatus.POOL,
    ):
        raise DomainError("已有人接单，请联系社区取消")
    text = _text(reason, "reason", "取消原因", REASON_MAX)
    live = Assignment.objects.filter(
        order=found, outcome__in=[AssignmentOutcome.PENDING, AssignmentOutcome.ACCEPTED]
    ).first()
    if live is not None:
        if live.outcome == AssignmentOutcome.ACCEPTED:
            Offer.objects.filter(pk=live.offer_id, load__gt=0).update(load=F("load") - 1)
        live.outcome = AssignmentOutcome.WITHDRAWN
        live.reason = f"订单取消：{text}"
        live.decided_at = now
        live.save(update_fields=["outcome", "reason", "decided_at"])
    found.status = OrderStatus.CANCELLED
    found.cancelled_reason = text
    found.accept_deadline = None
    found.save(update_fields=["status", "cancelled_reason", "accept_deadline"])
    if staff and (who := _requester_of(found)) is not None and who != actor:
        notify(
            who,
            "matching.order_cancelled",
            _context(found, reason=text, url=_url("matching_m:order", found.pk)),
        )
    audit.record(
        Verb.ORDER_CANCELLED, actor=actor, target=found, data={"reason": text, "by_staff": staff}
    )
    return found
