"""§7's demo: this year's illegal-organization screening and the organizations' party building.

Screening (the same at every size): 3 rounds, 34 visits (19 on 11 leads, 15 on patrol), 5
interviews, 12 leads (the first two from demo 随手拍 cases when the reports demo has any, else
from the public; four from other departments), 3 取缔 (two recovering 60,000 + 43,500 =
103,500 yuan), 2 移交, 3 不予立案, 3 待处置, 1 待走访.

Party building: exactly ``PARTY[size]["chartered"]`` live organizations have a latest charter
writing in party building (charter versions added through the record's action), and
``instructors`` party instructors guide ``orgs`` organizations (2 each) through the ledger's
instructor-assignment action, each with one or two guidance visits (the ledger's visits).

Everything goes through the actions (actor None, backdated); idempotent.
"""

from __future__ import annotations

import random
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from shegong.accounts.models import Membership, User
from shegong.core.perms import Role
from shegong.ledger.actions import guidance
from shegong.ledger.models import InstructorAssignment
from shegong.regions.models import Region

from ..actions import records, screening
from ..choices import CLOSED_STATUSES
from ..models import CharterVersion, ScreeningRound, SocialOrg
from . import pool, serial_of

SEED = 1407
ROUNDS = 3
PARTY = {
    "small": {"chartered": 4, "instructors": 2, "orgs": 4},
    "seed": {"chartered": 103, "instructors": 8, "orgs": 16},
}
# (org name, place, outcome, losses, referred to) for the 12 leads, in order; "" = still open.
LEADS = [
    ("华夏国学总会（筹）", "东城街道文化广场", "banned", "60000", ""),
    ("中华养生文化促进会", "西城街道某小区会所", "banned", "43500", ""),
    ("全国老年健康联合会", "东城街道某写字楼", "banned", "", ""),
    ("国际慈善互助总会", "西城街道农贸市场", "referred", "", "县公安局"),
    ("亚太投资理财俱乐部", "东城街道商业街", "referred", "", "县市场监督管理局"),
    ("书画艺术交流中心", "西城街道老年活动室", "no_case", "", ""),
    ("广场舞爱好者联谊会", "东城街道滨河公园", "no_case", "", ""),
    ("家长互助读书会", "西城街道社区图书室", "no_case", "", ""),
    ("中国乡村振兴发展委员会", "东城街道某酒店", "", "", ""),
    ("红色文化传承研究院", "西城街道某门面房", "", "", ""),
    ("世界华人企业家协会", "东城街道某茶楼", "", "", ""),
    ("全球公益基金联盟", "西城街道某培训教室", "", "", ""),
]
DEPARTMENTS = ["县公安局", "县市场监督管理局", "县委统战部", "县信访局"]
VISITORS = ["民政局 张科长、李干事", "民政局 王干事、街道 赵主任", "民政局 陈干事、派出所 刘警官"]
FINDINGS = [
    "现场悬挂横幅，以协会名义招募会员，未能出示登记证书",
    "经查为未登记的群众自发活动，无收费",
    "以“国家级”名义收取会费、销售保健品，已固定证据",
    "场所已人去楼空，向物业了解情况",
]


