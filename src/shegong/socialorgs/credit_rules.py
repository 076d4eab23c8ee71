"""The credit-list rules (民政部令第60号《社会组织信用信息管理办法》), as a table in code.

Each ``Rule`` names its list, the reason the organization sees, how it leaves, its legal source
and whether leaving needs a verified rectification. ``candidates(rule, today)`` is ONE query of
the facts the rule finds that no ``CreditEvent`` has recorded yet (set-based: the database does
the work, never a Python loop over every organization). An authority switches a rule off or
changes a parameter in the settings::

    SOCIALORGS_CREDIT_RULES = {
        "unreachable": {"enabled": False},
        "report_missed": {"lookback_years": 1},
    }
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from typing import Any

from django.conf import settings
from django.db.models import Count, Exists, F, Max, OuterRef, Q, QuerySet, Value
from django.db.models.functions import ExtractDay, ExtractMonth, ExtractYear

from shegong.ledger.choices import OrgKind, OrgStatus
from shegong.ledger.models import Organization
from shegong.ledger.queries.coverage import gaps_among

from .choices import SocialOrgStatus
from .models import (
    AnnualReport,
    CreditEvent,
    CreditListing,
    FundraisingPlan,
    InspectionConclusion,
    ListKind,
    Penalty,
    Rectification,
    ReturnedLetter,
    SocialOrg,
    add_years,
)
from .statutes import PenaltyKind

# Statuses in which an organization can be put on the 活动异常名录 (not yet struck off).
LIVE_STATUSES = [SocialOrgStatus.PREPARING, SocialOrgStatus.NORMAL, SocialOrgStatus.SUSPENDED]
STRUCK_OFF = [SocialOrgStatus.CANCELLED, SocialOrgStatus.REVOKED]
ENTRY_WORKDAYS = 5  # entered within 5 working days of the fact (第六条)
REMOVAL_WORKDAYS = 5  # removed within 5 working days of verification
ABNORMAL_MONTHS = 6  # nothing to rectify: removed after 6 months
SERIOUS_AFTER_YEARS = 2  # 2 years on the 异常名录 → 严重违法失信名单
SERIOUS_LEAVE_YEARS = 2  # leaving the 严重违法失信名单 on application after 2 years
LETTER_MIN_INTERVAL_DAYS = 15  # the two registered letters at least 15 days apart


@dataclass(frozen=True)
class Rule:
    key: str
    kind: str
    label: str
    basis: str
    how_to_leave: str
    needs_rectification: bool = False
    enabled: bool = True
    params: dict[str, Any] = field(default_factory=dict)


RULES: dict[str, Rule] = {
    rule.key: rule
    for rule in [
        Rule(
            "report_missed",
            ListKind.ABNORMAL,
            "未按规定参加{year}年度检查（报送年度工作报告）",
            "《社会组织信用信息管理办法》第十条第（一）项",
            "补报年度工作报告并按要求整改，经登记管理机关核实后5个工作日内移出",
            needs_rectification=True,
            params={"lookback_years": 2},
        ),
        Rule(
            "rectification_overdue",
            ListKind.ABNORMAL,
            "未按登记管理机关要求在{deadline}前完成整改：{matter}",
            "《社会组织信用信息管理办法》第十条第（三）项",
            "完成整改，经登记管理机关核实后5个工作日内移出",
            needs_rectification=True,
            params={"lookback_days": 365},
        ),
        Rule(
            "unreachable",
            ListKind.ABNORMAL,
            "通过登记的住所无法取得联系（挂号信{first}、{second}两次寄出均被退回）",
            "《社会组织信用信息管理办法》第十条第（六）项",
            "无需整改的，自列入（或最近一次新的列入事实）之日起满6个月自动移出；"
            "恢复联系的，可向登记管理机关说明情况",
            params={"letters": 2},
        ),
        Rule(
            "disclosure_overdue",
            ListKind.ABNORMAL,
            "具有公开募捐资格的慈善组织未按规定公开募捐信息（募捐方案“{plan}”应于{due}前公开）",
            "《社会组织信用信息管理办法》第十条第（四）项",
            "补充公开募捐信息并按要求整改，经登记管理机关核实后5个工作日内移出",
            needs_rectification=True,
            params={"lookback_days": 365},
        ),
        Rule(
            "warned",
            ListKind.ABNORMAL,
            "受到警告行政处罚（{decision_number}，{decided_on}）",
            "《社会组织信用信息管理办法》第十条第（五）项",
            "无需整改的，自列入（或最近一次新的列入事实）之日起满6个月自动移出",
            params={"lookback_days": 365},
        ),
        Rule(
            "party_org_missing",
            ListKind.ABNORMAL,
            "正式党员3名以上，未按照有关规定单独设立党组织（{year}年核查）",
            "《社会组织信用信息管理办法》第十条第（二）项",
            "按规定设立党组织并按要求整改，经登记管理机关核实后5个工作日内移出",
            needs_rectification=True,
            # off unless the authority switches it on: the ledger's party-member counts must be
            # complete first, and 党建指导员 guidance comes before a listing
            enabled=False,
        ),
        Rule(
            "abnormal_two_years",
            ListKind.SERIOUS,
            "被列入活动异常名录满2年（{listed_on}列入）",
            "《社会组织信用信息管理办法》第十一条第（一）项",
            "列入满2年且未再发生失信情形、已履行相关义务的，可向登记管理机关申请移出",
        ),
        Rule(
            "struck_off",
            ListKind.SERIOUS,
            "被登记管理机关{status}登记",
            "《社会组织信用信息管理办法》第十一条第（七）项",
            "被撤销登记或吊销登记证书的社会组织，只有在办理注销登记后方可移出",
        ),
    ]
}


def rule(key: str) -> Rule:
    """The rule with this authority's settings applied (``SOCIALORGS_CREDIT_RULES``)."""
    base = RULES[key]
    override = dict(getattr(settings, "SOCIALORGS_CREDIT_RULES", {}).get(key, {}))
    if not override:
        return base
    enabled = bool(override.pop("enabled", base.enabled))
    return replace(base, enabled=enabled, params={**base.params, **override})


