"""The phone pages of 四单 (``/m/matching/``).

A resident places an order in under a minute (我要点单: a category tile, one sentence, a quick
pick of when, where, an optional photo), follows it (我的订单, the order's timeline), cancels it
before anyone accepted it and rates it when done. A helper (the account of an approved offer)
answers what was dispatched to them (接单 / 婉拒 against the deadline), grabs from the pool of
their offers' category and community, checks in at the beneficiary and completes with notes,
photos and hours. Every change is one action of ``actions/orders.py``; a refused one is shown
on the page with its Chinese reason and writes nothing.

The beneficiary is shown masked to the helper; the address in full only to the helper holding
the order (it is where they must go), never before acceptance.
"""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta
from typing import Any

from django.contrib import messages
from django.core.files.storage import default_storage
from django.http import FileResponse, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_safe

from shegong.accounts.queries import communities_of
from shegong.core import photos as photo_intake
from shegong.core.errors import DomainError, InvalidInput, NotFound
from shegong.core.idempotency import claim_row
from shegong.core.models import IdempotencyRecord
from shegong.matching.actions import orders as actions
from shegong.matching.choices import DAY_PART_HOURS, OrderStatus
from shegong.matching.models import Category, Order
from shegong.matching.queries import mobile as queries
from shegong.web.http import AuthedRequest

PAGE_SIZE = 50
TOKEN_PREFIX = "m-matching:"
DAYS = {"today": ("今天", 0), "tomorrow": ("明天", 1)}
PARTS = {"am": "上午", "pm": "下午", "eve": "晚上"}
PHOTO_KINDS = {
    "thumb": ("photos", "thumb"),
    "full": ("photos", "path"),
    "done-thumb": ("completion_photos", "thumb"),
    "done-full": ("completion_photos", "path"),
}
BEFORE_ACCEPTANCE = (
    OrderStatus.REVIEW,
    OrderStatus.WAITING,
    OrderStatus.DISPATCHED,
    OrderStatus.POOL,
)


def _errors(exc: DomainError) -> dict[str, str]:
    """An action's error by field ("" for the form as a whole)."""
    found: dict[str, str] = {}
    for item in getattr(exc, "errors", None) or []:
        key = str(item.get("field") or "")
        found[key] = "；".join(filter(None, [found.get(key, ""), str(item.get("message", ""))]))
    if not found:
        found[""] = exc.detail
    return found


def _stored_photos(files: list[Any], field: str) -> list[dict[str, Any]]:
    processed = photo_intake.process_photos(files, field=field) if files else []
    return photo_intake.store_photos(processed, folder="matching") if processed else []


# --- 我要点单 ---------------------------------------------------------------------------------


def _parse_local(raw: str) -> datetime | None:
    try:
        value = datetime.fromisoformat((raw or "").strip())
    except ValueError:
        return None
    return timezone.make_aware(value) if timezone.is_naive(value) else value


def _window(post: Any, now: datetime) -> tuple[datetime | None, datetime | None]:
    """The quick pick (今天/明天 × 上午/下午/晚上) or the exact times. A quick pick of today
    already begun starts now; one already over is handed on as it is (the action refuses it)."""
    day, part = post.get("day", ""), post.get("part", "")
    if day in DAYS and part in PARTS:
        local = timezone.localtime(now)
        on = local.date() + timedelta(days=DAYS[day][1])
        first, last = DAY_PART_HOURS[part]
        tz = timezone.get_current_timezone()
        start = datetime(on.year, on.month, on.day, first, tzinfo=tz)
        end = datetime(on.year, on.month, on.day, last, tzinfo=tz)
        if start < now < end:
            start = now
        return start, end
    return _parse_local(post.get("window_start", "")), _parse_local(post.get("window_end", ""))


