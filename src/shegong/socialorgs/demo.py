"""Demo social organizations in the demo county: ~100 (``seed``/``large``), a handful
(``small``), types mixed, a few in each status; every one registered through the actions
(actor None: the system), so each has its audit history. Idempotent: nothing is added once the
district has a social organization."""

from __future__ import annotations

import random
from datetime import date, timedelta
from typing import Any

from stdnum.cn import uscc

from shegong.core.demo import fake_name
from shegong.regions.models import Region

from .actions import records
from .choices import CREDIT_CODE_PREFIX, Grade, SocialOrgStatus, SocialOrgType
from .models import SocialOrg

SEED = 1405
COUNTS = {"small": 6, "seed": 100, "large": 100}
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
# Status changes after registration, with their legal basis (seed: 撤销 2, 注销 21 a year).
LATER = [
    (SocialOrgStatus.DEREGISTERED, "《社会团体登记管理条例》第十九条 注销登记", 0.10),
    (SocialOrgStatus.CANCELLED, "《社会团体登记管理条例》第三十条 撤销登记", 0.02),
    (SocialOrgStatus.SUSPENDED, "《社会团体登记管理条例》第三十条 限期停止活动", 0.03),
]


def credit_code(org_type: SocialOrgType, area: str, serial: int) -> str:
    """A valid 统一社会信用代码 of this type (GB 32100 check digit)."""
    body = f"{CREDIT_CODE_PREFIX[org_type]}{area}MJ{serial:07d}"
    return body + uscc.calc_check_digit(body)


def load(ctx: Any) -> int:
    """The ``socialorgs`` demo loader; returns the number of organizations registered."""
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
    count = COUNTS.get(ctx.size, COUNTS["seed"])
    today = date.today()
    kinds = [k for k, _ in TYPE_WEIGHTS]
    weights = [w for _, w in TYPE_WEIGHTS]
    area = district.code[:6]
    created = 0
    for serial in range(1, count + 1):
        org_type = rng.choices(kinds, weights)[0]
        place = places[serial % len(places)]
        registered = today - timedelta(days=rng.randint(200, 365 * 15))
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
        so = records.register_social_org(data, actor=None)
        created += 1
        roll = rng.random()
        for status, basis, share in LATER:
            if roll < share:
                records.change_status(so, status, legal_basis=basis, actor=None)
                break
            roll -= share
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