def active_rules() -> list[Rule]:
    return [r for r in (rule(key) for key in RULES) if r.enabled]


def rule_label(key: str) -> str:
    found = RULES.get(key)
    return found.basis.split("》")[-1] if found else key


RULE_CHOICES = [
    ("report_missed", "未按规定参加年检"),
    ("rectification_overdue", "逾期未完成整改"),
    ("unreachable", "住所无法联系"),
    ("disclosure_overdue", "募捐信息未按规定公开"),
    ("warned", "受到警告处罚"),
    ("party_org_missing", "未按规定设立党组织"),
    ("abnormal_two_years", "列入异常名录满2年"),
    ("struck_off", "被撤销或吊销登记"),
]
RULE_NAMES = dict(RULE_CHOICES)


def _seen(rule_key: str, ref: str) -> Exists:
    return Exists(
        CreditEvent.objects.filter(
            social_org_id=OuterRef("social_org_id"), rule=rule_key, ref=OuterRef(ref)
        )
    )


def candidates(r: Rule, today: date) -> QuerySet[Any]:
    """The facts rule ``r`` finds on ``today`` that are not recorded yet: rows of
    ``social_org_id``, ``ref`` and the fact's own columns (one query)."""
    if r.key == "report_missed":
        since = today.year - int(r.params.get("lookback_years", 2))
        return (
            AnnualReport.objects.filter(
                conclusion=InspectionConclusion.ABSENT,
                year__gte=since,
                year__lt=today.year,
                social_org__status__in=LIVE_STATUSES,
            )
            .filter(~_seen(r.key, "year"))
            .values("social_org_id", "year", "concluded_at")
        )
    if r.key == "rectification_overdue":
        since = today - timedelta(days=int(r.params.get("lookback_days", 365)))
        return (
            Rectification.objects.filter(
                verified_at__isnull=True,
                deadline__lt=today,
                deadline__gte=since,
                social_org__status__in=LIVE_STATUSES,
            )
            .filter(~_seen(r.key, "pk"))
            .values("social_org_id", "pk", "deadline", "matter")
        )
    if r.key == "unreachable":
        return (
            ReturnedLetter.objects.filter(
                event__isnull=True,
                returned_on__lte=today,
                social_org__status__in=LIVE_STATUSES,
            )
            .values("social_org_id")
            .annotate(count=Count("pk"), last=Max("pk"))
            .filter(count__gte=int(r.params.get("letters", 2)))
            .order_by("social_org_id")
        )
    if r.key == "disclosure_overdue":
        # one fact per plan and due date: a later period missed again is a new fact
        since = today - timedelta(days=int(r.params.get("lookback_days", 365)))
        due = F("disclosure_due_on")
        return (
            FundraisingPlan.objects.filter(
                disclosure_due_on__lt=today,
                disclosure_due_on__gte=since,
                social_org__public_fundraising=True,
                social_org__status__in=LIVE_STATUSES,
            )
            .annotate(
                fact_ref=F("pk") * 100_000_000
                + ExtractYear(due) * 10_000
                + ExtractMonth(due) * 100
                + ExtractDay(due)
            )
            .filter(~_seen(r.key, "fact_ref"))
            .values("social_org_id", "fact_ref", "pk", "title", "disclosure_due_on")
        )
    if r.key == "warned":
        since = today - timedelta(days=int(r.params.get("lookback_days", 365)))
        return (
            Penalty.objects.filter(
                kind=PenaltyKind.WARNING,
                decided_on__lte=today,
                decided_on__gte=since,
                social_org__status__in=LIVE_STATUSES,
            )
            .filter(~_seen(r.key, "pk"))
            .values("social_org_id", "pk", "decision_number", "decided_on")
        )
    if r.key == "party_org_missing":
        # the ledger's 应建未建 rule over every active social organization (one fact a year)
        flagged = gaps_among(
            Organization.objects.filter(kind=OrgKind.SOCIAL_ORG, status=OrgStatus.ACTIVE),
            should_establish=True,
        ).values("pk")
        return (
            SocialOrg.objects.filter(status__in=LIVE_STATUSES, organization_id__in=flagged)
            .annotate(social_org_id=F("pk"), fact_ref=Value(today.year))
            .filter(~_seen(r.key, "fact_ref"))
            .values("social_org_id", "fact_ref")
        )
    if r.key == "abnormal_two_years":
        return (
            CreditListing.objects.filter(
                kind=ListKind.ABNORMAL,
                removed_on__isnull=True,
                listed_on__lte=add_years(today, -SERIOUS_AFTER_YEARS),
            )
            .filter(~_seen(r.key, "pk"))
            .values("social_org_id", "pk", "listed_on")
        )
    if r.key == "struck_off":
        return (
            SocialOrg.objects.filter(status__in=STRUCK_OFF)
            .filter(
                ~Exists(CreditEvent.objects.filter(social_org_id=OuterRef("pk"), rule=r.key, ref=0))
            )
            .values("pk", "status", "updated_at")
        )
    raise KeyError(r.key)