def _place_context(request: AuthedRequest, values: dict[str, Any], errors: dict[str, str]) -> dict:
    categories = queries.active_categories()
    communities = communities_of(request.user)
    return {
        "categories": categories,
        "communities": communities,
        "days": [(k, v[0]) for k, v in DAYS.items()],
        "parts": list(PARTS.items()),
        "values": values,
        "errors": errors,
        "others": "；".join(v for k, v in errors.items() if k not in SHOWN_FIELDS),
        "max_photos": photo_intake.MAX_PHOTOS,
    }


SHOWN_FIELDS = {
    "category", "item", "description", "window_start", "window_end", "region", "address",
    "lat", "lon", "photos",
}  # fmt: skip


def _valid_token(raw: str) -> str | None:
    try:
        return str(uuid.UUID(raw))
    except (TypeError, ValueError, AttributeError):
        return None


@require_http_methods(["GET", "HEAD", "POST"])
def place(request: AuthedRequest) -> HttpResponse:
    """我要点单. The form carries a one-time token claimed like an Idempotency-Key (as 随手拍
    does): a double tap or a retry after a lost answer is sent to the order the first one made."""
    if request.method in ("GET", "HEAD"):
        values = {"category": request.GET.get("category", ""), "day": "today", "part": ""}
        communities = communities_of(request.user)
        values["region"] = communities[0].code if len(communities) == 1 else ""
        values["token"] = str(uuid.uuid4())
        return render(request, "matching/m_place.html", _place_context(request, values, {}))
    token = _valid_token(request.POST.get("token", "")) or str(uuid.uuid4())
    record, claimed = claim_row(
        f"user:{request.user.pk}", TOKEN_PREFIX + token, method="POST", path=request.path,
        fingerprint="",
    )  # fmt: skip
    if not claimed:
        if record.status_code is None:
            messages.info(request, "您的点单正在提交中，请稍候在「我的订单」中查看，无需重复提交")
            return redirect("matching_m:orders")
        messages.info(request, "该点单已提交成功，无需重复提交")
        return redirect("matching_m:order", pk=int(bytes(record.response_body or b"0").decode()))
    try:
        response, order = _place(request, token)
    except BaseException:
        IdempotencyRecord.objects.filter(pk=record.pk).delete()
        raise
    if order is None:  # nothing written: a corrected retry with the same token may succeed
        IdempotencyRecord.objects.filter(pk=record.pk).delete()
    else:
        IdempotencyRecord.objects.filter(pk=record.pk).update(
            status_code=302, response_body=str(order.pk).encode(), content_type="text/plain"
        )
    return response


def _place(request: AuthedRequest, token: str) -> tuple[HttpResponse, Order | None]:
    post = request.POST
    values = {key: post.get(key, "") for key in (
        "category", "item", "description", "day", "part", "window_start", "window_end",
        "region", "address", "lat", "lon",
    )}  # fmt: skip
    values["token"] = token
    files = [f for f in request.FILES.getlist("photos") if f.name]
    now = timezone.now()
    start, end = _window(post, now)
    category = Category.objects.filter(pk=post.get("category") or 0, is_active=True).first()
    stored: list[dict[str, Any]] = []
    try:
        if start is None:
            raise InvalidInput.field("window_start", "请选择服务时间")
        if end is None:
            raise InvalidInput.field("window_end", "请填写期望服务结束时间")
        if category is None:
            raise InvalidInput.field("category", "请选择服务类别")
        region = post.get("region", "")
        if region not in {c.code for c in communities_of(request.user)}:
            raise InvalidInput.field("region", "请选择您所在的社区")
        stored = _stored_photos(files, "photos")
        order = actions.place(
            request.user, region=region, category=category, item=post.get("item") or None,
            description=post.get("description", ""), window_start=start, window_end=end,
            address=post.get("address", ""), lat=post.get("lat") or None,
            lon=post.get("lon") or None, photos=stored, now=now,
        )  # fmt: skip
    except DomainError as exc:
        if stored:
            photo_intake.delete_stored(stored)
        errors = _errors(exc)
        if files and "photos" not in errors:
            errors["photos"] = "请重新选择照片（浏览器不会保留上次选择的照片）"
        context = _place_context(request, values, errors)
        return render(request, "matching/m_place.html", context, status=exc.status), None
    messages.success(request, f"点单成功，订单编号 {order.number}。社区审核后将为您安排服务。")
    return redirect("matching_m:order", pk=order.pk), order


