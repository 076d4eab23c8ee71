"""The ledger's figures for the dashboard and the work brief (registered in ``apps.ready``;
docs/indicators.md lists them with their definitions).

The ledger keeps the current state of each organization and person, not its history: a stock
here is "the records standing now, filed (建档) on or before the day". For the current period
it equals the coverage page; for a past period it is today's records that were already filed
then (an organization closed since has left every period).
"""

from __future__ import annotations

from typing import Any

from django.db.models import Exists, OuterRef, Q

from shegong.core.perms import Perm
from shegong.core.registry import Indicator

from .choices import (
    COVERAGE_GROUP_KINDS,
    ORGANIZATION_COVERAGE,
    CoverageGroup,
    OrgKind,
    OrgStatus,
)
from .models import Coverage, Organization, PartyOrganization, Person
from .rules import PARTY_MEMBER_STATUSES

NON_PUBLIC_KINDS = COVERAGE_GROUP_KINDS[CoverageGroup.NON_PUBLIC.value]
DISTRICT_KINDS = (OrgKind.BUSINESS_DISTRICT.value, OrgKind.BUILDING.value)


def non_public_units() -> Any:
    """非公企业 as the coverage page's group counts them (``rules.GroupCounts``): active
    enterprises and platform companies."""
    return Organization.objects.filter(status=OrgStatus.ACTIVE, kind__in=NON_PUBLIC_KINDS)


def non_public_covered() -> Any:
    """Of them, the ones with 组织覆盖 (单独组建 or 联合组建)."""
    return non_public_units().filter(coverage__mode__in=ORGANIZATION_COVERAGE)


def party_members() -> Any:
    """People in the ledger who are party members (正式 or 预备)."""
    return Person.objects.filter(political_status__in=PARTY_MEMBER_STATUSES)


def district_party_orgs() -> Any:
    """Party organizations formed in a 商圈 or 楼宇: the organization of the 组织覆盖 of a
    商圈/楼宇 itself or of one of its tenants (each party organization once)."""
    covers = Coverage.objects.filter(
        party_org=OuterRef("pk"), mode__in=ORGANIZATION_COVERAGE
    ).filter(
        Q(organization__kind__in=DISTRICT_KINDS)
        | Q(organization__container__kind__in=DISTRICT_KINDS)
    )
    return PartyOrganization.objects.filter(Exists(covers))


ORG_COLUMNS = (("名称", "name"), ("所属区划", "region.name"), ("从业人员数", "employee_count"),
               ("建档时间", "created_at"))  # fmt: skip
SEED_LEDGER = "精准掌握辖区2063家非公企业、2.9万党员工、2133名党员基本信息"

INDICATORS = [
    Indicator(
        "ledger.enterprises", "非公企业", "家", "ledger",
        "台账中在营的非公企业（企业 + 平台企业，与党建覆盖页“非公企业”组的在营单位同一口径），"
        "按建档时间计入：期末已建档且当前在营的单位数。已关停/注销、已迁出的单位不计。",
        kind="stock", source=non_public_units, date_field="created_at",
        columns=ORG_COLUMNS, sentence="精准掌握辖区{value}家非公企业",
        seed=SEED_LEDGER, perm=Perm.LEDGER_VIEW, order=10,
    ),
    Indicator(
        "ledger.employees", "非公企业员工", "人", "ledger",
        "上述在营非公企业申报的从业人员数之和（未填写的按0计），按单位建档时间计入。",
        kind="stock", source=non_public_units, date_field="created_at",
        measure="employee_count", columns=ORG_COLUMNS, sentence="{value}名员工",
        seed=SEED_LEDGER, perm=Perm.LEDGER_VIEW, order=11,
    ),
    Indicator(
        "ledger.party_members", "党员", "名", "ledger",
        "台账登记的人员中政治面貌为中共党员或中共预备党员的人数，按人员建档时间计入。",
        kind="stock", source=party_members, date_field="created_at",
        columns=(("姓名", "name_masked"), ("所属区划", "region.name"),
                 ("入党时间", "party_joined_on")),
        sentence="{value}名党员", seed=SEED_LEDGER, perm=Perm.LEDGER_VIEW, order=12,
    ),
    Indicator(
        "ledger.district_party_orgs", "新增商圈楼宇党组织", "个", "ledger",
        "成立日期在期内的党组织中，以单独组建或联合组建覆盖某个商圈、楼宇或其入驻单位的党组织"
        "个数（每个党组织计一次），按成立日期计入。",
        source=district_party_orgs, date_field="founded_on",
        touched_by=(("ledger.organization", "covered__organization_id"),
                    ("ledger.organization", "covered__organization__container_id")),
        columns=(("名称", "name"), ("所属区划", "region.name"), ("成立日期", "founded_on")),
        sentence="新增商圈楼宇党组织{value}个",
        seed="聚焦商圈、楼宇等重点区域集中攻坚党组织组建，新增商圈楼宇党组织5个",
        perm=Perm.LEDGER_VIEW, order=13,
    ),
    Indicator(
        "ledger.enterprises_covered", "非公企业组织覆盖单位", "家", "ledger",
        "在营非公企业中覆盖方式为单独组建或联合组建（组织覆盖）的单位数，按单位建档时间计入，"
        "覆盖方式取当前状态。",
        kind="stock", source=non_public_covered, date_field="created_at",
        columns=ORG_COLUMNS, sentence="{value}家非公企业实现党的组织覆盖",
        perm=Perm.LEDGER_VIEW, order=14,
    ),
    Indicator(
        "ledger.enterprise_coverage_rate", "非公企业党组织覆盖率", "%", "ledger",
        "非公企业组织覆盖单位 ÷ 在营非公企业（同一批单位：期末已建档且当前在营），"
        "与党建覆盖页“非公企业”组的组织覆盖率同一口径。",
        kind="rate", numerator="ledger.enterprises_covered", denominator="ledger.enterprises",
        sentence="非公企业党组织覆盖率{value}%", perm=Perm.LEDGER_VIEW, order=15,
    ),
]  # fmt: skip
