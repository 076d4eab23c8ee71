"""Demo volunteer service of the 示范区: volunteers, teams, professional social workers,
activities with sign-ups and attendance, approved hours, stars and certificates.

Sizes (``seed``): ~3,000 volunteers across the communities (a few minors with or without a
guardian's consent, some paused, some who left), skills with certificates, weekly availability;
36 teams (1 district organisation, a team per street, community teams and grassroots groups; 12
孵化中 and 18 已孵化 with dates); 20 professional social workers (5 senior, paired with communities
with guidance logs) stationed in about 70 % of the communities; 120 activities over the last six
months (some with several shifts or days, some risky with an insurance note, some needing a
skill) with sign-ups, cancellations and waitlists, attendance (a few auto-closed), most records
approved and the last days' pending; one activity under way; 10 upcoming published activities
(one full, with a waitlist), two awaiting review, a draft, a rejected and a cancelled one;
historical hours transferred in from earlier systems, so some volunteers hold stars — a handful
reached recently, so the public 新晋星级志愿者 page shows them; ~40 certificates, one revoked;
a few requests for one waiting in the teams' queues, one declined; about two trainings per
incubated team over the last year (20–60 trainees each, some given by the demo social workers)
and ~30 awards (社区级 / 街道级 优秀志愿者 mostly, a team's 优秀队员, one revoked).

The demo logins: 13800000009 (志愿者) is a volunteer with hours, sign-ups, a certificate, one
training and one award;
13800000015 (志愿者) leads 东关社区's team (H5 and the team pages, a review queue);
13800000008 (社工) is a senior professional social worker stationed at 东关社区 with a pairing.

The few of each kind and everything with a rule that is cheap to call go through the actions
(actor None: the system, or the login acting himself): the logins' registrations, teams and
their incubation, social workers, stationings, pairings and guidance logs, the upcoming
activities and their sign-ups, corrections, paper records, certificates and the revocation. The
bulk (thousands of volunteers and of sign-ups and records) is written with ``bulk_create``
keeping what the actions keep: a ledger Person per volunteer with a checksum-valid fake ID
number, the volunteer number scheme, one attendance record per shift and volunteer from a
confirmed sign-up, hours clipped to the shift, reviewer and time on every reviewed record,
``Volunteer.hours`` equal to the sum of the approved records and ``star`` to ``star_for`` of it,
dated when the running total crossed the threshold. Deterministic (its own seed) and idempotent:
nothing is added once the district has a volunteer.
"""

from __future__ import annotations

import random
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.conf import settings
from django.utils import timezone
from stdnum.cn import ric

from shegong.accounts.models import User
from shegong.core import demo
from shegong.core.pii import blind_index, id_facts
from shegong.core.workdays import add_calendar_days
from shegong.ledger.demo import GIVEN, SURNAMES
from shegong.ledger.models import Organization, Person
from shegong.regions.models import Region
from shegong.volunteers.actions import (
    activities,
    awards,
    certificate_requests,
    certificates,
    hours,
    issuers,
    registration,
    signups,
    socialwork,
    teams,
    training,
)
from shegong.volunteers.actions.attendance import hours_between
from shegong.volunteers.choices import (
    ActivityCategory,
    ActivityStatus,
    AwardLevel,
    GuidanceMode,
    Incubation,
    Qualification,
    RecordKind,
    RecordStatus,
    SignupStatus,
    StarAwardStatus,
    TeamKind,
    TeamRole,
    VolunteerStatus,
)
from shegong.volunteers.consent import CONSENT_VERSION, min_age
from shegong.volunteers.models import (
    Activity,
    Award,
    CertificateRequest,
    ServiceRecord,
    Shift,
    Signup,
    Skill,
    SocialWorker,
    StarAward,
    Team,
    TeamMember,
    Training,
    TrainingAttendance,
    Volunteer,
    VolunteerSkill,
)
from shegong.volunteers.queries import socialwork as socialwork_queries
from shegong.volunteers.queries.issuers import registered_issuer_org
from shegong.volunteers.stars import star_for, thresholds

SEED = 20260606
BATCH = 1000
ADMIN_PHONE, STREET1_PHONE, STREET2_PHONE = "13800000001", "13800000002", "13800000003"
COMMUNITY_WORKER_PHONE = "13800000004"
SOCIAL_WORKER_PHONE, VOLUNTEER_PHONE, LEADER_PHONE = "13800000008", "13800000009", "13800000015"


@dataclass(frozen=True)
class Size:
    volunteers: int
    teams: int  # district organisation + one per street + community teams
    incubating: int
    incubated: int
    social_workers: int
    senior: int
    past: int  # activities over the last six months
    upcoming: int  # published, not started
    certificates: int
    transfers: int  # volunteers with hours transferred in from earlier systems
    new_stars: int  # volunteers who reached a star within the public period
    awards: int  # 表彰奖励 (one of them revoked)


SIZES = {
    "small": Size(160, 7, 2, 3, 4, 2, 14, 4, 6, 16, 3, 10),
    "seed": Size(3000, 36, 12, 18, 20, 5, 120, 10, 40, 240, 8, 30),
    "large": Size(12000, 96, 30, 48, 60, 15, 400, 20, 120, 900, 12, 80),
}

# Team themes: (name of a team, name of a grassroots group, its activity categories).
THEMES = {
    "elderly": ("助老志愿服务队", "银龄互助队", ["elderly", "elderly", "health", "culture"]),
    "environment": ("环保志愿服务队", "护河志愿者团", ["environment", "environment", "community"]),
    "civility": ("新时代文明实践志愿服务队", "文明劝导队", ["civility", "community", "culture"]),
    "children": ("关爱儿童志愿服务队", "四点半课堂互助组", ["children", "children", "culture"]),
    "community": ("平安志愿服务队", "邻里互助会", ["community", "community", "emergency"]),
    "culture": ("文艺志愿服务队", "夕阳红文艺队", ["culture", "culture", "elderly"]),
    "health": ("健康志愿服务队", "健康互助小组", ["health", "elderly", "disabled"]),
}
COMMUNITY_THEMES = list(THEMES)
STREET_CATEGORIES = ["community", "emergency", "legal", "civility", "environment", "other"]
DISTRICT_CATEGORIES = ["emergency", "legal", "health", "other", "civility", "disabled"]
# Per category: (title, required skill or "", risky).
ACTIVITIES = {
    "elderly": [("独居老人助餐送餐", "", False), ("老年人智能手机教学", "", False),
                ("敬老院陪护与文艺慰问", "", False), ("高龄老人入户探访", "", False)],
    "disabled": [("助残康复陪伴", "disabled", False), ("残疾人家庭上门服务", "", False)],
    "children": [("四点半课堂作业辅导", "", False), ("儿童防溺水安全教育", "", False),
                 ("留守儿童周末陪伴", "childcare", False), ("亲子阅读会", "", False)],
    "community": [("楼道杂物清理", "", False), ("垃圾分类入户宣传", "", False),
                  ("文明停车劝导", "", False), ("平安夜巡", "", False)],
    "environment": [("颍河岸线清洁", "", True), ("社区绿地补植", "", False),
                    ("“无废社区”宣传", "", False)],
    "civility": [("新时代文明实践宣讲", "", False), ("文明交通劝导", "", False),
                 ("移风易俗宣传", "", False)],
    "health": [("社区义诊", "medical", False), ("健康知识讲座", "", False),
               ("免费测血压血糖", "medical", False)],
    "legal": [("法律咨询进社区", "legal", False), ("反诈骗宣传", "", False)],
    "emergency": [("防汛物资转运", "", True), ("应急疏散演练保障", "rescue", True),
                  ("消防安全隐患排查", "", True)],
    "culture": [("社区文艺汇演", "arts", False), ("书法进社区", "", False),
                ("广场舞展演", "", False)],
    "other": [("义务理发进小区", "haircut", False), ("家电义务维修", "appliance_repair", False)],
}  # fmt: skip
PLACES = ["党群服务中心", "新时代文明实践站", "居民广场", "养老服务站", "文化活动室", "小区北门"]
INSURANCE = "已为全部参与志愿者投保志愿者意外伤害保险（示范保险公司，保单号 DEMO-VOL-2026-{:03d}）"
SKILL_WEIGHTS = {
    "elderly": 30, "arts": 12, "childcare": 10, "it": 8, "photography": 8, "medical": 7,
    "disabled": 6, "driving": 6, "appliance_repair": 5, "rescue": 5, "haircut": 4,
    "counselling": 4, "legal": 4, "translation": 3,
}  # fmt: skip
SKILL_CERTIFICATES = {
    "medical": "护士执业证书", "counselling": "心理咨询师证书", "legal": "法律职业资格证书",
    "rescue": "红十字救护员证", "driving": "机动车驾驶证",
}  # fmt: skip
REQUEST_PURPOSES = ["升学", "评优评先", "求职", "入党积极分子考察", "单位考核"]
TRANSFER_SOURCES = [
    "阜阳市志愿服务联合会（原志愿服务平台）",
    "颍州区新时代文明实践中心",
    "共青团阜阳市委青年志愿者协会",
    "阜阳市红十字会志愿服务总队",
]
# Trainings: (title, content, hours, who gives it; "" = a demo social worker).
TRAININGS = [
    ("志愿服务通用知识培训", "志愿服务理念、《志愿服务条例》、志愿者权利义务与服务礼仪", "2",
     "区志愿者协会"),
    ("应急救护（心肺复苏/AED）培训", "心肺复苏、AED使用、气道异物梗阻急救，现场实操考核", "4",
     "区红十字会"),
    ("消防安全与初期火灾扑救培训", "灭火器使用、疏散引导、独居老人家中的用电用气隐患", "2",
     "区消防救援大队"),
    ("老年人照护技能培训", "失能老人翻身、移位与喂食，防跌倒与居家安全检查", "3", ""),
    ("入户探访与沟通技巧", "探访流程、倾听与回应、发现需求后的转介", "2", ""),
    ("防范电信网络诈骗宣传培训", "常见骗局、宣传话术、入户宣传时的注意事项", "1.5",
     "区公安分局反诈中心"),
    ("垃圾分类指导员培训", "分类标准、桶边督导、居民常见问题解答", "2", "区城市管理局"),
    ("儿童安全与陪伴技巧培训", "儿童心理特点、防溺水与防走失、课后陪伴的边界", "2.5", ""),
    ("志愿服务项目设计与记录", "需求调研、项目书撰写、服务记录与时长登记规范", "3", ""),
]  # fmt: skip
# 表彰 levels in turn (a team's award falls back to 社区级 for a volunteer without a team).
AWARD_LEVELS = [
    AwardLevel.COMMUNITY, AwardLevel.STREET, AwardLevel.COMMUNITY, AwardLevel.TEAM,
    AwardLevel.STREET, AwardLevel.COMMUNITY, AwardLevel.COUNTY, AwardLevel.COMMUNITY,
    AwardLevel.STREET, AwardLevel.TEAM, AwardLevel.COMMUNITY, AwardLevel.CITY,
]  # fmt: skip
DECLINE_NOTES = ["签到后提前离开，未实际参加服务", "与本人另一条记录重复，已按该记录确认"]
GUIDANCE_TOPICS = [
    ("社区社会组织孵化指导", "梳理孵化团队的章程、骨干和活动台账，明确下一步登记备案的材料。"),
    ("志愿服务项目设计", "与社区共同设计“邻里守望”项目，明确服务对象、频次和志愿者分工。"),
    ("个案管理督导", "复盘两个困难家庭个案的服务计划，调整走访频次和转介资源。"),
    ("社区议事协商指导", "指导居民议事会围绕停车难问题开展协商，形成三条公约草案。"),
    ("困境儿童关爱服务督导", "检查困境儿童台账和探访记录，补充心理支持服务安排。"),
    ("社工站台账规范化", "对照台账规范逐项检查，补齐服务记录中的服务对象签字。"),
    ("居民需求调研方法", "讲解入户问卷和焦点小组的做法，约定下月完成需求调研报告。"),
]
SW_TITLES = {
    Qualification.ASSISTANT: "助理社会工作师",
    Qualification.INTERMEDIATE: "社会工作师",
    Qualification.SENIOR: "高级社会工作师",
}
Q2 = Decimal("0.01")


