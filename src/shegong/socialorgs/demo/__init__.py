"""Demo social organizations in the demo county, and a year of the registrar's work on them.

The base step registers 170 organizations (``seed``/``large``; 10 at ``small``) through the
actions (actor None: the system), so each has its audit history. Their serial numbers (the tail
of the registration number, ``pool(name)``) split them into pools, so each part of the
registrar's work (``STEPS``, one module each, run in this order after the base) tells its own
story on its own organizations and the seed's figures come out exactly:

- ``active`` (1–99): registered before mid-``report_year()``; all must file that year's
  annual inspection (89 complete, 10 miss it: 年检率 90%); 13 延续, 38 变更, 36 换届 among them;
- ``dormant`` (100–131): registered long ago, not inspected for two years; this year's dormant
  clean-up concludes all 32 cases ("清理僵尸型社会组织32家"), in serial order
  (``DORMANT_OUTCOMES``, ``dormant_split``): 21 apply for 注销 and are approved (the year's 21
  注销登记), 2 are struck off after the 60-day 公告 by a 撤销登记 penalty (the year's 2 撤销登记),
  9 are ordered to rectify (限期整改) and resume activity (整改完成). Each closure happens once,
  as a registration event that also clears the dormant case (``actions.events``), so the
  statistics by status and ``closed_on`` agree with the events' (21 注销, 2 撤销);
- ``new`` (132–170): registered after mid-``report_year()`` (not required to file yet).

Idempotent: nothing is added once the district has a social organization.
"""

from __future__ import annotations

import random
from datetime import date, timedelta
from typing import Any

from stdnum.cn import uscc

from shegong.core.demo import fake_name
from shegong.core.registry import resolve
from shegong.regions.models import Region

from ..actions import accounts, records
from ..choices import CREDIT_CODE_PREFIX, Grade, SocialOrgStatus, SocialOrgType
from ..models import SocialOrg

SEED = 1405
COUNTS = {"small": 10, "seed": 170, "large": 170}
POOLS = {
    "seed": {"active": (1, 99), "dormant": (100, 131), "new": (132, 170)},
    "small": {"active": (1, 4), "dormant": (5, 7), "new": (8, 10)},
}
# The dormant pool's outcomes this year, in serial order (their sum is the pool): 注销 on an
# approved application, 撤销 by a penalty after the 60-day 公告, 限期整改 then 整改完成.
DORMANT_OUTCOMES = {
    "seed": {"deregistration": 21, "cancellation": 2, "rectification": 9},
    "small": {"deregistration": 1, "cancellation": 1, "rectification": 1},
}
# The parts' demo steps, run in this order after the base (each ``load(ctx) -> int``).
STEPS: list[str] = [
    "shegong.socialorgs.demo.events.load",
    "shegong.socialorgs.demo.election.load",
    "shegong.socialorgs.demo.inspection.load",
    "shegong.socialorgs.demo.credit.load",
    "shegong.socialorgs.demo.charity.load",
    "shegong.socialorgs.demo.screening.load",
]
TYPE_WEIGHTS = [
    (SocialOrgType.ASSOCIATION, 45),
    (SocialOrgType.SERVICE, 50),
    (SocialOrgType.FOUNDATION, 5),
]
NAMES = {
    SocialOrgType.ASSOCIATION: ["书法家协会", "老年体育协会", "个体劳动者协会", "慈善协会", "商会"],
    SocialOrgType.SERVICE: ["社会工作服务中心", "幼儿园", "养老服务中心", "培训学校", "康复中心"],
    SocialOrgType.FOUNDATION: ["教育发展基金会", "慈善基金会"],
}


def credit_code(org_type: SocialOrgType, area: str, serial: int) -> str:
    """A valid 统一社会信用代码 of this type (GB 32100 check digit)."""
    body = f"{CREDIT_CODE_PREFIX[org_type]}{area}MJ{serial:07d}"
    return body + uscc.calc_check_digit(body)


def report_year(today: date | None = None) -> int:
    """The inspection year the demo's history is about: last year (its window has closed)."""
    return (today or date.today()).year - 1


def pools(size: str) -> dict[str, tuple[int, int]]:
    return POOLS["small" if size == "small" else "seed"]


def pool_of(serial: int, size: str) -> str:
    for name, (first, last) in pools(size).items():
        if first <= serial <= last:
            return name
    return "active"


def serial_of(social_org: SocialOrg) -> int:
    """The demo serial: the number in the registration number (…第00042号 → 42)."""
    digits = "".join(ch for ch in social_org.registration_number.split("第")[-1] if ch.isdigit())
    return int(digits or 0)


def pool(ctx: Any, name: str) -> list[SocialOrg]:
    """The demo district's organizations of pool ``name``, by serial."""
    first, last = pools(ctx.size)[name]
    district = ctx.region("district")
    found = SocialOrg.objects.in_region(district.prefix).select_related("organization")
    return sorted((so for so in found if first <= serial_of(so) <= last), key=serial_of)


def dormant_split(ctx: Any) -> dict[str, list[SocialOrg]]:
    """The dormant pool split by this year's outcome (``DORMANT_OUTCOMES``), in serial order."""
    dormant = pool(ctx, "dormant")
    split: dict[str, list[SocialOrg]] = {}
    start = 0
    for outcome, count in DORMANT_OUTCOMES["small" if ctx.size == "small" else "seed"].items():
        split[outcome] = dormant[start : start + count]
        start += count
    return split


