"""The ``matching_standing`` demo loader: the seed's 110 elderly people who get a meal every day
at 11:30 (助餐送餐 · 上门送餐, 30 minutes, paid from the 社区公益基金), spread over the demo's
communities, a rota over a handful of approved meal offers, and a month of tasks — mostly done,
a few missed, two paused for a hospital stay — all through the actions, with backdated times.
"""

from __future__ import annotations

import random
from datetime import date, time, timedelta
from typing import Any

from django.utils import timezone
from stdnum.cn import ric

from shegong.accounts.models import User
from shegong.core.errors import DomainError
from shegong.ledger.actions import records
from shegong.ledger.choices import Occupation
from shegong.ledger.schemas import PersonIn
from shegong.matching.actions import lists, standing
from shegong.matching.choices import OfferStatus, ProviderKind, TaskStatus
from shegong.matching.models import CatalogueItem, Category, Offer, StandingOrder, StandingTask
from shegong.regions.models import Region
from shegong.volunteers.models import Volunteer

SEED = 20261207
COUNTS = {"small": 12, "seed": 110, "large": 110}
DAYS = 30
MISSED_SHARE = 0.03
FUNDING = "社区公益基金（慈善会+企业）"
ADMIN_PHONE, VOLUNTEER_PHONE = "13800000001", "13800000009"
SURNAMES = "赵钱孙李周吴郑王冯陈褚卫蒋沈韩杨朱秦许何吕施张孔曹严华金魏陶姜"
KITCHENS = [
    (ProviderKind.SOCIAL_ORG, "颐康长者饭堂", "长者助餐配送"),
    (ProviderKind.SOCIAL_ORG, "楼嫂互助会", "楼嫂午餐送餐"),
    (ProviderKind.MERCHANT, "邻里快餐店", "爱心午餐（低偿）"),
]


def _id_number(rng: random.Random, used: set[str]) -> str:
    while True:
        birth = date(1938, 1, 1) + timedelta(days=rng.randrange(365 * 20))
        body = f"341202{birth:%Y%m%d}{rng.randrange(1000):03d}"
        number = body + ric.calc_check_digit(body + "0")
        if number not in used:
            used.add(number)
            return number


def load(ctx: Any) -> int:
    """Returns the number of standing orders created (0 when the district has some already, or
    the regions, logins or catalogue are missing)."""
    district = ctx.region("district")
    if StandingOrder.objects.in_region(district.prefix).exists():
        return 0
    communities = list(
        Region.objects.subtree(district.prefix).filter(level="community").order_by("code")[:4]
    )
    admin = User.objects.filter(phone=ADMIN_PHONE).first()
    category = Category.objects.filter(code="meals").first()
    item = CatalogueItem.objects.filter(category=category, name="上门送餐").first()
    if not communities or admin is None or category is None:
        return 0
    rng = random.Random(SEED)
    today = timezone.localdate()
    offers = {c.code: _offers(c, category, admin) for c in communities}
    total = COUNTS.get(ctx.size, COUNTS["seed"])
    used: set[str] = set()
    made: list[StandingOrder] = []
    for index in range(total):
        community = communities[index % len(communities)]
        person = records.create_person(
            PersonIn(
                name=f"{SURNAMES[index % len(SURNAMES)]}示范", id_number=_id_number(rng, used),
                occupation=Occupation.OTHER.value, region=community.code,
            ),
            actor=None,
        )  # fmt: skip
        order = standing.save_standing(
            admin, region=community, category=category, item=item, beneficiary=person,
            title="上门送餐", weekdays=list(range(1, 8)), at_time=time(11, 30), minutes=30,
            starts_on=today - timedelta(days=DAYS), funding_source=FUNDING,
        )  # fmt: skip
        kitchen = offers[community.code]
        rota = {d: kitchen[(index + d) % len(kitchen)] for d in range(1, 8)}
        standing.set_rota(order, rota, admin)
        made.append(order)
    _month_of_tasks(rng, today, admin)
    for order in made[:2]:
        standing.pause(order, admin, until=today + timedelta(days=5), reason="住院治疗")
    return len(made)


def _offers(community: Region, category: Category, admin: User) -> list[Offer]:
    """The community's approved meal offers, or a handful made for the demo (the demo
    volunteer's own among them in the first community, so the helper's H5 page has tasks)."""
    found = list(
        Offer.objects.filter(
            region=community, category=category, status=OfferStatus.APPROVED
        ).order_by("pk")[:4]
    )
    if found:
        return found

    def approved(**values: Any) -> Offer | None:
        try:
            offer = lists.save_offer(
                admin, region=community, category=category.pk, cost="free",
                availability={str(d): ["am"] for d in range(1, 8)}, **values,
            )  # fmt: skip
            return lists.review_offer(offer, admin, OfferStatus.APPROVED)
        except DomainError:
            return None

    made = [
        approved(
            title=title,
            provider_kind=kind,
            provider_name=f"{community.name}{name}",
            capacity_per_week=200,
        )
        for kind, name, title in KITCHENS
    ]
    volunteer_user = User.objects.filter(phone=VOLUNTEER_PHONE).first()
    volunteer = (
        Volunteer.objects.filter(person__user=volunteer_user).first() if volunteer_user else None
    )
    if volunteer is not None and community.contains_code(volunteer.region_id):
        made.append(approved(
            title="助老送餐", provider_kind=ProviderKind.VOLUNTEER, volunteer=volunteer.pk,
            helper=volunteer_user.pk if volunteer_user else None, capacity_per_week=14,
        ))  # fmt: skip
    return [offer for offer in made if offer is not None]


def _month_of_tasks(rng: random.Random, today: date, admin: User) -> None:
    """The last month's tasks through the actions: done by the rota's helper a few minutes
    around 11:30, a few left to be flagged missed; then today's and tomorrow's tasks."""
    for back in range(DAYS, 0, -1):
        day = today - timedelta(days=back)
        standing.generate_tasks(day, now=timezone.now())
        tasks = StandingTask.objects.filter(on=day, status=TaskStatus.DUE).select_related("offer")
        for task in tasks:
            if rng.random() < MISSED_SHARE:
                continue
            actor = task.offer.helper if task.offer and task.offer.helper else admin
            done = task.due_at + timedelta(minutes=rng.randint(-15, 40))
            standing.mark_done(task, actor, note="已送达", now=done)
    standing.flag_missed(timezone.now())
    standing.generate_tasks(today)
    standing.generate_tasks(today + timedelta(days=1))
