"""Types, statuses and grades of social organizations (C5, DOMAIN.md §5)."""

from django.db import models


class SocialOrgType(models.TextChoices):
    """The three registered types; each has its own 统一社会信用代码 category (GB 32100)."""

    ASSOCIATION = "association", "社会团体"
    SERVICE = "service", "社会服务机构（民办非企业单位）"
    FOUNDATION = "foundation", "基金会"


# The first two characters of the credit code: 5 = civil affairs, then 1/2/3 by type.
CREDIT_CODE_PREFIX = {
    SocialOrgType.ASSOCIATION: "51",
    SocialOrgType.SERVICE: "52",
    SocialOrgType.FOUNDATION: "53",
}


class SocialOrgStatus(models.TextChoices):
    PREPARING = "preparing", "筹备"
    NORMAL = "normal", "正常"
    SUSPENDED = "suspended", "限期停止活动"
    CANCELLED = "cancelled", "撤销"
    REVOKED = "revoked", "吊销"
    DEREGISTERED = "deregistered", "注销"


# Which status may follow which (注销 is final; 撤销/吊销 leave only through 注销).
TRANSITIONS: dict[str, frozenset[str]] = {
    SocialOrgStatus.PREPARING: frozenset({SocialOrgStatus.NORMAL, SocialOrgStatus.DEREGISTERED}),
    SocialOrgStatus.NORMAL: frozenset(
        {
            SocialOrgStatus.SUSPENDED,
            SocialOrgStatus.CANCELLED,
            SocialOrgStatus.REVOKED,
            SocialOrgStatus.DEREGISTERED,
        }
    ),
    SocialOrgStatus.SUSPENDED: frozenset(
        {
            SocialOrgStatus.NORMAL,
            SocialOrgStatus.CANCELLED,
            SocialOrgStatus.REVOKED,
            SocialOrgStatus.DEREGISTERED,
        }
    ),
    SocialOrgStatus.CANCELLED: frozenset({SocialOrgStatus.DEREGISTERED}),
    SocialOrgStatus.REVOKED: frozenset({SocialOrgStatus.DEREGISTERED}),
    SocialOrgStatus.DEREGISTERED: frozenset(),
}

# Statuses in which the ledger organization is closed (已关停/注销).
CLOSED_STATUSES = frozenset(
    {SocialOrgStatus.CANCELLED, SocialOrgStatus.REVOKED, SocialOrgStatus.DEREGISTERED}
)


class Grade(models.TextChoices):
    """社会组织评估等级."""

    A1 = "1A", "1A"
    A2 = "2A", "2A"
    A3 = "3A", "3A"
    A4 = "4A", "4A"
    A5 = "5A", "5A"


DEFAULT_TERM_YEARS = 5