def _registered_on(rng: random.Random, pool_name: str, today: date) -> date:
    year = report_year(today)
    mid = date(year, 6, 30)
    if pool_name == "new":
        return mid + timedelta(days=rng.randint(1, (today - mid).days - 30))
    if pool_name == "active":
        return mid - timedelta(days=rng.randint(1, 365 * 15))
    # dormant organizations were registered long ago
    return date(year - 4, 1, 1) - timedelta(days=rng.randint(0, 365 * 10))


def load(ctx: Any, *, through: str = "") -> int:
    """The ``socialorgs`` demo loader: the base organizations, then each part's step (only up
    to the part named ``through``, e.g. "inspection", when given: a part's demo test sees its
    organizations as its step left them)."""
    created = _load_base(ctx)
    if created:
        _link_demo_account(ctx)
        for step in STEPS:
            resolve(step)(ctx)
            if through and step.rsplit(".", 2)[-2] == through:
                break
    return created


def _link_demo_account(ctx: Any) -> None:
    """The demo's 社会组织账号 login speaks for the first active organization."""
    from shegong.accounts.demo import DEMO_LOGINS
    from shegong.accounts.models import User
    from shegong.core.perms import Role

    for login in DEMO_LOGINS:
        if login.role != Role.ORG_ACCOUNT:
            continue
        user = User.objects.filter(phone=login.phone).first()
        if user is not None and not hasattr(user, "org_account"):
            accounts.link_org_account(pool(ctx, "active")[0], user.phone, actor=None)


# The ledger's demo files social organizations of its own (the census: 51 社会团体, 52 社会服务
# 机构); the base step registers them as organizations of the matching type, so the county has
# one set of social organizations, not a census set and a registry set.
CENSUS_TYPES = {"51": SocialOrgType.ASSOCIATION, "52": SocialOrgType.SERVICE}


def _census(prefix: str) -> dict[str, list[Any]]:
    from shegong.ledger.choices import OrgKind, OrgStatus
    from shegong.ledger.models import Organization

    rows = Organization.objects.in_region(prefix).filter(
        kind=OrgKind.SOCIAL_ORG, status=OrgStatus.ACTIVE, social_org__isnull=True
    )
    found: dict[str, list[Any]] = {str(t): [] for t in CENSUS_TYPES.values()}
    for row in rows.order_by("pk"):
        org_type = CENSUS_TYPES.get((row.credit_code or "")[:2])
        if org_type is not None:
            found[str(org_type)].append(row)
    return found


def _census_row(census: dict[str, list[Any]], org_type: str) -> Any:
    """The next census row of this type, taken from ``census``; None when none is left."""
    rows = census.get(str(org_type))
    return rows.pop(0) if rows else None


def _load_base(ctx: Any) -> int:
    district = ctx.region("district")
    if SocialOrg.objects.in_region(district.prefix).exists():
        return 0
    places = list(
        Region.objects.subtree(district.prefix)
        .filter(level__in=["street", "community"])
        .order_by("code")
    )
    if not places:
        return 0
    rng = random.Random(SEED)
    census = _census(district.prefix)
    count = COUNTS.get(ctx.size, COUNTS["seed"])
    today = date.today()
    kinds = [k for k, _ in TYPE_WEIGHTS]
    weights = [w for _, w in TYPE_WEIGHTS]
    area = district.code[:6]
    created = 0
    for serial in range(1, count + 1):
        org_type = rng.choices(kinds, weights)[0]
        place = places[serial % len(places)]
        registered = _registered_on(rng, pool_of(serial, ctx.size), today)
        term_start = registered + timedelta(days=365 * 5 * rng.randint(0, 2))
        if term_start > today:
            term_start = registered
        charity = org_type == SocialOrgType.FOUNDATION or rng.random() < 0.05
        grade = rng.choice(["", "", "", Grade.A3, Grade.A4, Grade.A5])
        short = place.name.removesuffix("街道").removesuffix("社区")
        data = {
            "org_type": org_type,
            "name": f"{short}{rng.choice(NAMES[org_type])}{serial:03d}",
            "credit_code": credit_code(org_type, area, serial),
            "registration_number": f"{area}民证字第{serial:05d}号",
            "registration_authority": f"{district.name}民政局",
            "registered_on": registered,
            "supervisor": "" if rng.random() < 0.6 else f"{district.name}教育局",
            "business_scope": "开展公益服务、业务培训、交流合作",
            "activity_area": district.name,
            "address": f"{place.name}{rng.randint(1, 200)}号",
            "region": place.code,
            "legal_rep": fake_name(SEED + serial),
            "term_start": term_start,
            "term_years": 5,
            "charity": charity,
            "charity_on": registered + timedelta(days=30) if charity else None,
            "public_fundraising": charity and registered < today - timedelta(days=800),
            "public_fundraising_on": registered + timedelta(days=800) if charity else None,
            "grade": grade,
            "grade_valid_until": today + timedelta(days=rng.randint(30, 1500)) if grade else None,
            "status": SocialOrgStatus.NORMAL,
        }
        row = _census_row(census, org_type)
        if row is not None:  # the ledger's row: the registration adopts it
            data.update(name=row.name, credit_code=row.credit_code, region=row.region_id)
            data["address"] = row.address or data["address"]
        so = records.register_social_org(data, actor=None)
        created += 1
        if rng.random() < 0.5:
            records.add_charter_version(
                so,
                {
                    "version_date": term_start,
                    "party_building": rng.random() < 0.7,
                    "party_building_on": term_start,
                },
                actor=None,
            )
    return created
