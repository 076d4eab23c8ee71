"""Demo 四单 matching of the 示范区: both lists in the first communities and a month of orders.

For each demo community (``small`` 2, ``seed`` 6, ``large`` 12, 东关社区 first): the community's
settings with a record team (its volunteer team, when it has one); a needs list over the 10
categories (from 摸排, some for ledger people); a supply list of volunteers (helpers with an
account and a volunteer profile), a volunteer team, a social-work agency, an enterprise (insured
for the risky repairs) and a merchant trading 资源置换, all approved but one waiting for review —
and a few categories left without any offer, so the coverage table shows the gaps.

Then a month of orders, each played through the order actions with backdated clocks (``now=``):
placed by the resident login or by staff on behalf of a ledger person, approved, dispatched or
grabbed, accepted, served, completed (the hours become pending volunteer service records through
the volunteers app) and rated; a few refused, a few cancelled (by the resident and by staff), a
few declined by the only helper so they wait on the unmet list, and the last days' orders still
under way. The 110 standing meal orders are another loader's (order 95).

Logins: 13800000060 (社区工作者, 东关社区) dispatches; 13800000061 (志愿者) takes orders;
13800000062 (居民) places and rates them. Deterministic (its own seed) and idempotent: nothing
is added once the district has an offer.
"""

from __future__ import annotations

import random
from datetime import timedelta
from typing import Any

from django.utils import timezone

from shegong.accounts.models import User
from shegong.core import demo
from shegong.core.errors import DomainError
from shegong.ledger.models import Person
from shegong.matching.actions import lists, orders
from shegong.matching.choices import Cost, DispatchMode, OfferStatus, ProviderKind
from shegong.matching.models import Category, Need, Offer
from shegong.regions.models import Region
from shegong.volunteers.actions import registration
from shegong.volunteers.models import Team, Volunteer

SEED = 20261507
COMMUNITIES = {"small": 2, "seed": 6, "large": 12}
ORDERS = {"small": 14, "seed": 30, "large": 60}  # per community over the last 30 days
HELPERS = 3  # volunteer helpers per community (东关社区: the helper login and two more)
DISPATCHER_PHONE, HELPER_PHONE, RESIDENT_PHONE = "13800000060", "13800000061", "13800000062"
ADMIN_PHONE = "13800000001"
# Volunteer offers by category; the team, agency, enterprise and merchant take the rest.
VOLUNTEER_CATEGORIES = ("elderly_child", "meals", "medical")
UNCOVERED = ("employment", "disability")  # no offer anywhere: the coverage gaps
NEED_TEXT = {
    "elderly_child": "独居老人每周探访、留守儿童课后陪伴",
    "meals": "行动不便老人午餐送餐上门",
    "psychology": "丧偶老人情绪低落，需要心理疏导",
    "mediation": "楼上漏水引发邻里纠纷",
    "medical": "高龄老人每月陪同复诊",
    "cleaning": "独居老人居家清洁",
    "repair": "老旧小区水电维修",
    "legal": "赡养纠纷法律咨询",
    "employment": "失业人员就业指导",
    "disability": "残疾人康复陪护与出行",
}
ORDER_TEXT = {
    "elderly_child": "老人独居，想请志愿者上门聊聊天",
    "meals": "腿脚不便，请帮忙送午餐",
    "psychology": "最近睡不好、心里烦，想找人聊聊",
    "mediation": "和楼上邻居因为噪音吵了几次，请社区帮忙调解",
    "medical": "下周要去医院复查，没人陪同",
    "cleaning": "家里需要打扫，自己干不动了",
    "repair": "厨房水龙头漏水",
    "legal": "子女不履行赡养义务，想咨询怎么办",
    "employment": "想找一份离家近的工作",
    "disability": "轮椅出行需要人帮忙",
}
COMMENTS = {
    5: "非常满意，谢谢志愿者！",
    4: "服务很好",
    3: "还可以",
    2: "来得太晚了",
    1: "没有解决问题",
}


def load(ctx: Any) -> int:
    """The ``matching`` demo loader; returns the number of orders placed (0 when the district
    already has offers, or the users and volunteers loaders have not run)."""
    district = ctx.region("district")
    if Offer.objects.filter(region__code__startswith=district.prefix).exists():
        return 0
    users = User.objects.in_bulk([DISPATCHER_PHONE, HELPER_PHONE, RESIDENT_PHONE, ADMIN_PHONE],
                                 field_name="phone")  # fmt: skip
    if len(users) < 4 or not Category.objects.exists():
        return 0
    home = ctx.region("community:1:1")
    others = (
        Region.objects.subtree(district.prefix).filter(level="community").exclude(code=home.code)
    )
    communities = [home, *others.order_by("code")[: COMMUNITIES[ctx.size] - 1]]
    loader = _Loader(ctx, users)
    placed = 0
    for index, community in enumerate(communities):
        placed += loader.community(index, community)
    ctx.created["matching.orders"] = placed
    return placed


