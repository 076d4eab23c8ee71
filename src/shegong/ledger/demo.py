"""Demo ledger of the 示范区: organizations, employees, party members, party organizations with
realistic coverage gaps, instructors and visits, and one open 回头看 campaign.

Deterministic (its own fixed seed), idempotent (skips when the district already has
organizations) and fast: rows go in with ``bulk_create`` in batches, and the Person fields
``save()`` would derive (blind index, birth date, sex) are computed here. Everyone is fictitious:
names from a fixed list, checksum-valid but generated ID numbers with a real county code, phone
numbers 137000xxxxx, credit codes generated with a valid check character.
"""

from __future__ import annotations

import random
from collections import defaultdict
from datetime import date, timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone
from stdnum.cn import ric, uscc

from shegong.accounts.models import Membership, User
from shegong.core.perms import Role
from shegong.core.pii import blind_index, id_facts
from shegong.core.scope import in_subtree
from shegong.regions.models import Region

from .choices import (
    CoverageMode,
    Occupation,
    OrgKind,
    PartyOrgType,
    PartyRole,
    PoliticalStatus,
)
from .models import (
    Coverage,
    Employment,
    GuidanceVisit,
    InstructorAssignment,
    Organization,
    PartyMembership,
    PartyOrganization,
    Person,
)

SEED = 20260303
BATCH = 2000
# Totals of the seed report: 2063 非公企业 and others, 2.9万 employees, 2133 party members.
TARGETS = {
    "small": {
        "enterprise": 20,
        "individual": 4,
        "social_org": 2,
        "platform": 1,
        "containers": 3,
        "employees": 320,
        "members": 40,
    },
    "seed": {
        "enterprise": 1700,
        "individual": 220,
        "social_org": 110,
        "platform": 5,
        "containers": 28,
        "employees": 29_000,
        "members": 2133,
    },
}
TARGETS["large"] = TARGETS["seed"]

BRAND_WORDS = list(
    "鑫源恒通宏达华信瑞丰永盛金泰嘉和盛世博远天成汇丰宇航新锐腾飞卓越中兴隆昌德润"
    "安泰富康顺达弘毅凯旋百川长青启明东方颍淮清河泉润皖北兴业荣华正阳致远同创"
)
INDUSTRY_WORDS = [
    ("科技", "I"),
    ("信息技术", "I"),
    ("商贸", "F"),
    ("建筑工程", "E"),
    ("餐饮管理", "H"),
    ("物流", "G"),
    ("电子商务", "F"),
    ("食品", "C"),
    ("服装", "C"),
    ("机械制造", "C"),
    ("医药", "F"),
    ("教育咨询", "P"),
    ("文化传媒", "R"),
    ("物业管理", "K"),
    ("家政服务", "O"),
    ("汽车服务", "O"),
    ("房地产开发", "K"),
    ("农业科技", "A"),
    ("环保科技", "N"),
    ("人力资源", "L"),
    ("广告", "L"),
    ("建材", "F"),
    ("包装材料", "C"),
    ("新能源", "D"),
    ("检测技术", "M"),
    ("健康管理", "Q"),
    ("酒店管理", "H"),
    ("装饰工程", "E"),
]
COMPANY_FORMS = ["有限公司", "有限公司", "有限公司", "有限责任公司", "股份有限公司"]
SHOPS = [
    ("便利店", "F"),
    ("小吃店", "H"),
    ("理发店", "O"),
    ("五金店", "F"),
    ("水果店", "F"),
    ("干洗店", "O"),
    ("手机维修部", "O"),
    ("副食超市", "F"),
    ("快餐店", "H"),
    ("眼镜店", "F"),
]
SOCIAL_ORGS = [
    ("社会工作服务中心", "52"),
    ("养老服务中心", "52"),
    ("志愿者协会", "51"),
    ("商会", "51"),
    ("青少年发展服务中心", "52"),
    ("书画协会", "51"),
]
PLATFORMS = [
    "阜阳示范外卖配送服务有限公司",
    "阜阳示范快递有限公司",
    "阜阳示范网约车服务有限公司",
    "阜阳示范同城货运有限公司",
    "阜阳示范直播电商有限公司",
]
PLATFORM_OCCUPATIONS = [
    Occupation.DELIVERY_RIDER,
    Occupation.COURIER,
    Occupation.RIDE_HAILING_DRIVER,
    Occupation.TRUCK_DRIVER,
    Occupation.STREAMER,
]
CONTAINERS = [
    (OrgKind.BUSINESS_DISTRICT, "{}商圈"),
    (OrgKind.BUILDING, "{}大厦"),
    (OrgKind.BUILDING, "{}金融中心"),
    (OrgKind.PARK, "{}科技园"),
    (OrgKind.MARKET, "{}农贸市场"),
]
SURNAMES = list("赵钱孙李周吴郑王冯陈褚卫蒋沈韩杨朱秦许何吕施张孔曹严华金魏陶姜刘")
GIVEN = ["示范", "示例", "演示", "样例", "模拟"]
POSITIONS = ["职员", "职员", "职员", "技术员", "销售", "会计", "出纳", "文员", "操作工", "司机"]
VISIT_TOPICS = [
    "宣讲党的方针政策",
    "摸排党员和职工情况",
    "指导组建党组织",
    "指导开展三会一课",
    "培养入党积极分子",
    "支持工会共青团妇联工作",
    "指导党员组织关系转接",
]
ID_COUNTY = "341202"
CHARSET = "0123456789ABCDEFGHJKLMNPQRTUWXY"


