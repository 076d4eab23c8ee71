"""The social organizations' figures for the dashboard and the work brief (registered in
``apps.ready``; docs/indicators.md lists them with their definitions). Each counts the very
records of the figure of the same name on ``/socialorgs/stats/`` (docs/metrics.md), by the
same date: a year's figure on the statistics page equals the dashboard's for that year."""

from __future__ import annotations

from typing import Any

from django.db.models import CharField, DateField, Value
from django.db.models.functions import Cast, Concat

from shegong.core.perms import Perm
from shegong.core.registry import Indicator

from .choices import SocialOrgType
from .models import (
    AnnualReport,
    Application,
    DormantCase,
    Election,
    FundraisingApplication,
    Lead,
    Penalty,
    ScreeningVisit,
    SocialOrg,
)
from .models.charity import ApplicationState as FundraisingState
from .models.common import COMPLETED
from .statutes import ApplicationKind, ApplicationState, PenaltyKind

ORG_REGION = "organization__region"
RECORD_REGION = "social_org__organization__region"
COHORT_DAY = "cohort_on"


def _year_end(field: str) -> Any:
    """The 12-31 of the year in ``field`` (an inspection year) as a date."""
    return Cast(Concat(Cast(field, CharField()), Value("-12-31")), DateField())


def required_reports() -> Any:
    """The inspection years' required sets (reports created by opening the year, or added by
    补充年检对象), each on the 12-31 of its inspection year."""
    return AnnualReport.objects.filter(plan__isnull=False).annotate(
        **{COHORT_DAY: _year_end("year")}
    )


def completed_reports() -> Any:
    return required_reports().filter(conclusion__in=COMPLETED)


def registered_orgs() -> Any:
    return SocialOrg.objects.all()


def _approved(kind: str) -> Any:
    def source() -> Any:
        return Application.objects.filter(kind=kind, state=ApplicationState.APPROVED)

    source.__name__ = f"approved_{kind}"
    return source


def cancellations() -> Any:
    return Penalty.objects.filter(kind=PenaltyKind.CANCELLATION)


def association_elections() -> Any:
    return Election.objects.filter(social_org__org_type=SocialOrgType.ASSOCIATION)


def dormant_concluded() -> Any:
    return DormantCase.objects.filter(state__in=["cleared", "rectified"])


def screening_visits() -> Any:
    return ScreeningVisit.objects.all()


def recovering_leads() -> Any:
    return Lead.objects.exclude(outcome="").filter(losses_recovered__gt=0)


def fundraising_granted() -> Any:
    return FundraisingApplication.objects.filter(state=FundraisingState.GRANTED)


ORG = ("社会组织", "social_org.organization.name")
REPORT_COLUMNS = (ORG, ("年度", "year"), ("年检结论", "get_conclusion_display"))
APPLICATION_COLUMNS = (ORG, ("申请事项", "get_kind_display"), ("核准日期", "decided_on"))
PERM = Perm.SOCIALORGS_VIEW
SECTION = "socialorgs"

