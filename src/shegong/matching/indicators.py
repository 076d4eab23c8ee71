"""The figures of 四单 matching for the dashboard and the work brief (registered in
``apps.ready``; docs/indicators.md lists them with their definitions).

The orders follow the statistics page's cohort (docs/metrics.md "需求对接（四单）"): an order
counts on the day it was placed (点单时间 ``created_at``, local time), whatever happened to it
later, so 点单、派单、接单、完成 and 评单满意度 are about the same orders and a later dispatch,
acceptance or rating moves the day the order was placed."""

from __future__ import annotations

from typing import Any

from django.db.models import Q

from shegong.core.perms import Perm
from shegong.core.registry import Indicator

from .choices import FINISHED_STATUSES, OfferStatus
from .models import Need, Offer, Order

VIEW = Perm.MATCHING_VIEW
SEED_LISTS = "列出“需求”与“供给”两张清单"
SEED_ORDERS = ""  # the seed names no order figure (四单 is DOMAIN.md's practice)


def needs() -> Any:
    return Need.objects.all()


def listed_offers() -> Any:
    return Offer.objects.filter(status__in=(OfferStatus.APPROVED, OfferStatus.PAUSED))


def orders() -> Any:
    return Order.objects.all()


def dispatched_orders() -> Any:
    return Order.objects.filter(dispatched_at__isnull=False)


def accepted_orders() -> Any:
    return Order.objects.filter(accepted_at__isnull=False)


def finished_orders() -> Any:
    return Order.objects.filter(status__in=FINISHED_STATUSES)


def rated_orders() -> Any:
    return Order.objects.filter(stars__isnull=False)


def satisfied_orders() -> Any:
    return Order.objects.filter(Q(stars__gte=4))


NEED_COLUMNS = (("需求描述", "description"), ("服务类别", "category.name"),
                ("所在社区", "region.name"), ("涉及人数", "people_count"),
                ("登记时间", "created_at"))  # fmt: skip
OFFER_COLUMNS = (("服务名称", "title"), ("服务类别", "category.name"), ("所在社区", "region.name"),
                 ("提供的资源/服务", "gives"), ("登记时间", "created_at"))  # fmt: skip
ORDER_COLUMNS = (("订单编号", "number"), ("服务类别", "category.name"), ("所在社区", "region.name"),
                 ("点单时间", "created_at"))  # fmt: skip

INDICATORS = [
    Indicator(
        "matching.needs", "需求清单登记需求", "项", "matching",
        "需求清单中登记的需求（摸排所得，任何状态），按登记时间所在日计入。",
        source=needs, date_field="created_at", columns=NEED_COLUMNS,
        sentence="摸排登记群众需求{value}项", seed=SEED_LISTS, perm=VIEW, order=60,
    ),
    Indicator(
        "matching.offers", "供给清单上架供给", "项", "matching",
        "供给清单（项目超市）中经社区审核上架的供给：此刻状态为已上架或暂停的，按登记时间所在日"
        "计入；待审核和已停用的不计。",
        source=listed_offers, date_field="created_at", columns=OFFER_COLUMNS,
        sentence="上架服务供给{value}项", seed=SEED_LISTS, perm=VIEW, order=61,
    ),
    Indicator(
        "matching.orders_placed", "群众点单", "单", "matching",
        "群众点单（含代为点单、随手拍转服务需求）的订单，任何状态（含已拒绝、已取消），按点单时间"
        "所在日计入；与对接统计的“点单量”相同。",
        source=orders, date_field="created_at", columns=ORDER_COLUMNS,
        sentence="群众点单{value}单", seed=SEED_ORDERS, perm=VIEW, order=62,
    ),
    Indicator(
        "matching.orders_dispatched", "社区派单", "单", "matching",
        "点单后已派单（社区派单、自动派单）或被抢单的订单（有首次派单时间），按点单时间所在日计入。",
        source=dispatched_orders, date_field="created_at", columns=ORDER_COLUMNS,
        sentence="社区派单{value}单", seed=SEED_ORDERS, perm=VIEW, order=63,
    ),
    Indicator(
        "matching.orders_accepted", "志愿者接单", "单", "matching",
        "此刻由服务方接单（接单或抢单）且未被改派的订单，含其后已服务、已完成、已评价的，按点单时间"
        "所在日计入。",
        source=accepted_orders, date_field="created_at", columns=ORDER_COLUMNS,
        sentence="志愿者接单{value}单", seed=SEED_ORDERS, perm=VIEW, order=64,
    ),
    Indicator(
        "matching.orders_finished", "完成服务订单", "单", "matching",
        "已完成或已评价的订单，按点单时间所在日计入（对接统计“完成率”的分子）。",
        source=finished_orders, date_field="created_at", columns=ORDER_COLUMNS,
        sentence="完成服务{value}单", seed=SEED_ORDERS, perm=VIEW, order=65,
    ),
    Indicator(
        "matching.orders_rated", "群众评单", "单", "matching",
        "已评单（1–5 星，含工作人员代评）的订单，按点单时间所在日计入。",
        source=rated_orders, date_field="created_at", columns=(*ORDER_COLUMNS, ("评分", "stars")),
        sentence="群众评单{value}单", seed=SEED_ORDERS, perm=VIEW, order=66,
    ),
    Indicator(
        "matching.orders_satisfied", "评单满意订单", "单", "matching",
        "评 4–5 星的订单，按点单时间所在日计入（评单满意度的分子）。",
        source=satisfied_orders, date_field="created_at",
        columns=(*ORDER_COLUMNS, ("评分", "stars")),
        sentence="群众评单满意{value}单", seed=SEED_ORDERS, perm=VIEW, order=67,
    ),
    Indicator(
        "matching.satisfaction", "评单满意度", "%", "matching",
        "本期点单的订单中评 4–5 星的 ÷ 本期点单且已评单的（按点单时间所在日；含代评）；没有"
        "已评单的订单时不显示。与对接统计的“评单满意度”相同。",
        kind="rate", numerator="matching.orders_satisfied", denominator="matching.orders_rated",
        sentence="群众评单满意度{value}%（{numerator}/{denominator}单）", seed=SEED_ORDERS,
        perm=VIEW, order=68,
    ),
]  # fmt: skip