# --- 我的订单 ---------------------------------------------------------------------------------


TABS = {"": "全部", "open": "进行中", "rate": "待评价", "closed": "已结束"}
TAB_FILTERS: dict[str, Any] = {
    "open": [*BEFORE_ACCEPTANCE, OrderStatus.ACCEPTED, OrderStatus.SERVING],
    "rate": [OrderStatus.DONE],
    "closed": [OrderStatus.RATED, OrderStatus.REFUSED, OrderStatus.CANCELLED],
}


@require_safe
def my_orders(request: AuthedRequest) -> HttpResponse:
    """我的订单: status, number, when."""
    tab = request.GET.get("tab", "")
    tab = tab if tab in TABS else ""
    rows = queries.my_orders(request.user)
    if tab:
        rows = rows.filter(status__in=TAB_FILTERS[tab])
    context = {
        "orders": list(rows[:PAGE_SIZE]),
        "tabs": list(TABS.items()),
        "tab": tab,
        "to_rate": queries.my_orders(request.user).filter(status=OrderStatus.DONE).count(),
    }
    return render(request, "matching/m_orders.html", context)


def timeline(order: Order) -> list[tuple[str, datetime | None, str]]:
    """The order's steps so far, oldest first: (what, when, note)."""
    steps: list[tuple[str, datetime | None, str]] = [
        ("点单", order.created_at, order.description),
        ("审核通过" if order.status != OrderStatus.REFUSED else "不予受理", order.reviewed_at,
         order.refused_reason),
        ("已派单", order.dispatched_at if not order.accepted_at else None, ""),
        ("已接单", order.accepted_at, order.offer.provider_name if order.offer else ""),
        ("开始服务（签到）", order.started_at, ""),
        ("服务完成", order.finished_at, order.completion_note),
        ("已评价", order.rated_at, order.comment),
    ]  # fmt: skip
    shown: list[tuple[str, datetime | None, str]] = sorted(
        [(label, at, note) for label, at, note in steps if at is not None],
        key=lambda step: step[1] or order.created_at,
    )
    if order.status == OrderStatus.CANCELLED:  # no time of its own: the last step
        shown.append(("已取消", None, order.cancelled_reason))
    return shown


def _photo_indexes(order: Order, source: str) -> list[int]:
    records = getattr(order, source) or []
    return [i for i, p in enumerate(records) if isinstance(p, dict) and p.get("thumb")]


def _order_context(request: AuthedRequest, order: Order, errors: dict[str, str] | None = None,
                   values: dict[str, str] | None = None) -> dict[str, Any]:  # fmt: skip
    return {
        "order": order,
        "steps": timeline(order),
        "can_cancel": order.status in BEFORE_ACCEPTANCE,
        "can_rate": order.status == OrderStatus.DONE,
        "stars": [5, 4, 3, 2, 1],
        "star_range": range(1, 6),
        "photos": _photo_indexes(order, "photos"),
        "done_photos": _photo_indexes(order, "completion_photos"),
        "errors": errors or {},
        "values": values or {},
    }