class _Calendar:
    """This year's dates up to today, split into the rounds' periods."""

    def __init__(self, today: date) -> None:
        self.start = date(today.year, 1, 1)
        self.span = (today - self.start).days
        cuts = [self.start + timedelta(days=self.span * i // ROUNDS) for i in range(ROUNDS + 1)]
        self.periods = [
            (cuts[i], max(cuts[i], cuts[i + 1] - timedelta(days=1 if i < ROUNDS - 1 else 0)))
            for i in range(ROUNDS)
        ]

    def in_round(self, index: int, fraction: float) -> date:
        first, last = self.periods[index]
        return first + timedelta(days=int((last - first).days * fraction))


def load(ctx: Any) -> int:
    return _load_screening(ctx) + _load_party(ctx)


def _report_ids(district: Any) -> list[int]:
    from shegong.reports.models import Report

    found = Report.objects.filter(region__code__startswith=district.prefix).order_by("pk")
    return list(found.values_list("pk", flat=True)[:2])


def _load_screening(ctx: Any) -> int:
    district = ctx.region("district")
    today = date.today()
    if ScreeningRound.objects.filter(region=district, starts_on__year=today.year).exists():
        return 0
    rng = random.Random(SEED)
    cal = _Calendar(today)
    rounds = [
        screening.create_round(
            {"name": f"{today.year}年第{'一二三'[i]}轮非法社会组织排查", "starts_on": first,
             "ends_on": last, "region": district.code},
            actor=None,
        )
        for i, (first, last) in enumerate(cal.periods)
    ]  # fmt: skip
    streets = list(
        Region.objects.subtree(district.prefix).filter(level="street").order_by("code")
    ) or [district]
    reports = _report_ids(district)
    created = len(rounds)
    visits = 0
    for index, (name, place, outcome, losses, referred) in enumerate(LEADS):
        first_round = index % ROUNDS
        received = cal.in_round(first_round, 0.1)
        data: dict[str, Any] = {
            "org_name": name, "place": place, "received_on": received,
            "description": f"反映“{name}”未经登记，以社会组织名义开展活动",
            "region": streets[index % len(streets)].code,
        }  # fmt: skip
        if index < 2 and index < len(reports):
            data.update(source="report", report=str(reports[index]))
        elif index < 6:
            data.update(source="department", source_detail=DEPARTMENTS[index % len(DEPARTMENTS)])
        else:
            data.update(source="public", source_detail="群众来电举报")
        lead = screening.file_lead(data, actor=None)
        created += 1
        if index == len(LEADS) - 1:
            continue  # 待走访
        n_visits = 2 if index < 8 else 1
        last_visit = received
        for k in range(n_visits):
            round_index = min(first_round + k, ROUNDS - 1)
            day = max(received, cal.in_round(round_index, 0.3 + 0.3 * k))
            screening.record_visit(
                {"round": rounds[round_index].pk, "visited_on": day,
                 "visitors": rng.choice(VISITORS), "findings": rng.choice(FINDINGS)},
                actor=None, lead=lead,
            )  # fmt: skip
            last_visit = max(last_visit, day)
            visits += 1
        if index < 5:
            screening.record_interview(
                lead,
                {"people": [f"{rng.choice('张王李赵刘陈杨黄')}某某"], "interviewed_on": last_visit,
                 "record": "告知其未经登记以社会组织名义开展活动属违法行为，责令立即停止"},
                actor=None,
            )  # fmt: skip
            created += 1
        if not outcome:
            continue  # 待处置
        screening.give_opinion(lead, {"opinion": "建议依法处置"}, actor=None, on=last_visit)
        screening.decide_outcome(
            lead,
            {"outcome": outcome, "referred_to": referred, "losses_recovered": losses,
             "outcome_on": last_visit, "outcome_note": "依据《取缔非法民间组织暂行办法》处置"},
            actor=None,
        )  # fmt: skip
    patrol = 34 - visits
    for k in range(patrol):
        round_index = k % ROUNDS
        street = streets[k % len(streets)]
        screening.record_visit(
            {"round": rounds[round_index].pk, "visited_on": cal.in_round(round_index, 0.5),
             "place": f"{street.name}重点场所巡查点{k + 1}", "region": street.code,
             "visitors": rng.choice(VISITORS), "findings": "未发现非法社会组织活动"},
            actor=None,
        )  # fmt: skip
    created += 34
    assert sum(Decimal(x[3] or 0) for x in LEADS) == Decimal("103500")
    return created


# --- party building ---------------------------------------------------------------------------


def _party_targets(ctx: Any) -> dict[str, int]:
    return PARTY["small" if ctx.size == "small" else "seed"]


def _latest_party(so: SocialOrg) -> tuple[bool, date | None]:
    latest = CharterVersion.objects.filter(social_org=so).order_by("-version_date", "-pk").first()
    return (bool(latest and latest.party_building), latest.version_date if latest else None)


def _charters(ctx: Any, targets: dict[str, int], today: date) -> int:
    district = ctx.region("district")
    live = list(
        SocialOrg.objects.in_region(district.prefix)
        .exclude(status__in=CLOSED_STATUSES)
        .select_related("organization")
    )
    state = {so.pk: _latest_party(so) for so in live}
    chartered = [so for so in live if state[so.pk][0]]
    want = targets["chartered"]
    if len(chartered) == want:
        return 0
    start = date(today.year, 1, 1)
    rng = random.Random(SEED + 1)
    steady = {so.pk for so in pool(ctx, "active") + pool(ctx, "new")}
    created = 0
    if len(chartered) < want:
        missing = [so for so in live if not state[so.pk][0]]
        missing.sort(key=lambda so: (so.pk not in steady, serial_of(so)))
        changes = [(so, True) for so in missing[: want - len(chartered)]]
    else:
        chartered.sort(key=lambda so: (so.pk in steady, -serial_of(so)))
        changes = [(so, False) for so in chartered[: len(chartered) - want]]
    for so, party in changes:
        day = start + timedelta(days=rng.randint(0, max((today - start).days, 0)))
        previous = state[so.pk][1]
        day = max(day, previous) if previous else day
        records.add_charter_version(
            so,
            {"version_date": day, "party_building": party, "party_building_on": day},
            actor=None,
        )
        created += 1
    return created


def _instructor_users(ctx: Any, count: int) -> list[User]:
    """The demo county's party instructors over the whole district, made up where missing."""
    from shegong.core import demo

    district = ctx.region("district")
    found = [
        m.user
        for m in Membership.objects.filter(role=Role.PARTY_INSTRUCTOR, region=district)
        .select_related("user")
        .order_by("user__phone")
    ]
    rng = random.Random(SEED + 2)
    index = 0
    while len(found) < count:
        phone = f"1380000{160 + index:04d}"
        index += 1
        user = User.objects.filter(phone=phone).first()
        if user is None:
            # A record of a person, not a demo login: no usable password.
            user = User.objects.create_user(
                phone=phone, password=None, name=demo.fake_name(40 + index),
                id_number=demo.fake_id_number(rng, 700 + index), must_change_password=False,
            )  # fmt: skip
        if not Membership.objects.filter(
            user=user, role=Role.PARTY_INSTRUCTOR, region=district
        ).exists():
            Membership.objects.create(user=user, role=Role.PARTY_INSTRUCTOR, region=district)
        if user not in found:
            found.append(user)
    return found[:count]


def _instructors(ctx: Any, targets: dict[str, int], today: date) -> int:
    district = ctx.region("district")
    current = InstructorAssignment.objects.filter(
        ended_on=None, organization__social_org__isnull=False,
        organization__region__code__startswith=district.prefix,
    )  # fmt: skip
    if current.exists():
        return 0
    users = _instructor_users(ctx, targets["instructors"])
    orgs = [so for so in pool(ctx, "active") if so.status not in CLOSED_STATUSES]
    orgs = orgs[: targets["orgs"]]
    per = max(len(orgs) // max(len(users), 1), 1)
    start = date(today.year, 1, 1)
    created = 0
    for i, so in enumerate(orgs):
        instructor = users[min(i // per, len(users) - 1)]
        began = start + timedelta(days=min(10 * (i % 5), max((today - start).days, 0)))
        guidance.assign_instructor(so.organization, instructor, actor=None, started_on=began)
        created += 1
        for visit_round in range(1, 1 + (1 + i % 2)):
            day = min(began + timedelta(days=30 * visit_round), today)
            guidance.record_visit(
                so.organization, actor=instructor, visited_on=day,
                topic="社会组织党建工作指导", round=visit_round,
                notes="指导党建入章、党员发展和组织生活",
            )  # fmt: skip
            created += 1
    return created


def _load_party(ctx: Any) -> int:
    targets = _party_targets(ctx)
    today = date.today()
    return _charters(ctx, targets, today) + _instructors(ctx, targets, today)
