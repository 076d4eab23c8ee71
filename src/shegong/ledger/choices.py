"""Kinds, statuses and classifications of the ledger (C4)."""

from django.db import models


class OrgKind(models.TextChoices):
    ENTERPRISE = "enterprise", "非公企业"
    SOCIAL_ORG = "social_org", "社会组织"
    PLATFORM = "platform", "平台企业"
    INDIVIDUAL = "individual", "个体工商户"
    BUSINESS_DISTRICT = "business_district", "商圈"
    BUILDING = "building", "楼宇"
    PARK = "park", "园区"
    MARKET = "market", "市场"
    OTHER = "other", "其他"


# Kinds that are places holding tenants; a credit code is optional for them.
CONTAINER_KINDS = {OrgKind.BUSINESS_DISTRICT, OrgKind.BUILDING, OrgKind.PARK, OrgKind.MARKET}
CREDIT_CODE_OPTIONAL = {OrgKind.BUSINESS_DISTRICT, OrgKind.BUILDING, OrgKind.PARK, OrgKind.MARKET}


# Kinds whose record is kept by another registry (a social organization by the civil-affairs
# registrar, app ``socialorgs``): the ledger shows such a row but never edits it. The message
# names where it is changed; ``OWNED_ELSEWHERE_PAGE`` is the ``ObjectPage`` model key under which
# the owning app registers the page that opens the row's record (by the ledger row's pk).
OWNED_ELSEWHERE: dict[str, str] = {
    "social_org": (
        "社会组织的登记信息（名称、信用代码、住所、法定代表人、登记状态等）由民政部门在"
        "“社会组织 → 社会组织登记”中维护，台账不能修改；请到社会组织登记页面办理"
    ),
}
OWNED_ELSEWHERE_PAGE = "ledger.organization.owner"


class OrgStatus(models.TextChoices):
    ACTIVE = "active", "在营"
    CLOSED = "closed", "已关停/注销"
    MOVED_OUT = "moved_out", "已迁出"


class Industry(models.TextChoices):
    """GB/T 4754-2017 门类 (sections)."""

    A = "A", "农、林、牧、渔业"
    B = "B", "采矿业"
    C = "C", "制造业"
    D = "D", "电力、热力、燃气及水生产和供应业"
    E = "E", "建筑业"
    F = "F", "批发和零售业"
    G = "G", "交通运输、仓储和邮政业"
    H = "H", "住宿和餐饮业"
    I = "I", "信息传输、软件和信息技术服务业"  # noqa: E741
    J = "J", "金融业"
    K = "K", "房地产业"
    L = "L", "租赁和商务服务业"
    M = "M", "科学研究和技术服务业"
    N = "N", "水利、环境和公共设施管理业"
    O = "O", "居民服务、修理和其他服务业"  # noqa: E741
    P = "P", "教育"
    Q = "Q", "卫生和社会工作"
    R = "R", "文化、体育和娱乐业"
    S = "S", "公共管理、社会保障和社会组织"
    T = "T", "国际组织"


class Occupation(models.TextChoices):
    EMPLOYEE = "employee", "企业职工"
    MANAGER = "manager", "经营管理人员"
    DELIVERY_RIDER = "delivery_rider", "外卖骑手"
    COURIER = "courier", "快递员"
    RIDE_HAILING_DRIVER = "ride_hailing_driver", "网约车司机"
    TRUCK_DRIVER = "truck_driver", "货车司机"
    STREAMER = "streamer", "网络主播"
    DOMESTIC_WORKER = "domestic_worker", "家政服务员"
    OTHER = "other", "其他"


NEW_EMPLOYMENT_OCCUPATIONS = {
    Occupation.DELIVERY_RIDER,
    Occupation.COURIER,
    Occupation.RIDE_HAILING_DRIVER,
    Occupation.TRUCK_DRIVER,
    Occupation.STREAMER,
    Occupation.DOMESTIC_WORKER,
}


class PoliticalStatus(models.TextChoices):
    PARTY_FULL = "party_full", "中共党员"
    PARTY_PROBATIONARY = "party_probationary", "中共预备党员"
    LEAGUE = "league", "共青团员"
    DEMOCRATIC = "democratic", "民主党派"
    MASSES = "masses", "群众"


PARTY_STATUSES = {PoliticalStatus.PARTY_FULL, PoliticalStatus.PARTY_PROBATIONARY}


class PartyOrgType(models.TextChoices):
    COMMITTEE = "committee", "党委"
    GENERAL_BRANCH = "general_branch", "党总支"
    BRANCH = "branch", "党支部"
    JOINT_BRANCH = "joint_branch", "联合党支部"
    TEMPORARY_BRANCH = "temporary_branch", "临时党支部"
    FUNCTIONAL = "functional", "功能型党组织"


class PartyRole(models.TextChoices):
    SECRETARY = "secretary", "书记"
    DEPUTY_SECRETARY = "deputy_secretary", "副书记"
    COMMITTEE_MEMBER = "committee_member", "委员"
    MEMBER = "member", "党员"


class CoverageMode(models.TextChoices):
    STANDALONE = "standalone", "单独组建"
    JOINT = "joint", "联合组建"
    AFFILIATED = "affiliated", "挂靠"
    INSTRUCTOR = "instructor", "派驻党建指导员"
    NONE = "none", "未覆盖"


# 《支部工作条例》: a joint branch covers units that are close and alike, normally at most 5.
JOINT_BRANCH_MAX_UNITS = 5

# Which modes count towards 组织覆盖 (a party organization is formed in the unit, alone or jointly)
# vs 工作覆盖 (party work reaches it). 挂靠 (attached to an organization formed elsewhere) and a
# 党建指导员 reach the unit but form no organization there: 工作覆盖 only (docs/rules.md §2).
ORGANIZATION_COVERAGE = {CoverageMode.STANDALONE, CoverageMode.JOINT}
WORK_COVERAGE = ORGANIZATION_COVERAGE | {CoverageMode.AFFILIATED, CoverageMode.INSTRUCTOR}


class CoverageGroup(models.TextChoices):
    """The groups a coverage rate is computed over, each its own denominator: 非公企业 and
    社会组织 are 法人单位; 个体工商户 are counted apart, never in the same denominator. Containers
    (商圈/楼宇/园区/市场) and 其他 are in no group."""

    NON_PUBLIC = "non_public", "非公企业"
    SOCIAL_ORG = "social_org", "社会组织"
    INDIVIDUAL = "individual", "个体工商户"


# A platform company is a non-public enterprise.
COVERAGE_GROUP_KINDS: dict[str, tuple[str, ...]] = {
    CoverageGroup.NON_PUBLIC.value: (OrgKind.ENTERPRISE.value, OrgKind.PLATFORM.value),
    CoverageGroup.SOCIAL_ORG.value: (OrgKind.SOCIAL_ORG.value,),
    CoverageGroup.INDIVIDUAL.value: (OrgKind.INDIVIDUAL.value,),
}
KIND_COVERAGE_GROUP: dict[str, str] = {
    kind: group for group, kinds in COVERAGE_GROUP_KINDS.items() for kind in kinds
}


class ReviewOutcome(models.TextChoices):
    VERIFIED = "verified", "核实无误"
    UPDATED = "updated", "已更新"
    CLOSED = "closed", "已关停"
    MOVED_OUT = "moved_out", "已迁出"


class CampaignStatus(models.TextChoices):
    OPEN = "open", "进行中"
    CLOSED = "closed", "已结束"