class _Loader:
    def __init__(self, ctx: Any, users: dict[str, User]):
        self.ctx = ctx
        self.rng = random.Random(SEED)
        self.now = timezone.now().replace(second=0, microsecond=0)
        self.dispatcher = users[DISPATCHER_PHONE]
        self.helper_login = users[HELPER_PHONE]
        self.resident = users[RESIDENT_PHONE]
        self.admin = users[ADMIN_PHONE]
        self.categories = {c.code: c for c in Category.objects.filter(is_active=True)}
        self.sequence = 900

    def count(self, key: str, n: int = 1) -> None:
        self.ctx.created[key] = self.ctx.created.get(key, 0) + n

    # --- the lists --------------------------------------------------------------------------

    def _helper(self, index: int, community: Region, n: int) -> tuple[User, Volunteer | None]:
        if index == 0 and n == 0:
            user = self.helper_login
        else:
            phone = f"13800004{index:02d}{n}"
            user = User.objects.filter(phone=phone).first() or User.objects.create_user(
                phone=phone, password=None, name=demo.fake_name(index * HELPERS + n),
                id_number=demo.fake_id_number(self.rng, self.sequence + index * HELPERS + n),
                must_change_password=False,
            )  # fmt: skip
        volunteer = Volunteer.objects.filter(person__user=user).first()
        if volunteer is None and user.id_number:
            try:
                volunteer = registration.register_volunteer(
                    actor=user, name=user.name, id_number=user.id_number, phone=user.phone,
                    region=community, availability={}, consent=True, self_service=True,
                )  # fmt: skip
            except DomainError:
                volunteer = None
        return user, volunteer

    def _staff(self, community: Region) -> User:
        """The dispatcher for their own community, the district admin elsewhere."""
        home = self.dispatcher.active_membership
        return (
            self.dispatcher
            if home and community.code.startswith(home.region.prefix)
            else self.admin
        )

    def _offer(
        self, community: Region, code: str, *, status: str = OfferStatus.APPROVED, **fields: Any
    ) -> Offer | None:
        """An entry of the supply list added and reviewed through the list actions, its dates
        then moved back to before the month of orders (the demo's one consistent story)."""
        staff = self._staff(community)
        try:
            offer = lists.save_offer(
                staff, region=community, category=code, capacity_per_week=30, **fields
            )
            if status == OfferStatus.APPROVED:
                offer = lists.review_offer(offer, staff, OfferStatus.APPROVED)
        except DomainError:
            return None  # a provider the demo could not register (no volunteer profile)
        Offer.objects.filter(pk=offer.pk).update(
            created_at=self.now - timedelta(days=45),
            reviewed_at=self.now - timedelta(days=40) if offer.reviewed_at else None,
        )
        self.count("matching.offers")
        return offer

    def lists(self, index: int, community: Region) -> dict[str, list[Offer]]:
        team = Team.objects.filter(region=community).order_by("pk").first()
        lists.save_settings(
            community, self._staff(community), record_team=team.pk if team else None
        )
        people = list(Person.objects.filter(region__code__startswith=community.code)[:20])
        for n, (code, category) in enumerate(self.categories.items()):
            need = lists.save_need(
                self._staff(community), region=community, category=category.pk,
                description=NEED_TEXT.get(code, category.name),
                beneficiary=people[n % len(people)].pk if people and n % 3 == 0 else None,
                people_count=self.rng.randint(1, 12),
            )  # fmt: skip
            Need.objects.filter(pk=need.pk).update(created_at=self.now - timedelta(days=50))
            self.count("matching.needs")
        offers: dict[str, list[Offer | None]] = {}
        for n in range(HELPERS):
            user, volunteer = self._helper(index, community, n)
            code = VOLUNTEER_CATEGORIES[n % len(VOLUNTEER_CATEGORIES)]
            offers.setdefault(code, []).append(self._offer(
                community, code, title=f"{self.categories[code].name}志愿服务",
                provider_kind=ProviderKind.VOLUNTEER, provider_name=user.name, helper=user,
                volunteer=volunteer, contact_phone=user.phone, gives="每周两个半天",
            ))  # fmt: skip
        lead = next((o.helper for o in offers[VOLUNTEER_CATEGORIES[0]] if o), self.helper_login)
        offers.setdefault("elderly_child", []).append(self._offer(
            community, "elderly_child", title="一老一小结对关爱", helper=lead, team=team,
            provider_kind=ProviderKind.TEAM, provider_name=team.name if team else "社区志愿服务队",
        ) if team else None)  # fmt: skip
        for code in ("psychology", "mediation", "legal"):
            offers.setdefault(code, []).append(self._offer(
                community, code, title=f"专业{self.categories[code].name}", helper=lead,
                provider_kind=ProviderKind.SOCIAL_ORG, provider_name="示范区启航社会工作服务中心",
                cost=Cost.FREE, gives="持证社工上门服务",
            ))  # fmt: skip
        for code in ("repair", "cleaning"):
            offers.setdefault(code, []).append(self._offer(
                community, code, title=f"{self.categories[code].name}进社区", helper=lead,
                provider_kind=ProviderKind.ENTERPRISE, provider_name="示范区安居物业服务有限公司",
                cost=Cost.LOW, price_note="只收材料费", risky_ok=True,
                insurance_note="雇主责任险及意外险 PDEM2026000123",
                insured_until=self.now.date() + timedelta(days=200),
            ))  # fmt: skip
        offers.setdefault("meals", []).append(self._offer(
            community, "meals", title="爱心午餐", helper=lead,
            provider_kind=ProviderKind.MERCHANT, provider_name="邻里小厨餐馆", cost=Cost.LOW,
            gives="每天 20 份老人午餐（每份 5 元）", gets_back="社区宣传栏展示、爱心商户挂牌",
        ))  # fmt: skip
        self._offer(
            community, "medical", title="助医陪诊（待审核）", status=OfferStatus.NEW,
            provider_kind=ProviderKind.MERCHANT, provider_name="康宁大药房",
            gives="代购药品、送药上门", gets_back="社区义诊活动冠名",
        )  # fmt: skip
        return {code: [o for o in found if o is not None] for code, found in offers.items()}

    # --- the orders -------------------------------------------------------------------------

    def community(self, index: int, community: Region) -> int:
        offers = self.lists(index, community)
        home = index == 0
        staff = self.dispatcher if home else self.admin
        people = list(Person.objects.filter(region__code__startswith=community.code)[:40])
        total = ORDERS[self.ctx.size]
        codes = [c for c in self.categories if c not in UNCOVERED]
        placed = 0
        for n in range(total):
            at = self.now - timedelta(days=30) + timedelta(hours=n * 30 * 24 / total)
            at += timedelta(minutes=self.rng.randint(0, 180))
            code = codes[n % len(codes)]
            by_resident = home and n % 3 == 0
            beneficiary = None if by_resident or not people else people[n % len(people)]
            if beneficiary is None and not by_resident:
                continue
            order = orders.place(
                self.resident if by_resident else staff, region=community,
                category=self.categories[code], description=ORDER_TEXT[code],
                window_start=at + timedelta(hours=2), window_end=at + timedelta(hours=5),
                beneficiary=beneficiary, address=f"{community.name}{n % 9 + 1}栋{n % 5 + 1}单元",
                contact_phone="" if by_resident else f"1390000{n:04d}", now=at,
            )  # fmt: skip
            self.count("matching.placed")
            placed += 1
            self._play(order, n, at, offers.get(code, []), staff, by_resident)
        return placed

    def _play(
        self, order: Any, n: int, at: Any, offers: list[Offer], staff: User, by_resident: bool
    ) -> None:
        roll = self.rng.random()
        if roll < 0.06:
            orders.refuse(order, staff, "不属于社区服务范围，已告知可拨打12345")
            self.count("matching.refused")
            return
        if roll < 0.12:
            who = self.resident if by_resident else staff
            orders.cancel(order, who, "家属已安排，不需要了", now=at + timedelta(minutes=20))
            self.count("matching.cancelled")
            return
        orders.approve(order, staff, now=at + timedelta(minutes=self.rng.randint(5, 40)))
        if not offers:
            return
        offer = offers[n % len(offers)]
        wait = timedelta(minutes=self.rng.randint(45, 240))
        if order.category.dispatch_mode == DispatchMode.GRAB:
            orders.grab(order, offer.helper, offer=offer, now=at + wait)
        else:
            orders.dispatch(order, offer, staff, now=at + wait)
            if n % 9 == 4 and len(offers) == 1:  # the only helper declines: unmet
                orders.decline(order, offer.helper, "这周住院，无法服务", now=at + wait * 2)
                self.count("matching.declined")
                return
            orders.accept(order, offer.helper, now=at + wait + timedelta(minutes=20))
        done_at = at + timedelta(hours=4)
        if done_at > self.now - timedelta(hours=6) or roll > 0.95:
            return  # still under way
        hours = self.rng.choice(["1", "1.5", "2", "2.5"])
        orders.complete(order, offer.helper, note="已按约定完成服务，老人情况良好", hours=hours,
                        now=done_at)  # fmt: skip
        self.count("matching.completed")
        rated_at = done_at + timedelta(hours=self.rng.randint(2, 30))
        if rated_at > self.now or roll > 0.9:
            return
        stars = self.rng.choices([5, 4, 3, 2, 1], weights=[60, 25, 8, 5, 2])[0]
        orders.rate(order, self.resident if by_resident else staff, stars=stars,
                    comment=COMMENTS[stars], now=rated_at)  # fmt: skip
        self.count("matching.rated")
        if stars >= 4:
            self.count("matching.satisfied")