# --- small helpers ----------------------------------------------------------------------------


def _id_born(birth: date, sequence: int) -> str:
    """A checksum-valid fake ID number born on ``birth`` (``demo.fake_id_number`` draws adults
    born 1960–1999; minors and students need a later birth)."""
    body = f"{demo.ID_COUNTY}{birth:%Y%m%d}{sequence % 1000:03d}"
    return body + ric.calc_check_digit(body + "0")


def _years_ago(today: date, years: int) -> date:
    return date(today.year - years, today.month, min(today.day, 28))


def _at(day: date, hour: int, minute: int = 0) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour, minute)))


def _point(rng: random.Random, region: Region) -> tuple[float, float]:
    """A point near the region's centroid, well inside its bounding box."""
    lat, lon = region.centroid_lat, region.centroid_lon
    if region.max_lat is not None and region.min_lat is not None:
        lat += (region.max_lat - region.min_lat) * rng.uniform(-0.2, 0.2)
        lon += (region.max_lon - region.min_lon) * rng.uniform(-0.2, 0.2)
    return round(lat, 6), round(lon, 6)


def _short(community: Region) -> str:
    return community.name.removesuffix("社区")


def _weighted_sample(rng: random.Random, pool: dict[int, float], k: int) -> list[int]:
    """``k`` keys of ``pool`` without replacement, heavier weights first more often."""
    keyed = sorted(pool, key=lambda key: rng.random() ** (1.0 / pool[key]), reverse=True)
    return keyed[:k]


@dataclass
class Plan:
    """One volunteer as the loader plans it (the rows follow from it)."""

    volunteer: Volunteer
    community: Region
    birth: date
    status: str
    created: datetime
    weight: float
    serves_from: datetime | None  # may sign up from then on (None: never — status, guardian)
    skills: set[str]
    user_id: int | None = None
    memberships: list[tuple[Team, date, date | None]] = field(default_factory=list)

    @property
    def pk(self) -> int:
        return self.volunteer.pk

    def member_of(self, team: Team, on: date) -> bool:
        return any(
            t.pk == team.pk and joined <= on and (left is None or left > on)
            for t, joined, left in self.memberships
        )


# --- the loader -------------------------------------------------------------------------------


def load(ctx: Any) -> int:
    """The ``volunteers`` demo loader; returns the number of volunteers created (0 when the
    district already has volunteers, or has no communities or demo staff yet)."""
    district = ctx.region("district")
    if Volunteer.objects.in_region(district.prefix).exists():
        return 0
    communities = list(
        Region.objects.subtree(district.prefix)
        .filter(level="community", centroid_lat__isnull=False)
        .order_by("code")
    )
    users = User.objects.in_bulk(
        [ADMIN_PHONE, STREET1_PHONE, STREET2_PHONE, COMMUNITY_WORKER_PHONE, SOCIAL_WORKER_PHONE,
         VOLUNTEER_PHONE, LEADER_PHONE],
        field_name="phone",
    )  # fmt: skip
    if not communities or ADMIN_PHONE not in users:
        return 0  # the regions or users loaders have not run
    loader = _Loader(ctx, district, communities, users)
    return loader.run()