@require_http_methods(["GET", "HEAD", "POST"])
def order(request: AuthedRequest, pk: int) -> HttpResponse:
    """One of my orders: the timeline, 取消 before acceptance, 评单 when done."""
    found = queries.access_own_order(request.user, pk)
    if request.method in ("GET", "HEAD"):
        return render(request, "matching/m_order.html", _order_context(request, found))
    verb = request.POST.get("action", "")
    values = {k: request.POST.get(k, "") for k in ("reason", "stars", "comment")}
    try:
        if verb == "cancel":
            actions.cancel(found, request.user, values["reason"])
            text = "订单已取消。"
        elif verb == "rate":
            actions.rate(found, request.user, stars=values["stars"], comment=values["comment"])
            text = "感谢您的评价！"
        else:
            raise NotFound("未知的操作")
    except DomainError as exc:
        found.refresh_from_db()
        errors = {verb: "；".join(_errors(exc).values())}
        context = _order_context(request, found, errors, values)
        return render(request, "matching/m_order.html", context, status=exc.status)
    messages.success(request, text)
    return redirect("matching_m:order", pk=found.pk)


# --- photos -----------------------------------------------------------------------------------


def _photo(order: Order, index: int, kind: str) -> FileResponse:
    if kind not in PHOTO_KINDS:
        raise NotFound("未找到该照片")
    source, key = PHOTO_KINDS[kind]
    records = [r for r in (getattr(order, source) or []) if isinstance(r, dict)]
    if not 0 <= index < len(records):
        raise NotFound("未找到该照片")
    path = str(records[index].get(key) or "")
    if not path.startswith(("matching/", "photos/")) or ".." in path:
        raise NotFound("未找到该照片")
    if not default_storage.exists(path):
        raise NotFound("未找到该照片")
    response = FileResponse(default_storage.open(path, "rb"), content_type="image/jpeg")
    response["Cache-Control"] = "private, max-age=3600"
    response["X-Content-Type-Options"] = "nosniff"
    return response


@require_safe
def order_photo(request: AuthedRequest, pk: int, index: int, kind: str) -> FileResponse:
    """A photo of my order: mine (``thumb``/``full``) or the helper's (``done-…``)."""
    return _photo(queries.access_own_order(request.user, pk), index, kind)


@require_safe
def helper_photo(request: AuthedRequest, pk: int, index: int, kind: str) -> FileResponse:
    """A photo of an order offered to or held by me."""
    return _photo(queries.access_helper_order(request.user, pk), index, kind)


# --- 接单 (the helper) ------------------------------------------------------------------------


@require_safe
def helper_home(request: AuthedRequest) -> HttpResponse:
    """接单: dispatched to me (with the deadline), the grab pool, my held orders."""
    lists = queries.helper_lists(request.user)
    context = {**lists, "is_helper": queries.is_helper(request.user), "now": timezone.now()}
    return render(request, "matching/m_helper.html", context)


def _helper_context(request: AuthedRequest, order: Order, errors: dict[str, str] | None = None,
                    values: dict[str, str] | None = None) -> dict[str, Any]:  # fmt: skip
    mine = order.offer is not None and order.offer.helper_id == request.user.pk
    return {
        "order": order,
        "pending": mine and order.status == OrderStatus.DISPATCHED,
        "grabbable": order.status == OrderStatus.POOL,
        "can_start": mine and order.status == OrderStatus.ACCEPTED,
        "can_complete": mine and order.status in (OrderStatus.ACCEPTED, OrderStatus.SERVING),
        "show_address": queries.address_shown_to_helper(order, request.user),
        "photos": _photo_indexes(order, "photos"),
        "done_photos": _photo_indexes(order, "completion_photos"),
        "errors": errors or {},
        "values": values or {},
        "max_photos": photo_intake.MAX_PHOTOS,
    }