def _credit_code(rng: random.Random, prefix: str, used: set[str]) -> str:
    """A checksum-valid 统一社会信用代码: ``prefix`` (e.g. 91341271MA) + random body."""
    while True:
        body = prefix + "".join(rng.choice(CHARSET) for _ in range(17 - len(prefix)))
        code = body + uscc.calc_check_digit(body)
        if code not in used:
            used.add(code)
            return code


def _id_number(rng: random.Random, used: set[str]) -> str:
    while True:
        birth = date(1962, 1, 1) + timedelta(days=rng.randrange(365 * 42))
        body = f"{ID_COUNTY}{birth:%Y%m%d}{rng.randrange(1000):03d}"
        number = body + ric.calc_check_digit(body + "0")
        if number not in used:
            used.add(number)
            return number


def _scaled(weights: list[float], total: int, minimum: int) -> list[int]:
    factor = total / sum(weights)
    return [max(minimum, round(w * factor)) for w in weights]


def _bulk(model: Any, rows: list) -> list:
    return model.objects.bulk_create(rows, batch_size=BATCH)


def load(ctx: Any) -> int:
    """The ``ledger`` demo loader (registered in shegong/demo.py)."""
    district = ctx.region("district")
    grids = list(Region.objects.subtree(district.prefix).filter(level="grid").order_by("code"))
    if not grids or Organization.objects.in_region(district.prefix).exists():
        return 0
    rng = random.Random(SEED)
    size = TARGETS[ctx.size]
    today = timezone.localdate()
    with transaction.atomic():
        counts = _load(rng, size, grids, today, ctx)
    counts.update(_load_campaign(ctx, today))
    for name, count in counts.items():
        ctx.created[f"ledger.{name}"] = count
    return counts["organizations"]