class _Loader:
    def __init__(self, ctx: Any, district: Region, communities: list[Region], users: dict):
        self.ctx = ctx
        self.size = SIZES[ctx.size]
        self.rng = random.Random(SEED)
        self.now = timezone.now().replace(second=0, microsecond=0)
        self.today = timezone.localdate()
        self.district = district
        self.communities = communities
        self.streets = list(district.children.filter(level="street").order_by("code"))
        self.streets_by_code = {s.code[:9]: s for s in self.streets}
        self.grids: dict[str, list[Region]] = defaultdict(list)
        for grid in Region.objects.subtree(district.prefix).filter(level="grid").order_by("code"):
            self.grids[grid.code[:12]].append(grid)
        self.users = users
        self.admin = users[ADMIN_PHONE]
        self.home = communities[0]  # 东关社区 (community:1:1), where the logins live
        self.skills = {s.code: s for s in Skill.objects.filter(is_active=True)}
        self.plans: list[Plan] = []
        self.by_pk: dict[int, Plan] = {}
        self.teams: list[Team] = []
        self.theme: dict[int, str] = {}
        self.categories: dict[int, list[str]] = {}
        self.home_team: Team | None = None
        self.leaders: dict[int, list[Plan]] = defaultdict(list)
        self.login_volunteer: Plan | None = None
        self.login_leader: Plan | None = None

    # --- who reviews ----------------------------------------------------------------------

    def staff_for(self, region_code: str) -> User:
        """Staff with volunteers.manage over ``region_code``: the community worker in 东关, the
        street staff in streets 1 and 2, the district admin elsewhere."""
        worker = self.users.get(COMMUNITY_WORKER_PHONE)
        if worker is not None and region_code.startswith(self.home.code):
            return worker
        return self.reviewer_of_activities(region_code)

    def reviewer_of_activities(self, region_code: str) -> User:
        """Staff with activities.review over ``region_code``."""
        for index, phone in ((0, STREET1_PHONE), (1, STREET2_PHONE)):
            if (
                index < len(self.streets)
                and region_code.startswith(self.streets[index].prefix)
                and phone in self.users
            ):
                return self.users[phone]
        return self.admin

    def record_reviewer(self, team: Team, plan: Plan) -> User:
        """谁组织谁记录: the team's leader with an account approves, never his own hours."""
        for leader in self.leaders.get(team.pk, []):
            if leader.user_id and leader.user_id != plan.user_id:
                return self.users[LEADER_PHONE]
        return self.staff_for(team.region_id)

    # --- the run --------------------------------------------------------------------------

    def run(self) -> int:
        self._logins()
        created = self._volunteers()
        self._teams()
        self._memberships()
        self._social_workers()
        records = self._past_activities()
        self._totals(records)
        self._upcoming()
        self._corrections()
        issued = self._certificates()
        self._trainings()
        self._awards()
        counts = {
            "teams": len(self.teams),
            "social_workers": SocialWorker.objects.count(),
            "activities": Activity.objects.count(),
            "signups": Signup.objects.count(),
            "records": ServiceRecord.objects.count(),
            "stars": Volunteer.objects.filter(star__gt=0).count(),
            "certificates": issued,
            "trainings": Training.objects.count(),
            "training_attendances": TrainingAttendance.objects.count(),
            "awards": Award.objects.count(),
        }
        for name, count in counts.items():
            self.ctx.created[f"volunteers.{name}"] = count
        return created

    # --- volunteers -----------------------------------------------------------------------

    def _logins(self) -> None:
        """The volunteer logins register themselves on H5 (the action), in 东关社区."""
        for phone, skills in ((VOLUNTEER_PHONE, ["elderly", "it"]),
                              (LEADER_PHONE, ["elderly", "photography", "driving"])):  # fmt: skip
            user = self.users.get(phone)
            if user is None or not user.id_number:
                continue
            volunteer = registration.register_volunteer(
                actor=user, name=user.name, id_number=user.id_number, phone=user.phone,
                region=self.home, skills=skills, availability={"6": ["am", "pm"], "7": ["am"]},
                consent=True, self_service=True,
            )  # fmt: skip
            created = self.now - timedelta(days=700 if phone == LEADER_PHONE else 420)
            Volunteer.objects.filter(pk=volunteer.pk).update(created_at=created, consent_at=created)
            volunteer.created_at = created
            plan = Plan(
                volunteer=volunteer, community=self.home, birth=volunteer.person.birth_date,
                status=VolunteerStatus.ACTIVE, created=created, weight=6.0, serves_from=created,
                skills=set(skills), user_id=user.pk,
            )  # fmt: skip
            self._add(plan)
            if phone == VOLUNTEER_PHONE:
                self.login_volunteer = plan
            else:
                self.login_leader = plan

    def _add(self, plan: Plan) -> None:
        self.plans.append(plan)
        self.by_pk[plan.pk] = plan

    def _volunteers(self) -> int:
        rng, today = self.rng, self.today
        used = self.used = set(
            Person.objects.exclude(id_number_index=None).values_list("id_number_index", flat=True)
        )
        used |= set(
            User.objects.exclude(id_number_index=None).values_list("id_number_index", flat=True)
        )
        weights = [2.5 if c.pk == self.home.pk else rng.uniform(0.5, 1.5) for c in self.communities]
        skill_codes = [c for c in SKILL_WEIGHTS if c in self.skills]
        skill_weights = [SKILL_WEIGHTS[c] for c in skill_codes]
        people, drafts = [], []
        # Nobody under SHEGONG_VOLUNTEER_MIN_AGE (14 by default: then no child at all).
        youngest = min_age()
        for i in range(self.size.volunteers):
            community = rng.choices(self.communities, weights)[0]
            roll = rng.random()
            if roll < 0.004 and youngest < 14:  # a child, registered by staff with the guardian
                years, age = (youngest, 13), "child"
            elif roll < 0.03:
                years, age = (15, 17), "teen"
            elif roll < 0.17:
                years, age = (18, 25), "young"
            else:
                years, age = None, "adult"
            while True:
                if years is None:
                    number = demo.fake_id_number(rng, i)
                else:
                    born = _years_ago(today, rng.randint(*years)) - timedelta(rng.randint(1, 360))
                    number = _id_born(born, rng.randrange(1000))
                digest = blind_index(number)
                if digest not in used:
                    used.add(digest)
                    break
            facts = id_facts(number)
            grid = rng.choice(self.grids.get(community.code) or [community])
            since = 365 if age in ("child", "teen") else 1100  # a minor registered this year
            created = self.now - timedelta(days=rng.randint(8, since), minutes=rng.randint(0, 600))
            people.append(
                Person(
                    id_number=number, birth_date=facts.birth_date, sex=facts.sex,
                    name=rng.choice(SURNAMES) + rng.choice(GIVEN), phone=f"13600{i + 1:06d}",
                    region=grid, created_at=created, updated_at=created,
                )
            )  # fmt: skip
            drafts.append((community, age, created))
        people = Person.objects.bulk_create(people, batch_size=BATCH)

        volunteers, plans = [], []
        for i, (person, (community, age, created)) in enumerate(zip(people, drafts, strict=True)):
            roll = rng.random()
            status = (
                VolunteerStatus.LEFT if roll < 0.02
                else VolunteerStatus.PAUSED if roll < 0.06
                else VolunteerStatus.ACTIVE
            )  # fmt: skip
            # Registered by the community's staff; those of the earlier system were imported.
            imported = created < self.now - timedelta(days=180) and age != "child"
            guardian: dict[str, Any] = {}
            serves_from: datetime | None = created
            if age in ("child", "teen"):
                guardian = {
                    "guardian_name": person.name[0] + rng.choice(GIVEN),
                    "guardian_phone": f"13601{i + 1:06d}",
                    "guardian_relation": rng.choice(["父亲", "母亲"]),
                }
                consented = age == "child" or rng.random() < 0.8
                if consented:
                    serves_from = created + timedelta(
                        days=0 if age == "child" else rng.randint(1, 20)
                    )
                    guardian["guardian_consent_at"] = serves_from
                else:
                    serves_from = None
            if status != VolunteerStatus.ACTIVE:
                serves_from = None
            parts = {}
            for _ in range(rng.randint(1, 4)):
                day = rng.choice("1234567666777")
                parts.setdefault(day, set()).add(rng.choice(["am", "am", "pm", "eve"]))
            availability = {
                d: [p for p in ("am", "pm", "eve") if p in parts[d]] for d in sorted(parts)
            }
            codes = set(rng.choices(skill_codes, skill_weights, k=rng.choice([0, 1, 1, 2, 2, 3])))
            volunteer = Volunteer(
                person=person, number=registration.volunteer_number(community, person),
                region=community, status=status, availability=availability,
                consent_version=CONSENT_VERSION, consent_at=created,
                registered_by=None if imported else self.staff_for(community.code),
                created_at=created, **guardian,
            )  # fmt: skip
            volunteers.append(volunteer)
            weight = rng.paretovariate(1.6)
            plans.append(
                Plan(
                    volunteer=volunteer, community=community, birth=person.birth_date,
                    status=status, created=created, weight=weight, serves_from=serves_from,
                    skills=codes,
                )
            )  # fmt: skip
        Volunteer.objects.bulk_create(volunteers, batch_size=BATCH)
        skill_rows = []
        for plan in plans:
            self._add(plan)
            for code in sorted(plan.skills):
                name = SKILL_CERTIFICATES.get(code, "")
                has = self.skills[code].needs_certificate and name and rng.random() < 0.7
                skill_rows.append(
                    VolunteerSkill(
                        volunteer=plan.volunteer, skill=self.skills[code],
                        certificate_name=name if has else "",
                        certificate_number=f"{rng.randint(2008, 2025)}{rng.randint(10**9, 10**10)}"
                        if has else "",
                    )
                )  # fmt: skip
        VolunteerSkill.objects.bulk_create(skill_rows, batch_size=BATCH)
        return len(volunteers) + sum(1 for p in (self.login_volunteer, self.login_leader) if p)

    # --- teams ----------------------------------------------------------------------------

    def _interleaved(self) -> list[Region]:
        """The communities street by street in turn (东关社区 first), so a few teams spread."""
        by_street: dict[str, list[Region]] = defaultdict(list)
        for community in self.communities:
            by_street[community.code[:9]].append(community)
        rows = list(by_street.values())
        out = []
        for k in range(max(len(r) for r in rows)):
            out += [r[k] for r in rows if k < len(r)]
        return out

    def _phone(self) -> str:
        return f"0558-{self.rng.randint(2000000, 8999999)}"

    def _teams(self) -> None:
        rng, today = self.rng, self.today
        labels = dict(ActivityCategory.choices)
        org = (
            Organization.objects.filter(kind="social_org", name__contains="志愿者协会")
            .order_by("pk")
            .first()
        )
        district_team = teams.create_team(
            actor=None, name=f"{self.district.name}志愿者协会", region=self.district,
            kind=TeamKind.ORGANIZATION, organization=org, phone=self._phone(),
            description="区级志愿服务组织，统筹全区志愿服务队伍的招募、培训和项目对接。",
        )  # fmt: skip
        self._team(district_team, DISTRICT_CATEGORIES, "district")
        self.street_teams: dict[str, Team] = {}
        for street in self.streets:
            team = teams.create_team(
                actor=None, name=f"{street.name}志愿服务队", region=street, parent=district_team,
                phone=self._phone(),
                description=f"{street.name}的志愿服务队，承担应急、法律和文明实践等跨社区服务。",
            )  # fmt: skip
            self.street_teams[street.code[:9]] = team
            self._team(team, STREET_CATEGORIES, "street")
        self.community_teams: dict[str, list[Team]] = defaultdict(list)
        order = self._interleaved()
        used: dict[str, set[str]] = defaultdict(set)
        for k in range(max(self.size.teams - 1 - len(self.streets), 1)):
            community = order[k % len(order)]
            free = [t for t in COMMUNITY_THEMES if t not in used[community.code]]
            theme = "elderly" if k == 0 else rng.choice(free or COMMUNITY_THEMES)
            used[community.code].add(theme)
            grassroots = k % 4 == 3
            team_name, group_name, categories = THEMES[theme]
            what = "、".join(dict.fromkeys(labels[c] for c in categories))
            team = teams.create_team(
                actor=None,
                name=f"{_short(community)}{group_name}" if grassroots
                else f"{community.name}{team_name}",
                region=community, kind=TeamKind.GRASSROOTS if grassroots else TeamKind.TEAM,
                parent=None if grassroots else self.street_teams.get(community.code[:9]),
                phone=self._phone(), description=f"扎根{community.name}，开展{what}等志愿服务。",
            )  # fmt: skip
            self.community_teams[community.code].append(team)
            self._team(team, categories, theme)
        self.home_team = self.community_teams[self.home.code][0]
        # Incubation: 东关's team first, then the others in a random order.
        rest = [t for t in self.teams if t.pk not in (self.home_team.pk, district_team.pk)]
        rng.shuffle(rest)
        self.team_created: dict[int, date] = {}
        for index, team in enumerate([self.home_team, *rest, district_team]):
            if index < self.size.incubated:
                created = today - timedelta(days=rng.randint(600, 1400))
                started = created + timedelta(days=rng.randint(30, 150))
                done = min(started + timedelta(days=rng.randint(180, 420)), today - timedelta(20))
                steps = [(Incubation.INCUBATING, started), (Incubation.INCUBATED, done)]
            elif index < self.size.incubated + self.size.incubating:
                created = today - timedelta(days=rng.randint(200, 900))
                started = max(created + timedelta(15), today - timedelta(rng.randint(20, 330)))
                steps = [(Incubation.INCUBATING, started)]
            else:
                created = today - timedelta(days=rng.randint(400, 1500))
                steps = []
            self.team_created[team.pk] = created
            Team.objects.filter(pk=team.pk).update(created_at=_at(created, 9))
            for state, on in steps:
                teams.change_incubation(team, actor=None, state=state, on=on)

    def _team(self, team: Team, categories: list[str], theme: str) -> None:
        self.teams.append(team)
        self.categories[team.pk] = categories
        self.theme[team.pk] = theme

    def _is_adult(self, plan: Plan) -> bool:
        return plan.birth is not None and plan.birth <= _years_ago(self.today, 18)

    def _memberships(self) -> None:
        rng, today = self.rng, self.today
        district_team = self.teams[0]
        rows: list[TeamMember] = []
        members: dict[int, list[Plan]] = defaultdict(list)

        def join(plan: Plan, team: Team, role: str = TeamRole.MEMBER) -> None:
            start = max(timezone.localdate(plan.created), self.team_created[team.pk])
            joined = min(start + timedelta(days=rng.randint(0, 30)), today - timedelta(1))
            left = None
            if role == TeamRole.MEMBER and (
                plan.status == VolunteerStatus.LEFT or rng.random() < 0.04
            ):
                left = joined + timedelta(days=rng.randint(1, max((today - joined).days, 1)))
                left = min(left, today)
            rows.append(
                TeamMember(team=team, volunteer=plan.volunteer, role=role, joined_on=joined,
                           left_on=left)
            )  # fmt: skip
            plan.memberships.append((team, joined, left))
            if left is None:
                members[team.pk].append(plan)

        logins = {p.pk for p in (self.login_volunteer, self.login_leader) if p}
        for plan in self.plans:
            local = self.community_teams.get(plan.community.code, [])
            street = self.street_teams.get(plan.community.code[:9])
            if plan.pk in logins:
                join(plan, self.home_team, TeamRole.LEADER if plan is self.login_leader else
                     TeamRole.MEMBER)  # fmt: skip
                if street is not None:
                    join(plan, street)
                continue
            if local and rng.random() < 0.75:
                first = rng.choice(local)
                join(plan, first)
                others = [t for t in local if t.pk != first.pk]
                if others and rng.random() < 0.2:
                    join(plan, rng.choice(others))
            if street is not None and rng.random() < 0.12:
                join(plan, street)
            if rng.random() < 0.04:
                join(plan, district_team)
        # Leaders: long-serving active adult members (two for the district and street teams).
        if self.login_leader is not None:
            self.leaders[self.home_team.pk].append(self.login_leader)
        for team in self.teams:
            if self.leaders.get(team.pk):
                continue
            wanted = 1 if team.region.level == "community" else 2
            able = [
                p for p in members.get(team.pk, [])
                if p.status == VolunteerStatus.ACTIVE and self._is_adult(p) and not p.user_id
            ]  # fmt: skip
            able.sort(key=lambda p: -p.weight)
            chosen = rng.sample(able[:6], min(wanted, len(able[:6])))
            if not chosen:  # nobody on the roster yet: an active adult of the area joins to lead
                near = [
                    p for p in self.plans
                    if p.community.code.startswith(team.region.prefix) and not p.user_id
                    and p.status == VolunteerStatus.ACTIVE and self._is_adult(p)
                ]  # fmt: skip
                for plan in near[:1]:
                    join(plan, team, TeamRole.LEADER)
                    self.leaders[team.pk].append(plan)
            for plan in chosen:
                for row in rows:
                    if row.team is team and row.volunteer is plan.volunteer and not row.left_on:
                        row.role = TeamRole.LEADER
                self.leaders[team.pk].append(plan)
        TeamMember.objects.bulk_create(rows, batch_size=BATCH)
        self.members = members
        self.plans_in: dict[str, list[Plan]] = defaultdict(list)
        self.plans_in_street: dict[str, list[Plan]] = defaultdict(list)
        for plan in self.plans:
            self.plans_in[plan.community.code].append(plan)
            self.plans_in_street[plan.community.code[:9]].append(plan)

    # --- professional social workers --------------------------------------------------------

    def _social_workers(self) -> None:
        rng, today = self.rng, self.today
        employers = list(socialwork_queries.employers())
        employers.sort(key=lambda o: "社会工作" not in o.name)  # social-work agencies first
        order = self._interleaved()
        covered = order[: max(1, round(len(order) * 0.7))]
        n = self.size.social_workers
        qualifications = [Qualification.SENIOR] * self.size.senior + [
            Qualification.INTERMEDIATE
        ] * ((n - self.size.senior) * 3 // 5)
        qualifications += [Qualification.ASSISTANT] * (n - len(qualifications))
        posts: list[list[Region]] = [[] for _ in range(n)]
        for index, community in enumerate(covered):
            posts[index % n].append(community)
        for index in range(n):
            if not posts[index]:
                posts[index].append(rng.choice(covered))
            elif rng.random() < 0.25:
                extra = rng.choice(self.communities)
                if extra not in posts[index]:
                    posts[index].append(extra)
        login = self.users.get(SOCIAL_WORKER_PHONE)
        workers, login_sw = [], None
        for index in range(n):
            qualification = qualifications[index]
            if index == 0 and login is not None and login.id_number:
                name, number, phone, region = login.name, login.id_number, login.phone, self.home
            else:
                name = rng.choice(SURNAMES) + rng.choice(GIVEN)
                while True:
                    number = demo.fake_id_number(rng, 700 + index)
                    if blind_index(number) not in self.used:
                        self.used.add(blind_index(number))
                        break
                phone = f"13602{index + 1:06d}"
                region = self.streets_by_code[posts[index][0].code[:9]]
            year = rng.randint(2012, 2024)
            sw = socialwork.register_social_worker(
                actor=None, name=name, id_number=number, phone=phone, qualification=qualification,
                certificate_number=f"SW{year}{demo.ID_COUNTY}{rng.randint(1000, 9999)}",
                employer=employers[index % len(employers)] if employers else None, region=region,
            )  # fmt: skip
            if index == 0 and login is not None and region is self.home:
                Person.objects.filter(pk=sw.person_id, user=None).update(user=login)
                login_sw = sw.pk
            workers.append(sw)
            for community in posts[index]:
                socialwork.add_stationing(
                    sw, actor=None, region=community,
                    starts_on=today - timedelta(days=rng.randint(60, 700)),
                )  # fmt: skip
            if rng.random() < 0.2:  # an earlier stationing elsewhere, ended
                before = rng.choice([c for c in self.communities if c not in posts[index]] or
                                    self.communities)  # fmt: skip
                starts = today - timedelta(days=rng.randint(800, 1000))
                socialwork.add_stationing(
                    sw, actor=None, region=before, starts_on=starts,
                    ends_on=today - timedelta(days=rng.randint(200, 400)),
                )  # fmt: skip
        # Senior social workers paired with communities, with guidance logs.
        for sw in workers:
            if sw.qualification != Qualification.SENIOR:
                continue
            mine = sw.pk == login_sw
            others = [c for c in self.communities if c.pk != self.home.pk] or self.communities
            community = others[0] if mine else rng.choice(others)
            pairing = socialwork.add_pairing(
                sw, actor=None, region=community,
                starts_on=today - timedelta(days=rng.randint(90, 420)),
            )  # fmt: skip
            span = (today - pairing.starts_on).days
            for offset in sorted(rng.sample(range(1, span), min(rng.randint(3, 7), span - 1))):
                topic, content = rng.choice(GUIDANCE_TOPICS)
                socialwork.log_guidance(
                    pairing, actor=login if mine else None,
                    on=pairing.starts_on + timedelta(days=offset),
                    mode=GuidanceMode.OFFLINE if rng.random() < 0.7 else GuidanceMode.ONLINE,
                    topic=topic, content=content,
                )  # fmt: skip

    # --- past activities, sign-ups and attendance -------------------------------------------

    def _region_for(self, team: Team) -> Region:
        if team.region.level == "community":
            return team.region
        inside = [c for c in self.communities if c.code.startswith(team.region.prefix)]
        return self.rng.choice(inside or self.communities)

    def _shift_times(self, day: date) -> list[tuple[datetime, datetime, int]]:
        """One shift (most), consecutive shifts on one day, or one shift a day for 2–3 days."""
        rng = self.rng
        roll = rng.random()
        if roll < 0.7:
            hour = rng.choice([8, 9, 9, 14, 15, 19])
            start = _at(day, hour, rng.choice([0, 30]))
            length = timedelta(hours=2 if hour == 19 else rng.choice([2, 2.5, 3, 3, 4]))
            return [(start, start + length, rng.randint(8, 30))]
        if roll < 0.9:
            start = _at(day, rng.choice([8, 14]))
            return [
                (start + timedelta(hours=2 * k), start + timedelta(hours=2 * k + 2),
                 rng.randint(5, 15))
                for k in range(rng.randint(2, 3))
            ]  # fmt: skip
        start = _at(day, 9)
        return [
            (start + timedelta(days=k), start + timedelta(days=k, hours=3), rng.randint(6, 15))
            for k in range(rng.randint(2, 3))
        ]  # fmt: skip

    def _pool(self, team: Team, region: Region, by: datetime, skill: str) -> dict[int, float]:
        """Who might sign up for an activity of ``team`` in ``region``: the team's members
        (three times as keen) and the volunteers of the community — for an activity needing a
        skill, those holding it in the whole street — able to serve by ``by``."""
        day = timezone.localdate(by)
        near = self.plans_in.get(region.code, [])
        if skill:
            near = [p for p in self.plans_in_street.get(region.code[:9], []) if skill in p.skills]
        pool: dict[int, float] = {}
        for plan in [*self.members.get(team.pk, []), *near]:
            if plan.pk in pool or plan.serves_from is None or plan.serves_from >= by:
                continue
            if skill and skill not in plan.skills:
                continue
            pool[plan.pk] = plan.weight * (3 if plan.member_of(team, day) else 1)
        return pool

    def _past_activities(self) -> list[ServiceRecord]:
        rng, now = self.rng, self.now
        plan_list: list[tuple[Team, int]] = [(self.home_team, d) for d in (2, 12, 26, 47, 95)]
        others = [t for t in self.teams if t.pk != self.home_team.pk]
        weights = [
            3.0 if t.region.level == "district" else 2.0 if t.region.level == "street"
            else rng.uniform(0.5, 2.0)
            for t in others
        ]  # fmt: skip
        for _ in range(max(self.size.past - len(plan_list), 0)):
            plan_list.append((rng.choices(others, weights)[0], rng.randint(1, 180)))
        forced = [p for p in (self.login_leader, self.login_volunteer) if p]
        records: list[ServiceRecord] = []
        signup_rows: list[Signup] = []
        skill_links = []
        for number, (team, days_ago) in enumerate(plan_list):
            category = rng.choice(self.categories[team.pk])
            title, skill, risky = rng.choice(ACTIVITIES[category])
            region = self._region_for(team)
            times = self._shift_times(self.today - timedelta(days=days_ago))
            while times[-1][1] > now - timedelta(hours=1):  # a past activity has ended
                times = [(s - timedelta(days=1), e - timedelta(days=1), q) for s, e, q in times]
            starts_at, ends_at = times[0][0], times[-1][1]
            published = starts_at - timedelta(days=rng.randint(3, 14), hours=rng.randint(0, 6))
            pool = self._pool(team, region, published, skill)
            if skill and len(pool) < times[0][2] // 2 + 1:
                skill, pool = "", self._pool(team, region, published, "")
            lat, lon = _point(rng, region)
            ended_long_ago = ends_at < now - timedelta(days=3)
            activity = Activity.objects.create(
                title=f"{title}（{region.name}）", category=category,
                description=f"{team.name}组织的{ActivityCategory(category).label}活动。",
                team=team, region=region, address=f"{region.name}{rng.choice(PLACES)}",
                lat=lat, lon=lon, radius_m=rng.choice([200, 300, 300, 500]),
                starts_at=starts_at, ends_at=ends_at, risky=risky,
                insurance_note=INSURANCE.format(number + 1) if risky else "",
                people_served=rng.randint(5, 80) if ended_long_ago else 0,
                status=ActivityStatus.PUBLISHED, published_at=published,
                reviewed_by=self.reviewer_of_activities(region.code),
                created_at=published - timedelta(days=1),
            )  # fmt: skip
            if skill:
                skill_links.append(
                    Activity.required_skills.through(
                        activity_id=activity.pk, skill_id=self.skills[skill].pk
                    )
                )
            shifts = Shift.objects.bulk_create(
                [Shift(activity=activity, starts_at=s, ends_at=e, quota=q) for s, e, q in times]
            )
            mine = forced if team.pk == self.home_team.pk and not skill else []
            if days_ago == 26:
                mine = [p for p in mine if p is not self.login_volunteer]  # he missed one
            for shift in shifts:
                rows = self._signups(shift, pool, mine, published)
                signup_rows += rows
                records += self._attendance(activity, shift, rows, forced=mine)
        Activity.required_skills.through.objects.bulk_create(skill_links)
        records += self._ongoing(signup_rows)
        Signup.objects.bulk_create(signup_rows, batch_size=BATCH)
        return records

    def _signups(
        self, shift: Shift, pool: dict[int, float], forced: list[Plan], published: datetime
    ) -> list[Signup]:
        """Sign-ups in order of arrival: confirmed up to the quota, then waitlisted; a few
        cancel after everyone signed up, each promoting the first in line."""
        rng = self.rng
        wanted = max(1, round(shift.quota * rng.uniform(0.7, 1.3)))
        chosen = [p.pk for p in forced if p.pk in pool or p.serves_from]
        chosen += [pk for pk in _weighted_sample(rng, pool, wanted) if pk not in chosen]
        chosen = chosen[: max(wanted, len(forced))]
        opens = published + timedelta(hours=1)
        closes = shift.starts_at - timedelta(hours=2)
        span = max((closes - opens).total_seconds(), 60)
        arrivals = sorted(opens + timedelta(seconds=rng.uniform(0, span)) for _ in chosen)
        rows = []
        for index, (pk, at) in enumerate(zip(chosen, arrivals, strict=True)):
            status = SignupStatus.CONFIRMED if index < shift.quota else SignupStatus.WAITLISTED
            rows.append(Signup(shift=shift, volunteer_id=pk, status=status, created_at=at))
        last = arrivals[-1] if arrivals else opens
        forced_pks = {p.pk for p in forced}
        for row in rows[: shift.quota]:
            if row.volunteer_id in forced_pks or rng.random() > 0.07:
                continue
            row.status = SignupStatus.CANCELLED
            row.cancelled_at = last + timedelta(
                seconds=rng.uniform(0, max((closes - last).total_seconds(), 60))
            )
            waiting = [r for r in rows if r.status == SignupStatus.WAITLISTED]
            if waiting:
                waiting[0].status = SignupStatus.CONFIRMED
                waiting[0].promoted_at = row.cancelled_at
        return rows

    def _attendance(
        self, activity: Activity, shift: Shift, rows: list[Signup], *, forced: list[Plan]
    ) -> list[ServiceRecord]:
        """Check-in and check-out of the confirmed (nine in ten come; a few forget to check
        out and are closed at the shift's end), reviewed a few hours to days after."""
        rng, now = self.rng, self.now
        forced_pks = {p.pk for p in forced}
        content = f"{activity.title}（{activity.get_category_display()}）"[:200]
        team = activity.team
        out = []
        for row in rows:
            if row.status != SignupStatus.CONFIRMED:
                continue
            if row.volunteer_id not in forced_pks and rng.random() > 0.9:
                continue  # did not come
            plan = self.by_pk[row.volunteer_id]
            check_in = shift.starts_at + timedelta(seconds=rng.uniform(-25 * 60, 10 * 60))
            auto = row.volunteer_id not in forced_pks and rng.random() < 0.04
            check_out = (
                shift.ends_at if auto
                else shift.ends_at + timedelta(seconds=rng.uniform(-20 * 60, 25 * 60))
            )  # fmt: skip
            record = ServiceRecord(
                volunteer_id=row.volunteer_id, team=team, activity=activity, shift=shift,
                region_id=activity.region_id, kind=RecordKind.ATTENDANCE,
                status=RecordStatus.PENDING, content=content,
                served_on=timezone.localdate(shift.starts_at), check_in_at=check_in,
                check_out_at=check_out, check_in_distance_m=rng.randint(5, 180),
                check_out_distance_m=None if auto else rng.randint(5, 180), auto_closed=auto,
                hours=hours_between(check_in, check_out, shift),
                recorded_by_id=plan.user_id, created_at=check_in,
            )  # fmt: skip
            if activity.ends_at < now - timedelta(days=3):
                latest = min(timedelta(hours=96), now - activity.ends_at - timedelta(hours=1))
                record.reviewed_at = activity.ends_at + timedelta(
                    seconds=rng.uniform(3 * 3600, latest.total_seconds())
                )
                record.reviewed_by = self.record_reviewer(team, plan)
                if row.volunteer_id not in forced_pks and rng.random() < 0.02:
                    record.status = RecordStatus.DECLINED
                    record.review_note = rng.choice(DECLINE_NOTES)
                else:
                    record.status = RecordStatus.APPROVED
            out.append(record)
        return out

    def _ongoing(self, signup_rows: list[Signup]) -> list[ServiceRecord]:
        """东关's team has an activity under way: most of those signed up have checked in."""
        rng, now = self.rng, self.now
        team, region = self.home_team, self.home
        start = now.replace(minute=now.minute - now.minute % 10) - timedelta(hours=1)
        lat, lon = _point(rng, region)
        activity = Activity.objects.create(
            title=f"社区敬老院陪护与文艺慰问（{region.name}）", category=ActivityCategory.ELDERLY,
            description=f"{team.name}组织的助老服务活动：陪老人聊天、读报，表演小节目。",
            team=team, region=region, address=f"{region.name}养老服务站", lat=lat, lon=lon,
            starts_at=start, ends_at=start + timedelta(hours=3),
            status=ActivityStatus.PUBLISHED, published_at=start - timedelta(days=6),
            reviewed_by=self.reviewer_of_activities(region.code),
            created_at=start - timedelta(days=7),
        )  # fmt: skip
        shift = Shift.objects.create(
            activity=activity, starts_at=activity.starts_at, ends_at=activity.ends_at, quota=15
        )
        pool = self._pool(team, region, activity.published_at, "")
        if self.login_volunteer is not None:
            pool.pop(self.login_volunteer.pk, None)  # he has not signed up: he may try on H5
        forced = [self.login_leader] if self.login_leader else []
        rows = self._signups(shift, pool, forced, activity.published_at)
        rows = rows[:12]
        for row in rows:
            row.status, row.promoted_at, row.cancelled_at = SignupStatus.CONFIRMED, None, None
        signup_rows += rows
        out = []
        content = f"{activity.title}（{activity.get_category_display()}）"
        for row in rows[: max(1, len(rows) * 2 // 3)]:
            check_in = start + timedelta(seconds=rng.uniform(-15 * 60, 50 * 60))
            out.append(
                ServiceRecord(
                    volunteer_id=row.volunteer_id, team=team, activity=activity, shift=shift,
                    region=region, kind=RecordKind.ATTENDANCE, status=RecordStatus.OPEN,
                    content=content, served_on=timezone.localdate(start), check_in_at=check_in,
                    check_in_distance_m=rng.randint(5, 120),
                    recorded_by_id=self.by_pk[row.volunteer_id].user_id, created_at=check_in,
                )
            )  # fmt: skip
        return out

    # --- hours transferred in, totals and stars ---------------------------------------------

    def _transfer(self, plan: Plan, team: Team, amount: Decimal) -> ServiceRecord:
        """Hours served before the platform, transferred in from the earlier system (转入) and
        approved when the platform started, about half a year ago."""
        rng = self.rng
        reviewed = self.now - timedelta(days=rng.randint(182, 200), hours=rng.randint(0, 8))
        year = reviewed.year - rng.randint(0, 2)
        staff = self.staff_for(team.region_id)
        return ServiceRecord(
            volunteer_id=plan.pk, team=team, region_id=team.region_id, kind=RecordKind.TRANSFER,
            status=RecordStatus.APPROVED, content="历年志愿服务时长转入",
            # The service of the years up to the end of the one before the proof.
            served_on=date(year - 1, 12, 31),
            hours=amount, source_organization=rng.choice(TRANSFER_SOURCES),
            reason=f"原平台志愿服务记录证明（编号 YZ{year}{rng.randint(10000, 99999)}）已核对",
            recorded_by=staff, reviewed_by=staff, reviewed_at=reviewed,
            created_at=reviewed - timedelta(days=1),
        )  # fmt: skip

    def _first_team(self, plan: Plan) -> Team | None:
        current = [t for t, _, left in plan.memberships if left is None]
        return current[0] if current else None

    def _totals(self, records: list[ServiceRecord]) -> None:
        rng, now = self.rng, self.now
        steps = thresholds()
        approved: dict[int, list[ServiceRecord]] = defaultdict(list)
        for record in records:
            if record.status == RecordStatus.APPROVED:
                approved[record.volunteer_id].append(record)
        transfers: list[ServiceRecord] = []
        # A handful reached a star within the public period: their earlier hours (transferred
        # in) put them just below a threshold, which their recent service crossed.
        window = now - timedelta(days=max(settings.SHEGONG_VOLUNTEER_NEW_STAR_DAYS - 3, 1))
        logins = {p.pk for p in (self.login_volunteer, self.login_leader) if p}
        recent: list[tuple[Decimal, Decimal, Plan, Team]] = []
        for pk, rows in approved.items():
            plan = self.by_pk[pk]
            if pk in logins or plan.status != VolunteerStatus.ACTIVE or not self._is_adult(plan):
                continue
            late = [r for r in rows if r.reviewed_at >= window]
            if late:
                before = sum((r.hours for r in rows if r.reviewed_at < window), Decimal(0))
                recent.append(
                    (sum((r.hours for r in late), Decimal(0)), before, plan, late[-1].team)
                )
        recent.sort(key=lambda item: (-item[0], item[2].pk))
        chosen: set[int] = set()
        for index, (late, before, plan, team) in enumerate(recent[: self.size.new_stars]):
            goal = next(t for t in steps[1 if index == 0 else 0 :] if t > before + late)
            amount = (Decimal(goal) - before - late / 2).quantize(Q2, ROUND_HALF_UP)
            transfers.append(self._transfer(plan, team, amount))
            chosen.add(plan.pk)
        # Others with years of service before the platform (heavy-tailed, a few five stars).
        able = [
            p for p in self.plans
            if p.pk not in chosen and p.pk not in logins and p.status == VolunteerStatus.ACTIVE
            and self._is_adult(p) and p.created < now - timedelta(days=200) and self._first_team(p)
        ]  # fmt: skip
        for plan in rng.sample(able, min(self.size.transfers, len(able))):
            amount = min(Decimal(3000), Decimal(round(25 * rng.paretovariate(1.25) * 2) / 2))
            transfers.append(self._transfer(plan, self._first_team(plan), amount.quantize(Q2)))
        if self.login_volunteer is not None:
            transfers.append(self._transfer(self.login_volunteer, self.home_team, Decimal("72.50")))
        for record in transfers:
            approved[record.volunteer_id].append(record)
        ServiceRecord.objects.bulk_create([*records, *transfers], batch_size=BATCH)
        # Volunteer.hours = the approved records' sum; the star from it, dated when crossed.
        changed = []
        for pk, rows in approved.items():
            running, reached = Decimal(0), None
            total = sum((r.hours for r in rows), Decimal(0)).quantize(Q2)
            star = star_for(total)
            for record in sorted(rows, key=lambda r: r.reviewed_at):
                running += record.hours
                if star and reached is None and running >= steps[star - 1]:
                    reached = record.reviewed_at
            volunteer = self.by_pk[pk].volunteer
            volunteer.hours, volunteer.star, volunteer.star_reached_at = total, star, reached
            changed.append(volunteer)
        Volunteer.objects.bulk_update(
            changed, ["hours", "star", "star_reached_at"], batch_size=BATCH
        )
        # Each star was awarded (星级认定) when it was reached: its application, already 已认定.
        StarAward.objects.bulk_create(
            [
                StarAward(
                    volunteer=v, region_id=v.region_id, star=v.star, counted_hours=v.hours,
                    status=StarAwardStatus.AWARDED, applied_at=v.star_reached_at,
                    reviewed_at=v.star_reached_at, publicity_starts_at=v.star_reached_at,
                    publicity_ends_at=v.star_reached_at, awarded_at=v.star_reached_at,
                )
                for v in changed
                if v.star and v.star_reached_at is not None
            ],
            batch_size=BATCH,
        )  # fmt: skip

    # --- upcoming activities (the actions) ----------------------------------------------------

    def _create(
        self, team: Team, title: str, category: str, day: date, shifts: list[tuple], *,
        skill: str = "", risky: bool = False, actor: Any = None, publish: bool = True,
        submit: bool = True,
    ) -> Activity:  # fmt: skip
        rng = self.rng
        region = self._region_for(team)
        lat, lon = _point(rng, region)
        specs = [
            {"starts_at": _at(day + timedelta(days=d), h, m),
             "ends_at": _at(day + timedelta(days=d), h, m) + timedelta(hours=length),
             "quota": quota}
            for d, h, m, length, quota in shifts
        ]  # fmt: skip
        activity = activities.create_activity(
            actor=actor, team=team, title=f"{title}（{region.name}）", category=category,
            description=f"{team.name}组织的{ActivityCategory(category).label}活动，欢迎报名。",
            address=f"{region.name}{rng.choice(PLACES)}", lat=lat, lon=lon,
            starts_at=specs[0]["starts_at"], ends_at=specs[-1]["ends_at"], shifts=specs,
            required_skills=[skill] if skill else [], risky=risky,
            insurance_note=INSURANCE.format(900 + len(self.teams) + day.day) if risky else "",
            region=region,
        )  # fmt: skip
        if submit:
            activity = activities.submit_activity(activity, actor=actor)
        if publish:
            reviewer = self.reviewer_of_activities(region.code)
            activity = activities.review_activity(activity, actor=reviewer, approve=True)
        return activity

    def _sign_up(self, activity: Activity, share: float, extra: list[Plan] = ()) -> None:
        """Volunteers sign up through the action: the team's members and the community's."""
        skill = activity.required_skills.values_list("code", flat=True).first() or ""
        for shift in activity.shifts.all():
            pool = self._pool(activity.team, activity.region, self.now, skill or "")
            for plan in extra:
                pool.pop(plan.pk, None)
            count = max(1, round(shift.quota * share))
            for pk in _weighted_sample(self.rng, pool, count):
                signups.sign_up(shift, self.by_pk[pk].volunteer, actor=None)
            for plan in extra:
                user = self.users.get(VOLUNTEER_PHONE) if plan is self.login_volunteer else None
                signups.sign_up(shift, plan.volunteer, actor=user)
            extra = []  # the login signs up for the first shift only

    def _upcoming(self) -> None:
        rng, today = self.rng, self.today
        home = self.home_team
        street = self.street_teams.get(self.home.code[:9], home)
        by_theme = {self.theme[t.pk]: t for t in reversed(self.teams)}
        green = by_theme.get("environment", self.teams[-1])
        health = by_theme.get("health", by_theme.get("elderly", home))
        me = [self.login_volunteer] if self.login_volunteer else []
        count = self.size.upcoming
        # 东关's team: two shifts the day after tomorrow; the volunteer login is in.
        meals = self._create(home, "独居老人助餐送餐", "elderly", today + timedelta(2),
                             [(0, 10, 30, 1.5, 6), (0, 16, 30, 1.5, 6)])  # fmt: skip
        self._sign_up(meals, 0.6, extra=me)
        # A full one with a waitlist; the volunteer login is third in line.
        full = self._create(street, "文明交通劝导", "civility", today + timedelta(4),
                            [(0, 7, 30, 2, 5)])  # fmt: skip
        self._sign_up(full, 1.4)
        for plan in me:
            signups.sign_up(full.shifts.get(), plan.volunteer, actor=self.users[VOLUNTEER_PHONE])
        made = 2
        if count > made:  # risky: insurance first
            self._sign_up(self._create(green, "颍河岸线清洁", "environment", today + timedelta(6),
                                       [(0, 8, 30, 2.5, 20)], risky=True), 0.5)  # fmt: skip
            made += 1
        if count > made:  # needs a skill
            clinic = self._create(health, "社区义诊", "health", today + timedelta(8),
                                  [(0, 9, 0, 3, 6)], skill="medical")  # fmt: skip
            self._sign_up(clinic, 0.5)
            made += 1
        if count > made:  # several days
            week = self._create(self.teams[0], "文明实践周", "civility", today + timedelta(10),
                                [(d, 9, 0, 3, 8) for d in range(3)])  # fmt: skip
            self._sign_up(week, 0.6)
            made += 1
        for k in range(count - made):
            team = rng.choice(self.teams)
            category = rng.choice(self.categories[team.pk])
            title, _, risky = rng.choice([a for a in ACTIVITIES[category] if not a[1]] or
                                         ACTIVITIES["community"])  # fmt: skip
            activity = self._create(
                team, title, category, today + timedelta(days=3 + 2 * k),
                [(0, rng.choice([8, 9, 14, 15]), 0, rng.choice([2, 3]), rng.randint(8, 20))],
                risky=risky,
            )  # fmt: skip
            self._sign_up(activity, rng.uniform(0.3, 0.9))
        # Waiting for review (the review queue), a draft, a rejected and a cancelled one.
        for team in rng.sample(self.teams, min(2, len(self.teams))):
            category = rng.choice(self.categories[team.pk])
            title, _, risky = rng.choice([a for a in ACTIVITIES[category] if not a[1]] or
                                         ACTIVITIES["community"])  # fmt: skip
            self._create(team, title, category, today + timedelta(days=rng.randint(9, 20)),
                         [(0, 9, 0, 3, rng.randint(8, 20))], risky=risky,
                         publish=False)  # fmt: skip
        leader = self.users.get(LEADER_PHONE) if self.login_leader else None
        self._create(home, "寒假四点半课堂", "children", today + timedelta(days=24),
                     [(0, 16, 30, 2, 10)], actor=leader, submit=False, publish=False)  # fmt: skip
        rejected = self._create(street, "夜间平安巡逻", "community", today + timedelta(days=12),
                                [(0, 19, 30, 2, 10)], publish=False)  # fmt: skip
        activities.review_activity(
            rejected, actor=self.reviewer_of_activities(rejected.region_id), approve=False,
            note="请补充夜间巡逻的安全预案和保险说明后再提交",
        )  # fmt: skip
        rained = self._create(green, "社区绿地补植", "environment", today + timedelta(days=5),
                              [(0, 8, 30, 3, 12)])  # fmt: skip
        self._sign_up(rained, 0.4)
        activities.cancel_activity(
            rained, actor=None, reason="气象台发布大风橙色预警，活动取消，改期另行通知"
        )

    # --- corrections, paper records, certificates -------------------------------------------

    def _corrections(self) -> None:
        """Two corrections of approved records (更正) and paper records waiting for review."""
        rng, today = self.rng, self.today
        logins = [p.pk for p in (self.login_volunteer, self.login_leader) if p]
        records = list(
            ServiceRecord.objects.filter(
                kind=RecordKind.ATTENDANCE, status=RecordStatus.APPROVED, auto_closed=False
            )
            .exclude(volunteer_id__in=logins)
            .select_related("team")
            .order_by("pk")
        )
        for record, (delta, reason) in zip(
            rng.sample(records, min(2, len(records))),
            [("-0.50", "签退时间登记有误，按纸质签到表核减"),
             ("1.00", "签退时手机没电，经活动负责人核实补记")],
            strict=False,
        ):  # fmt: skip
            hours.adjust(record, self.staff_for(record.team.region_id), delta, reason)
        leader = self.users.get(LEADER_PHONE) if self.login_leader else None
        entries = [(self.home_team, leader)] + [
            (team, None) for team in rng.sample(self.teams, min(2, len(self.teams)))
        ]
        for team, actor in entries:
            members = [
                p for p in self.members.get(team.pk, [])
                if p.status == VolunteerStatus.ACTIVE and p.pk not in logins
            ]  # fmt: skip
            if not members:
                continue
            hours.enter_manual(
                rng.choice(members).volunteer, team, actor=actor or self.staff_for(team.region_id),
                served_on=today - timedelta(days=rng.randint(2, 6)), hours="2.50",
                content="社区敬老院陪护（纸质签到表补录）",
                reason="活动现场网络故障，未能扫码签到，按纸质签到表补录",
            )  # fmt: skip

    def _certificates(self) -> int:
        """Certificates of a team's approved hours for its most active volunteers; the volunteer
        login's from 东关's team (by its leader); one revoked and issued again."""
        from django.db.models import Max, Min, Sum

        totals = (
            ServiceRecord.objects.filter(status=RecordStatus.APPROVED, kind=RecordKind.ATTENDANCE)
            .values("volunteer_id", "team_id")
            .annotate(h=Sum("hours"), first=Min("served_on"), last=Max("served_on"))
            .order_by("-h", "volunteer_id", "team_id")
        )
        teams_by_pk = {t.pk: t for t in self.teams}
        pairs, seen = [], set()
        mine = self.login_volunteer.pk if self.login_volunteer else None
        for row in totals:
            if row["volunteer_id"] == mine and row["team_id"] == self.home_team.pk:
                pairs.insert(0, row)
                seen.add(row["volunteer_id"])
        for row in totals:
            if len(pairs) >= self.size.certificates:
                break
            if row["volunteer_id"] in seen:
                continue
            seen.add(row["volunteer_id"])
            pairs.append(row)
        self._issuers()
        issued = []
        leader = self.users.get(LEADER_PHONE)
        for row in pairs:
            team = teams_by_pk[row["team_id"]]
            by_leader = row["volunteer_id"] == mine and leader is not None and self.login_leader
            # A leader issues in the name of a registered team (or its registered parent);
            # an unregistered team's hours are certified by the community or street office.
            if by_leader and registered_issuer_org(team) is None:
                by_leader = False
            actor = leader if by_leader else self.staff_for(team.region_id)
            issued.append(
                self._issue_after_publicity(
                    row["volunteer_id"], team, row["first"], row["last"], actor
                )
            )
        if len(issued) > 1:
            wrong = issued[1]
            actor = self.staff_for(wrong.team.region_id)
            certificates.revoke(wrong, actor, "证明期间填写有误，已作废并重新出具")
            issued.append(
                self._issue_after_publicity(
                    wrong.volunteer_id, wrong.team, wrong.period_start, wrong.period_end, actor,
                    note=f"替代已作废的证明 {wrong.serial}",
                )
            )  # fmt: skip
        self._requests(totals, {c.volunteer_id for c in issued}, teams_by_pk)
        return len(issued)

    def _issuers(self) -> None:
        """出具单位 (民发〔2015〕149号): the registered 志愿者协会 every team above a community
        issues through, and the offices of the streets and 东关 community, in whose name staff
        certify a grassroots team's hours; each with a (fake) seal and two fake names."""
        from django.core.files.base import ContentFile

        orgs = {
            t.organization for t in self.teams
            if t.organization is not None and t.organization.credit_code
        }  # fmt: skip
        for index, org in enumerate(sorted(orgs, key=lambda o: o.pk)):
            issuers.save_issuer(
                None, organization=org, head_name="陈示范", handler_name=f"林经办{index + 1}",
                phone=self._phone(), seal=ContentFile(_seal_png(), name="seal.png"),
            )  # fmt: skip
        # Every community holding a team has its office profile (a demo loaded without the
        # ledger has no registered organizations: the offices certify every team's hours).
        communities = sorted({t.region for t in self.teams if t.region.level == "community"},
                             key=lambda r: r.code)  # fmt: skip
        offices = [*self.streets, self.home, *(c for c in communities if c != self.home)]
        for index, region in enumerate(offices):
            office = "办事处" if region in self.streets else "居民委员会"
            issuers.save_issuer(
                None, region=region, name=f"{region.name}{office}", head_name="周示范",
                handler_name=f"许经办{index + 1}", phone=self._phone(),
                seal=ContentFile(_seal_png(), name="seal.png"),
            )  # fmt: skip

    def _issue_after_publicity(
        self, volunteer_id: int, team: Team, start: date, end: date, actor: Any, note: str = ""
    ) -> Any:
        """A certificate the way the rules want it (民发〔2015〕149号): the volunteer's request,
        受理 and its internal 公示, then 出具. The 公示 is dated back so that it has ended
        (approved a fortnight past its length, asked the day before); the demo alone moves
        those dates."""
        req = certificate_requests.request_certificate(
            volunteer_id, team, actor=None, period_start=start, period_end=end,
            purpose=self.rng.choice(REQUEST_PURPOSES),
        )  # fmt: skip
        req = certificate_requests.approve_request(req, actor=actor)
        days = settings.SHEGONG_VOLUNTEER_CERTIFICATE_PUBLICITY_DAYS
        approved = self.now - timedelta(days=days + 14, hours=2)
        CertificateRequest.objects.filter(pk=req.pk).update(
            created_at=approved - timedelta(days=1), approved_at=approved,
            publicity_ends_at=add_calendar_days(approved, days),
        )  # fmt: skip
        return certificates.issue(volunteer_id, team, start, end, actor, note, request=req.pk)

    def _requests(self, totals: Any, certified: set[int], teams_by_pk: dict[int, Team]) -> None:
        """A few volunteers without a certificate have asked for one (the 待受理 queue, the
        login leader's team first); one was declined with a reason."""
        wanted, made = max(4, self.size.certificates // 8), []
        home = self.home_team.pk if self.home_team else None
        rows = sorted(
            (r for r in totals if r["volunteer_id"] not in certified),
            key=lambda r: (r["team_id"] != home, -r["h"], r["volunteer_id"]),
        )
        seen: set[int] = set()
        for row in rows:
            if len(made) >= wanted:
                break
            if row["volunteer_id"] in seen:
                continue
            seen.add(row["volunteer_id"])
            made.append(
                certificate_requests.request_certificate(
                    row["volunteer_id"], teams_by_pk[row["team_id"]], actor=None,
                    period_start=row["first"], period_end=row["last"],
                    purpose=self.rng.choice(REQUEST_PURPOSES),
                )
            )  # fmt: skip
        for req in made:  # asked over the last fortnight, some waiting longer than 7 days
            CertificateRequest.objects.filter(pk=req.pk).update(
                created_at=self.now - timedelta(days=self.rng.randint(1, 14), hours=3)
            )
        if len(made) > 2:
            declined = made[-1]
            certificate_requests.decline_request(
                declined, actor=self.staff_for(declined.team.region_id),
                reason="申请期间内的服务记录尚在核对，核对后请重新申请",
            )  # fmt: skip

    # --- trainings and awards (培训情况, 表彰奖励情况) ----------------------------------------

    def _trainees(self, team: Team, held_on: date, rng: random.Random) -> list[Plan]:
        """Who could have attended a training of ``team`` on ``held_on``: its members first,
        then volunteers of its area, registered by then and not gone (never the logins)."""

        def able(p: Plan) -> bool:
            return (not p.user_id and p.status != VolunteerStatus.LEFT
                    and timezone.localdate(p.created) <= held_on)  # fmt: skip

        members = [p for p in self.members.get(team.pk, []) if able(p)]
        seen = {p.pk for p in members}
        near = [
            p for p in self.plans
            if p.pk not in seen and p.community.code.startswith(team.region.prefix) and able(p)
        ]  # fmt: skip
        rng.shuffle(members)
        rng.shuffle(near)
        return members + near

    def _trainings(self) -> None:
        """About two trainings per incubated team over the last year, 20–60 trainees each, some
        given by the demo social workers; the volunteer login attended exactly one (东关's
        team's latest, recorded by its leader through the action). The rest in bulk."""
        rng, today = random.Random(SEED + 1), self.today
        incubated = set(
            Team.objects.filter(
                pk__in=[t.pk for t in self.teams], incubation=Incubation.INCUBATED
            ).values_list("pk", flat=True)
        )
        workers = list(SocialWorker.objects.select_related("person", "employer").order_by("pk"))
        labels = dict(Qualification.choices)
        leader = self.users.get(LEADER_PHONE) if self.login_leader else None
        rows: list[tuple[Training, list[Plan]]] = []
        for team in self.teams:
            if team.pk not in incubated:
                continue
            days = sorted(rng.sample(range(7, 360), 2), reverse=True)
            for index, back in enumerate(days):
                held_on = today - timedelta(days=back)
                title, content, hours, trainer = rng.choice(TRAININGS)
                if not trainer:  # a professional social worker teaches volunteers (社工带志愿者)
                    sw = rng.choice(workers) if workers else None
                    employer = sw.employer.name if sw and sw.employer_id else ""
                    trainer = (
                        f"{employer} {labels[sw.qualification]} {sw.person.name_masked}"
                        if sw else "区社会工作协会"
                    )  # fmt: skip
                pool = self._trainees(team, held_on, rng)
                chosen = pool[: min(rng.randint(20, 60), len(pool))]
                latest_of_home = team is self.home_team and index == len(days) - 1
                if latest_of_home and self.login_volunteer is not None:
                    numbers = [self.login_volunteer.volunteer.number]
                    numbers += [p.volunteer.number for p in chosen]
                    training.record_training(
                        team, actor=leader, title=title, held_on=held_on, hours=hours,
                        trainer=trainer.strip(), content=content, numbers=numbers,
                    )  # fmt: skip
                    continue
                row = Training(
                    team=team, region_id=team.region_id, title=title, held_on=held_on,
                    hours=Decimal(hours), trainer=trainer.strip(), content=content,
                    created_by=leader if team is self.home_team and leader
                    else self.staff_for(team.region_id),
                    created_at=_at(held_on, 18),
                )  # fmt: skip
                rows.append((row, chosen))
        Training.objects.bulk_create([t for t, _ in rows], batch_size=BATCH)
        TrainingAttendance.objects.bulk_create(
            [
                TrainingAttendance(training=t, volunteer=p.volunteer, created_at=t.created_at)
                for t, chosen in rows
                for p in chosen
            ],
            batch_size=BATCH,
        )

    def _awards(self) -> None:
        """表彰: 社区级 / 街道级 优秀志愿者 mostly, a team's 优秀队员, a district's 十佳志愿者, a
        city's; awarded on 5 December (国际志愿者日) or 5 March (学雷锋纪念日). The volunteer
        login's and a revoked one go through the actions; the rest in bulk."""
        rng, today = random.Random(SEED + 2), self.today
        streets = {s.code[:9]: s for s in self.streets}
        city = self.district.parent.name if self.district.parent_id else "市"

        def day(years_back: int) -> date:
            month = 12 if rng.random() < 0.7 else 3
            on = date(today.year - years_back, month, 5)
            return on if on <= today else date(today.year - years_back - 1, month, 5)

        made = 0
        if self.login_volunteer is not None:
            awards.record_award(
                self.login_volunteer.volunteer, actor=self.staff_for(self.home.code),
                title="优秀志愿者", level=AwardLevel.COMMUNITY,
                awarded_by=f"{self.home.name}居民委员会", awarded_on=day(0),
                note="年度社区志愿服务表彰",
            )  # fmt: skip
            made += 1
        able = sorted(
            (p for p in self.plans if not p.user_id and p.status == VolunteerStatus.ACTIVE),
            key=lambda p: -p.weight,
        )[: max(self.size.awards * 3, 1)]
        chosen = rng.sample(able, min(self.size.awards - made, len(able)))
        if chosen:  # a wrong entry (the wrong volunteer), revoked with the reason
            wrong = chosen.pop()
            staff = self.staff_for(wrong.community.code)
            award = awards.record_award(
                wrong.volunteer, actor=staff, title="优秀志愿者", level=AwardLevel.COMMUNITY,
                awarded_by=f"{wrong.community.name}居民委员会", awarded_on=day(1),
            )  # fmt: skip
            awards.revoke_award(
                award, actor=staff, reason="志愿者编号录入错误，应为同名的另一位志愿者，已撤销"
            )
            made += 1
        rows = []
        for index, plan in enumerate(chosen):
            level, team = AWARD_LEVELS[index % len(AWARD_LEVELS)], None
            street = streets.get(plan.community.code[:9])
            current = [t for t, _joined, left in plan.memberships if left is None]
            if (level == AwardLevel.TEAM and not current) or (
                level == AwardLevel.STREET and street is None
            ):
                level = AwardLevel.COMMUNITY
            if level == AwardLevel.TEAM:
                team = rng.choice(current)
                title, by = rng.choice(["优秀队员", "服务之星"]), team.name
            elif level == AwardLevel.COUNTY:
                title = rng.choice(["十佳志愿者", "优秀志愿者"])
                by = f"{self.district.name}精神文明建设委员会办公室"
            elif level == AwardLevel.CITY:
                title, by = "优秀志愿者", f"{city}精神文明建设委员会办公室"
            elif level == AwardLevel.STREET:
                title = rng.choice(["优秀志愿者", "志愿服务先进个人"])
                by = f"{street.name}办事处"
            else:
                title = rng.choice(["优秀志愿者", "最美志愿者"])
                by = f"{plan.community.name}居民委员会"
            region_id = team.region_id if team is not None else plan.community.code
            on = day(rng.choice([0, 1, 1, 2]))
            rows.append(
                Award(
                    volunteer=plan.volunteer, title=title, level=level, awarded_by=by,
                    awarded_on=on, team=team, region_id=region_id,
                    recorded_by=self.staff_for(region_id),
                    created_at=min(_at(on, 10) + timedelta(days=7), self.now),
                )
            )  # fmt: skip
        Award.objects.bulk_create(rows, batch_size=BATCH)


def _seal_png(size: int = 240) -> bytes:
    """A demo seal: a red ring and star on white (no real organization's seal)."""
    import io

    from PIL import Image, ImageDraw

    image = Image.new("RGB", (size, size), "white")
    draw = ImageDraw.Draw(image)
    draw.ellipse((8, 8, size - 8, size - 8), outline=(200, 20, 20), width=size // 18)
    draw.regular_polygon((size // 2, size // 2, size // 6), 5, fill=(200, 20, 20))
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()