INDICATORS = [
    Indicator(
        "socialorgs.inspection_required", "应参检社会组织", "家", SECTION,
        "各年检年度开启时确定的应参检社会组织（含其后经“补充年检对象”加入的），每家计入其年检"
        "年度的12月31日；没有年检计划的年报记录不计。",
        source=required_reports, date_field=COHORT_DAY, region_field=RECORD_REGION,
        columns=REPORT_COLUMNS, sentence="应参检社会组织{value}家", perm=PERM, order=10,
    ),
    Indicator(
        "socialorgs.inspection_completed", "完成年度检查的社会组织", "家", SECTION,
        "应参检社会组织中年检结论为合格、基本合格或不合格的（未参检、尚在审核中的不计），"
        "每家计入其年检年度的12月31日。",
        source=completed_reports, date_field=COHORT_DAY, region_field=RECORD_REGION,
        columns=REPORT_COLUMNS, sentence="指导和督促{value}家社会组织完成年度检查工作",
        seed="指导和督促89家社会组织完成2025年度检查工作，年检率达90%", perm=PERM, order=11,
    ),
    Indicator(
        "socialorgs.inspection_rate", "年检率", "%", SECTION,
        "年检率 = 完成年度检查的社会组织数 ÷ 应参检社会组织数，同一年检年度（分子分母均按年检"
        "年度的12月31日计入，所选期间须包含该日）。",
        kind="rate", numerator="socialorgs.inspection_completed",
        denominator="socialorgs.inspection_required",
        sentence="年检率达{value}%（{numerator}/{denominator}）",
        seed="指导和督促89家社会组织完成2025年度检查工作，年检率达90%", perm=PERM, order=12,
    ),
    Indicator(
        "socialorgs.registered", "新登记社会组织", "家", SECTION,
        "登记日期在期间内的社会组织，不论其现在的登记状态。",
        source=registered_orgs, date_field="registered_on", region_field=ORG_REGION,
        columns=(("社会组织", "organization.name"), ("类型", "get_org_type_display"),
                 ("登记日期", "registered_on")),
        sentence="新登记社会组织{value}家", perm=PERM, order=20,
    ),
    Indicator(
        "socialorgs.renewals", "延续登记", "家", SECTION,
        "已核准的延续登记申请，按核准日期计入。",
        source=_approved(ApplicationKind.RENEWAL), date_field="decided_on",
        region_field=RECORD_REGION, columns=APPLICATION_COLUMNS,
        sentence="办理延续登记{value}家",
        seed="办理延续登记13家、事项变更38家、行政处罚(撤销登记)2家、注销登记21家", perm=PERM,
        order=21,
    ),
    Indicator(
        "socialorgs.changes", "事项变更", "家", SECTION,
        "已核准的变更登记申请（一次申请含多个变更事项的计一次），按核准日期计入。",
        source=_approved(ApplicationKind.CHANGE), date_field="decided_on",
        region_field=RECORD_REGION, columns=APPLICATION_COLUMNS, sentence="事项变更{value}家",
        seed="办理延续登记13家、事项变更38家、行政处罚(撤销登记)2家、注销登记21家", perm=PERM,
        order=22,
    ),
    Indicator(
        "socialorgs.cancellations", "撤销登记", "家", SECTION,
        "种类为撤销登记的行政处罚，按处罚决定日期计入。",
        source=cancellations, date_field="decided_on", region_field=RECORD_REGION,
        columns=(ORG, ("处罚种类", "get_kind_display"), ("处罚决定日期", "decided_on")),
        sentence="行政处罚(撤销登记){value}家",
        seed="办理延续登记13家、事项变更38家、行政处罚(撤销登记)2家、注销登记21家", perm=PERM,
        order=23,
    ),
    Indicator(
        "socialorgs.deregistrations", "注销登记", "家", SECTION,
        "已核准的注销登记申请，按核准日期计入（经登记状态表单直接改为注销的不计）。",
        source=_approved(ApplicationKind.DEREGISTRATION), date_field="decided_on",
        region_field=RECORD_REGION, columns=APPLICATION_COLUMNS, sentence="注销登记{value}家",
        seed="办理延续登记13家、事项变更38家、行政处罚(撤销登记)2家、注销登记21家", perm=PERM,
        order=24,
    ),
    Indicator(
        "socialorgs.elections", "指导社会团体完成换届", "家", SECTION,
        "社会团体的换届，按最后一步（负责人变更备案/法定代表人变更登记）的登记日期即完成日期"
        "计入；只计社会团体。",
        source=association_elections, date_field="completed_on", region_field=RECORD_REGION,
        columns=(ORG, ("启动日期", "opened_on"), ("完成日期", "completed_on")),
        sentence="指导{value}家社会团体完成换届", seed="指导36家社会团体完成换届筹备阶段各项工作",
        perm=PERM, order=30,
    ),
    Indicator(
        "socialorgs.dormant_cleared", "清理僵尸型社会组织", "家", SECTION,
        "结案的僵尸型社会组织案件，按结案日期计入：处置结果为撤销登记、吊销登记证书或注销登记"
        "（已清理），或限期整改后整改完成的；尚在整改或公告期内的不计。",
        source=dormant_concluded, date_field="closed_on", region_field=RECORD_REGION,
        columns=(ORG, ("处置状态", "get_state_display"), ("处置结果", "get_outcome_display"),
                 ("结案日期", "closed_on")),
        sentence="清理“僵尸型”社会组织{value}家", seed="清理“僵尸型”社会组织32家", perm=PERM,
        order=31,
    ),
    Indicator(
        "socialorgs.screening_visits", "非法社会组织排查走访", "家次", SECTION,
        "非法社会组织排查走访记录（每次走访一个组织或场所，线索走访和巡查走访都算），按走访"
        "日期计入。",
        source=screening_visits, date_field="visited_on",
        columns=(("走访地点", "place"), ("走访日期", "visited_on")),
        sentence="开展排查走访{value}家", seed="开展排查走访3轮次34家", perm=PERM, order=40,
    ),
    Indicator(
        "socialorgs.losses_recovered", "挽回群众损失", "元", SECTION,
        "已办结且挽回损失大于零的非法社会组织线索，其挽回群众损失金额之和，按办结日期计入。",
        source=recovering_leads, date_field="outcome_on", measure="losses_recovered",
        columns=(("疑似组织名称", "org_name"), ("办结日期", "outcome_on"),
                 ("挽回群众损失（元）", "losses_recovered")),
        sentence="挽回群众损失{value}元", seed="挽回群众损失10余万元", perm=PERM, order=41,
    ),
    Indicator(
        "socialorgs.fundraising_granted", "准予公开募捐资格", "家", SECTION,
        "决定为准予的公开募捐资格申请，按决定日期计入。",
        source=fundraising_granted, date_field="decided_on", region_field=RECORD_REGION,
        columns=(ORG, ("申请日期", "filed_on"), ("决定日期", "decided_on")),
        sentence="办理完成{value}家社会组织公开募捐资格审批工作",
        seed="办理完成大姚怡康社会工作发展中心公开募捐资格审批工作", perm=PERM, order=50,
    ),
]  # fmt: skip