def _load(rng: random.Random, size: dict, grids: list[Region], today: date, ctx: Any) -> dict:
    used_codes: set[str] = set()
    names: set[str] = set()

    def company_name() -> tuple[str, str]:
        while True:
            brand = rng.choice(BRAND_WORDS) + rng.choice(BRAND_WORDS)
            word, industry = rng.choice(INDUSTRY_WORDS)
            name = f"阜阳市{brand}{word}{rng.choice(COMPANY_FORMS)}"
            if name not in names:
                names.add(name)
                return name, industry

    def address(grid: Region) -> str:
        return f"{grid.name.split('社区')[0]}路{rng.randint(1, 399)}号"

    def point(grid: Region) -> tuple[float | None, float | None]:
        if grid.centroid_lat is None:
            return None, None
        return (
            round(grid.centroid_lat + rng.uniform(-0.004, 0.004), 6),
            round(grid.centroid_lon + rng.uniform(-0.004, 0.004), 6),
        )

    # 1. Containers (商圈/楼宇/园区/市场), then the organizations, some of them tenants.
    containers = []
    for i in range(size["containers"]):
        kind, pattern = CONTAINERS[i % len(CONTAINERS)]
        grid = rng.choice(grids)
        lat, lon = point(grid)
        brand = rng.choice(BRAND_WORDS) + rng.choice(BRAND_WORDS)
        containers.append(
            Organization(
                kind=kind,
                name=f"示范区{pattern.format(brand)}",
                region=grid,
                address=address(grid),
                lat=lat,
                lon=lon,
                industry="L",
                employee_count=rng.randint(3, 12),
                # Optional for these kinds, but tenants name their container by it.
                credit_code=_credit_code(rng, "91341271MA", used_codes),
            )
        )
    containers = _bulk(Organization, containers)
    by_community: dict[str, list[Organization]] = defaultdict(list)
    for c in containers:
        by_community[c.region_id[:12]].append(c)

    plan: list[tuple[str, float]] = []  # (kind, raw employee weight)
    for _ in range(size["enterprise"]):
        r = rng.random()
        weight = (
            rng.uniform(2, 10)
            if r < 0.6
            else rng.uniform(10, 30)
            if r < 0.85
            else rng.uniform(30, 80)
            if r < 0.96
            else rng.uniform(80, 400)
        )
        plan.append(("enterprise", weight))
    plan += [("individual", rng.uniform(1, 4)) for _ in range(size["individual"])]
    plan += [("social_org", rng.uniform(2, 12)) for _ in range(size["social_org"])]
    plan += [("platform", rng.uniform(60, 250)) for _ in range(size["platform"])]
    employees = _scaled([w for _, w in plan], size["employees"], 1)

    orgs = []
    for index, (kind, _) in enumerate(plan):
        grid = rng.choice(grids)
        lat, lon = point(grid)
        values: dict[str, Any] = {
            "kind": kind,
            "region": grid,
            "address": address(grid),
            "lat": lat,
            "lon": lon,
            "employee_count": employees[index],
            "legal_rep": rng.choice(SURNAMES) + rng.choice(GIVEN),
        }
        if kind == "enterprise":
            values["name"], values["industry"] = company_name()
            values["credit_code"] = _credit_code(rng, "91341271MA", used_codes)
            tenants_of = by_community.get(grid.code[:12])
            if tenants_of and rng.random() < 0.35:
                values["container"] = rng.choice(tenants_of)
        elif kind == "individual":
            shop, industry = rng.choice(SHOPS)
            brand = rng.choice(BRAND_WORDS) + rng.choice(BRAND_WORDS)
            values.update(
                name=f"示范区{brand}{shop}",
                industry=industry,
                credit_code=_credit_code(rng, "92341271MA", used_codes),
            )
        elif kind == "social_org":
            label, category = rng.choice(SOCIAL_ORGS)
            brand = rng.choice(BRAND_WORDS) + rng.choice(BRAND_WORDS)
            values.update(
                name=f"示范区{brand}{label}",
                industry="S",
                credit_code=_credit_code(rng, f"{category}341271MJ", used_codes),
            )
        else:
            values.update(
                name=PLATFORMS[index % len(PLATFORMS)],
                industry="G",
                is_platform=True,
                credit_code=_credit_code(rng, "91341271MA", used_codes),
            )
        orgs.append(Organization(**values))
    orgs = _bulk(Organization, orgs)

    # 2. Party members per organization: half of the units have none; bigger ones more often.
    member_weights = []
    for org in orgs:
        share = 0.0 if rng.random() < 0.5 else rng.uniform(0.03, 0.25)
        member_weights.append(org.employee_count * share)
    raw_members = sum(member_weights) or 1
    factor = size["members"] / raw_members
    members_per_org = [
        min(org.employee_count, round(w * factor))
        for org, w in zip(orgs, member_weights, strict=True)
    ]

    # 3. People and their jobs.
    used_ids: set[str] = set()
    people, jobs_for = [], []
    phone = 0
    for org, n_members in zip(orgs, members_per_org, strict=True):
        managers = 1 if org.employee_count < 20 else 2
        for k in range(org.employee_count):
            number = _id_number(rng, used_ids)
            facts = id_facts(number)
            member = k < n_members
            probationary = member and rng.random() < 0.06
            status = (
                PoliticalStatus.PARTY_PROBATIONARY
                if probationary
                else PoliticalStatus.PARTY_FULL
                if member
                else rng.choice([PoliticalStatus.MASSES] * 8 + [PoliticalStatus.LEAGUE])
            )
            occupation = (
                rng.choice(PLATFORM_OCCUPATIONS)
                if org.is_platform and k >= managers
                else Occupation.MANAGER
                if k < managers
                else Occupation.EMPLOYEE
            )
            mobile = member and rng.random() < 0.05
            joined = None
            if member:
                joined = facts.birth_date + timedelta(days=365 * rng.randint(19, 35))
                joined = min(joined, today - timedelta(days=200 if probationary else 400))
            people.append(
                Person(
                    id_number=number,
                    id_number_index=blind_index(number),
                    birth_date=facts.birth_date,
                    sex=facts.sex,
                    name=rng.choice(SURNAMES) + rng.choice(GIVEN),
                    phone=f"137000{phone:05d}",
                    occupation=occupation,
                    political_status=status,
                    party_joined_on=joined,
                    is_mobile_member=mobile,
                    region_id=org.region_id,
                    party_registered_at="阜南县示范村党支部" if mobile else "",
                )
            )
            jobs_for.append((org, k < managers))
            phone += 1
    people = _bulk(Person, people)
    jobs = [
        Employment(
            person=p,
            organization=org,
            is_manager=manager,
            position="总经理" if manager else rng.choice(POSITIONS),
            started_on=today - timedelta(days=rng.randint(30, 3000)),
        )
        for p, (org, manager) in zip(people, jobs_for, strict=True)
    ]
    _bulk(Employment, jobs)
    members_of: dict[int, list[Person]] = defaultdict(list)
    for p, (org, _) in zip(people, jobs_for, strict=True):
        if p.political_status in (PoliticalStatus.PARTY_FULL, PoliticalStatus.PARTY_PROBATIONARY):
            members_of[org.pk].append(p)

    # 4. Party organizations and coverage.
    streets = {g.code[:9] + "000" for g in grids}
    street_regions = Region.objects.in_bulk(list(streets))

    def term(founded: date, past_due: bool, years: int = 3) -> date:
        """The current term's end (3 years for a branch); ``past_due``: due for re-election."""
        end = founded.replace(year=founded.year + years)
        while end < today:
            end = end.replace(year=end.year + years)
        return (
            end.replace(year=end.year - years) - timedelta(days=rng.randint(10, 200))
            if (past_due)
            else end
        )

    committees = _bulk(
        PartyOrganization,
        [
            PartyOrganization(
                name=f"{street_regions[code].name}非公企业和社会组织综合党委",
                type=PartyOrgType.COMMITTEE,
                region_id=code,
                founded_on=date(2016, 7, 1),
                term_end=term(date(2016, 7, 1), False, years=5),
            )
            for code in sorted(streets)
        ],
    )
    parent = {po.region_id: po for po in committees}

    coverage_mode: dict[int, CoverageMode] = {}
    branch_of: dict[int, PartyOrganization] = {}
    new_branches: list[tuple[PartyOrganization, list[int]]] = []
    small_by_community: dict[str, list[Organization]] = defaultdict(list)
    for org in orgs:
        members = members_of.get(org.pk, [])
        full = sum(1 for m in members if m.political_status == PoliticalStatus.PARTY_FULL)
        street = org.region_id[:9] + "000"
        if full >= 3:
            if rng.random() < 0.10:
                coverage_mode[org.pk] = CoverageMode.NONE  # 应建未建
                continue
            founded = date(rng.randint(2012, 2024), rng.randint(1, 12), 1)
            kind = (
                PartyOrgType.TEMPORARY_BRANCH
                if rng.random() < 0.02
                else PartyOrgType.GENERAL_BRANCH
                if full >= 50
                else PartyOrgType.BRANCH
            )
            suffix = (
                "临时党支部"
                if kind == PartyOrgType.TEMPORARY_BRANCH
                else ("党总支" if kind == PartyOrgType.GENERAL_BRANCH else "党支部")
            )
            po = PartyOrganization(
                name=f"{org.name}{suffix}",
                type=kind,
                parent=parent[street],
                region_id=org.region_id,
                founded_on=founded,
                term_end=term(founded, rng.random() < 0.08),
            )
            if kind == PartyOrgType.TEMPORARY_BRANCH:
                po.term_end = None  # a 临时党支部 has no 换届
            new_branches.append((po, [org.pk]))
            coverage_mode[org.pk] = CoverageMode.STANDALONE
        elif members:
            small_by_community[org.region_id[:12]].append(org)
        else:
            roll = rng.random()
            if org.container_id and roll < 0.25:
                coverage_mode[org.pk] = CoverageMode.AFFILIATED
            elif roll < 0.35:
                coverage_mode[org.pk] = CoverageMode.INSTRUCTOR
            else:
                coverage_mode[org.pk] = CoverageMode.NONE
    # Units with 1–2 members: joint branches of at most five neighbours, else an instructor.
    for community, units in sorted(small_by_community.items()):
        rng.shuffle(units)
        joined = units[: int(len(units) * 0.6)]
        for org in units[len(joined) :]:
            coverage_mode[org.pk] = (
                CoverageMode.INSTRUCTOR if rng.random() < 0.5 else CoverageMode.NONE
            )
        for start in range(0, len(joined), 5):
            group = joined[start : start + 5]
            if len(group) < 2:
                coverage_mode[group[0].pk] = CoverageMode.INSTRUCTOR
                continue
            founded = date(rng.randint(2015, 2024), rng.randint(1, 12), 1)
            community_name = Region.objects.get(code=community).name
            po = PartyOrganization(
                name=f"{community_name}非公企业第{start // 5 + 1}联合党支部",
                type=PartyOrgType.JOINT_BRANCH,
                parent=parent[community[:9] + "000"],
                region_id=community,
                founded_on=founded,
                term_end=term(founded, rng.random() < 0.08),
            )
            new_branches.append((po, [o.pk for o in group]))
            for o in group:
                coverage_mode[o.pk] = CoverageMode.JOINT
    branches = _bulk(PartyOrganization, [po for po, _ in new_branches])
    for po, (_, unit_pks) in zip(branches, new_branches, strict=True):
        for pk in unit_pks:
            branch_of[pk] = po
    # Affiliated units hang on their building's or district's committee of the street.
    party_memberships = []
    secretaries: dict[int, Person] = {}
    for org in orgs:
        po = branch_of.get(org.pk)
        if po is None:
            continue
        for m in members_of.get(org.pk, []):
            if m.is_mobile_member:
                continue
            role = PartyRole.MEMBER
            if po.pk not in secretaries and m.political_status == PoliticalStatus.PARTY_FULL:
                secretaries[po.pk] = m
                role = PartyRole.SECRETARY
            party_memberships.append(
                PartyMembership(
                    party_org=po,
                    person=m,
                    role=role,
                    joined_on=po.founded_on,
                    # A temporary branch's members keep their relation elsewhere.
                    transferred=po.type != PartyOrgType.TEMPORARY_BRANCH,
                )
            )
    _bulk(PartyMembership, party_memberships)
    for po in branches:
        po.secretary = secretaries.get(po.pk)
    PartyOrganization.objects.bulk_update(branches, ["secretary"], batch_size=BATCH)
    # Members of units without their own organization keep it elsewhere (e.g. 户籍地).
    registered = {
        p.pk: branch_of[o.pk].name
        for p, (o, _) in zip(people, jobs_for, strict=True)
        if o.pk in branch_of
        and p.political_status in (PoliticalStatus.PARTY_FULL, PoliticalStatus.PARTY_PROBATIONARY)
        and not p.is_mobile_member
    }
    for p in people:
        if p.pk in registered:
            p.party_registered_at = registered[p.pk]
        elif p.political_status in (PoliticalStatus.PARTY_FULL, PoliticalStatus.PARTY_PROBATIONARY):
            p.party_registered_at = p.party_registered_at or "原单位党组织"
    Person.objects.bulk_update(
        [p for p in people if p.party_registered_at], ["party_registered_at"], batch_size=BATCH
    )
    coverage = []
    for org in [*containers, *orgs]:
        mode = coverage_mode.get(org.pk, CoverageMode.NONE)
        po = branch_of.get(org.pk)
        if mode == CoverageMode.AFFILIATED:
            po = parent[org.region_id[:9] + "000"]
        coverage.append(
            Coverage(
                organization=org,
                mode=mode,
                party_org=po,
                region_id=org.region_id,
                since=po.founded_on if po else None,
            )
        )
    _bulk(Coverage, coverage)

    # 5. Instructors: the demo instructor in street 1, one made-up instructor per other street.
    instructors = _instructors(ctx, sorted(streets))
    assignments = []
    for org in orgs:
        if coverage_mode.get(org.pk) != CoverageMode.INSTRUCTOR:
            continue
        person = instructors.get(org.region_id[:9] + "000")
        if person is not None:
            assignments.append(
                InstructorAssignment(
                    instructor=person,
                    organization=org,
                    region_id=org.region_id,
                    started_on=today - timedelta(days=rng.randint(60, 900)),
                )
            )
    assignments = _bulk(InstructorAssignment, assignments)
    visits = []
    for a in assignments:
        for round_ in range(1, rng.randint(1, 3) + 1):
            visits.append(
                GuidanceVisit(
                    organization=a.organization,
                    instructor=a.instructor,
                    region_id=a.region_id,
                    visited_on=today - timedelta(days=rng.randint(1, 180)),
                    round=round_,
                    topic=rng.choice(VISIT_TOPICS),
                    notes="已按计划走访，情况已记录。",
                )
            )
    _bulk(GuidanceVisit, visits)
    n_members = sum(len(v) for v in members_of.values())
    return {
        "organizations": len(orgs) + len(containers),
        "people": len(people),
        "party_members": n_members,
        "party_orgs": len(committees) + len(branches),
        "instructor_assignments": len(assignments),
        "visits": len(visits),
    }