@require_http_methods(["GET", "HEAD", "POST"])
def helper_order(request: AuthedRequest, pk: int) -> HttpResponse:
    """An order for me: 接单 / 婉拒, 抢单, 签到 (with the phone's position), 完成."""
    post = request.POST
    verb = post.get("action", "")
    if request.method == "POST" and verb == "grab":
        found = queries.grab_target(request.user, pk)  # the loser of a race is told, not 404
    else:
        found = queries.access_helper_order(request.user, pk)
    if request.method in ("GET", "HEAD"):
        return render(request, "matching/m_helper_order.html", _helper_context(request, found))
    values = {k: post.get(k, "") for k in ("reason", "note", "hours")}
    stored: list[dict[str, Any]] = []
    try:
        if verb == "accept":
            actions.accept(found, request.user)
            text = "接单成功，请按约定时间上门服务。"
        elif verb == "decline":
            actions.decline(found, request.user, values["reason"])
            text = "已婉拒，本单将转给其他服务方。"
        elif verb == "grab":
            actions.grab(found, request.user)
            text = "抢单成功，请按约定时间上门服务。"
        elif verb == "start":
            actions.start(
                found, request.user, lat=post.get("lat"), lon=post.get("lon"),
                accuracy=post.get("accuracy"), crs=post.get("crs") or "wgs84",
            )  # fmt: skip
            text = "签到成功，开始服务。"
        elif verb == "complete":
            files = [f for f in request.FILES.getlist("photos") if f.name]
            stored = _stored_photos(files, "photos")
            actions.complete(
                found, request.user, note=values["note"], hours=values["hours"] or None,
                photos=stored,
            )  # fmt: skip
            text = "服务已完成，服务时长将由队伍审核后计入。"
        else:
            raise NotFound("未知的操作")
    except DomainError as exc:
        if stored:
            photo_intake.delete_stored(stored)
        try:
            found = queries.access_helper_order(request.user, pk)
        except NotFound:
            messages.error(request, exc.detail)
            return redirect("matching_m:helper")
        errors = {verb: "；".join(_errors(exc).values())}
        context = _helper_context(request, found, errors, values)
        return render(request, "matching/m_helper_order.html", context, status=exc.status)
    messages.success(request, text)
    if verb == "decline":
        return redirect("matching_m:helper")
    return redirect("matching_m:helper_order", pk=found.pk)


# --- 我能提供: a volunteer proposes their own offer ----------------------------------------------

WEEKDAYS = [("1", "周一"), ("2", "周二"), ("3", "周三"), ("4", "周四"), ("5", "周五"),
            ("6", "周六"), ("7", "周日")]  # fmt: skip
OFFER_FIELDS = {"category", "title", "description", "availability", "capacity_per_week", "gives"}


@require_http_methods(["GET", "HEAD", "POST"])
def my_offers(request: AuthedRequest) -> HttpResponse:
    """我能提供: a registered volunteer's own offers with their review status, and the form to
    propose one (it waits for the community's review before any order reaches them)."""
    from shegong.matching.actions import lists

    volunteer = queries.volunteer_profile(request.user)
    values: dict[str, Any] = {"slots": set()}
    errors: dict[str, str] = {}
    if request.method == "POST" and volunteer is not None:
        post = request.POST
        slots = set(post.getlist("slot"))
        availability: dict[str, list[str]] = {}
        for slot in sorted(slots):
            day, _, part = slot.partition("-")
            availability.setdefault(day, []).append(part)
        values = {**post.dict(), "slots": slots}
        try:
            lists.propose_offer(
                request.user, category=post.get("category", ""), title=post.get("title", ""),
                description=post.get("description", ""), gives=post.get("gives", ""),
                capacity_per_week=post.get("capacity_per_week") or 5, availability=availability,
            )  # fmt: skip
        except DomainError as exc:
            errors = _errors(exc) or {"": exc.detail}
        else:
            messages.success(request, "已提交，社区审核上架后即可接单")
            return redirect("matching_m:my_offers")
    context = {
        "volunteer": volunteer,
        "offers": queries.proposed_offers(request.user),
        "categories": queries.active_categories(),
        "weekdays": WEEKDAYS,
        "parts": list(PARTS.items()),
        "values": values,
        "errors": errors,
        "others": "；".join(v for k, v in errors.items() if k not in OFFER_FIELDS),
    }
    return render(request, "matching/m_offers.html", context, status=422 if errors else 200)