def removal_due(today: date) -> Q:
    """Open 异常名录 listings whose removal is due: the rectification verified, or 6 months
    on the list with nothing to rectify."""
    six_months = _months_before(today, ABNORMAL_MONTHS)
    return Q(kind=ListKind.ABNORMAL, removed_on__isnull=True) & (
        Q(needs_rectification=True, rectification__verified_at__isnull=False)
        | Q(needs_rectification=False, clock_from__lte=six_months)
    )


def leave_eligible(today: date) -> Q:
    """Open 严重违法失信名单 listings whose organization may apply to leave: 2 years reached and
    not a 撤销/吊销 listing (those leave only through 注销)."""
    return Q(
        kind=ListKind.SERIOUS,
        removed_on__isnull=True,
        listed_on__lte=add_years(today, -SERIOUS_LEAVE_YEARS),
    ) & ~Q(rule="struck_off")


def _months_before(day: date, months: int) -> date:
    month = day.month - months
    year = day.year + (month - 1) // 12
    month = (month - 1) % 12 + 1
    for d in (day.day, 30, 29, 28):
        try:
            return date(year, month, d)
        except ValueError:
            continue
    raise ValueError(day)


def months_after(day: date, months: int) -> date:
    month = day.month + months
    year = day.year + (month - 1) // 12
    month = (month - 1) % 12 + 1
    for d in (day.day, 30, 29, 28):
        try:
            return date(year, month, d)
        except ValueError:
            continue
    raise ValueError(day)