def _instructors(ctx: Any, streets: list[str]) -> dict[str, User]:
    """Street code → an instructor: the demo login in street 1, made-up ones elsewhere."""
    from shegong.core import demo

    result: dict[str, User] = {}
    held = Membership.objects.filter(role=Role.PARTY_INSTRUCTOR).select_related("user", "region")
    for m in held:
        if m.region.level == "street" and m.region_id in streets:
            result.setdefault(m.region_id, m.user)
    rng = random.Random(SEED + 1)
    for index, code in enumerate(streets):
        if code in result:
            continue
        phone = f"138000000{20 + index:02d}"
        user = User.objects.filter(phone=phone).first()
        if user is None:
            # A record of a person, not a demo login: no usable password.
            user = User.objects.create_user(
                phone=phone,
                password=None,
                name=demo.fake_name(index + 3),
                id_number=demo.fake_id_number(rng, 500 + index),
                must_change_password=False,
            )
            Membership.objects.create(user=user, role=Role.PARTY_INSTRUCTOR, region_id=code)
        result[code] = user
    return result


def _load_campaign(ctx: Any, today: date) -> dict[str, int]:
    """One open 回头看 in street 1, made through the actions, with done and overdue tasks."""
    from .actions.campaigns import complete_task, create_campaign, organization_input

    staff = User.objects.filter(phone="13800000002").first()
    if staff is None:
        return {"review_tasks": 0}
    street = ctx.region("street:1")
    campaign = create_campaign(
        actor=staff,
        name="非公企业党建覆盖回头看（演示）",
        region=street,
        criteria={"kind": ["enterprise"], "status": "active"},
        due_on=today + timedelta(days=10),
        assignee=staff,
    )
    rng = random.Random(SEED + 2)
    tasks = list(campaign.tasks.select_related("organization").order_by("pk"))
    for task in tasks:
        roll = rng.random()
        if roll < 0.45:
            complete_task(task, actor=staff, outcome="verified", note="")
        elif roll < 0.50:
            org = task.organization
            changes = organization_input(
                org, employee_count=(org.employee_count or 0) + rng.randint(1, 5)
            )
            complete_task(
                task, actor=staff, outcome="updated", note="从业人数有变化", changes=changes
            )
        elif roll < 0.51:
            complete_task(task, actor=staff, outcome="closed", note="已注销")
    # Started a month ago; the first community's tasks were due five days ago (overdue), the
    # rest are due with the campaign in ten days (a campaign ends no earlier than its tasks).
    campaign.created_at = timezone.now() - timedelta(days=30)
    campaign.save(update_fields=["created_at"])
    open_tasks = campaign.tasks.filter(done_at=None)
    first = f"{street.code[:9]}001"
    in_subtree(open_tasks, first).update(due_on=today - timedelta(days=5))
    return {"review_tasks": len(tasks)}
