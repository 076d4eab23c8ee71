"""The stations' and the new-employment workers' figures for the dashboard and the work brief
(registered in ``apps.ready``; docs/indicators.md lists them with their definitions).

Visits, tallies, benefits and enrolments are written by actions whose audit entry names the
station, the care campaign or the insurance batch, so those are their ``touched_by``. The
workers' demands are cases of the closed loop (category group 新就业群体诉求), counted like
the board counts its cases: by the day they were submitted.
"""

from __future__ import annotations

from typing import Any

from shegong.core.perms import Perm
from shegong.core.registry import Indicator
from shegong.reports.choices import Status
from shegong.reports.models import Report

from .models import Distribution, Enrollment, Station, VanguardPost, Visit, VisitTally

# reports.catalogue.WORKER_GROUP: the category group of the workers' demands.
WORKER_GROUP = "新就业群体诉求"
RESOLVED = [Status.RESOLVED, Status.VERIFIED, Status.CLOSED]  # reports.metrics.RESOLVED


def stations() -> Any:
    """Every station, whatever its status (驿站数 of the visits page and the station list)."""
    return Station.objects.all()


def visits() -> Any:
    return Visit.objects.all()


def tallies() -> Any:
    return VisitTally.objects.all()


def benefits() -> Any:
    return Distribution.objects.all()


def enrolments() -> Any:
    return Enrollment.objects.all()


def worker_demands() -> Any:
    return Report.objects.filter(category__group=WORKER_GROUP)


def worker_demands_resolved() -> Any:
    """Demands the lead department resolved (reports' 已办理: resolved, verified or closed)."""
    return worker_demands().filter(status__in=RESOLVED, resolved_at__isnull=False)


def vanguard_posts() -> Any:
    """党员先锋岗 and 党员责任区 in place (在岗)."""
    return VanguardPost.objects.filter(active=True)


AT_STATION = (("stations.station", "station_id"),)
VISIT_COLUMNS = (("驿站", "station.name"), ("签到时间", "at"), ("来源", "source"))
DEMAND_COLUMNS = (("类别", "category.name"), ("所属区划", "region.name"), ("状态", "status"),
                  ("上报时间", "submitted_at"))  # fmt: skip
SEED_STATIONS = "整合资源高标准打造86个“暖新驿站”"
SEED_VISITS = "累计服务新就业群体2万人次"

INDICATORS = [
    Indicator(
        "stations.stations", "暖新驿站", "个", "stations",
        "登记的驿站（暖新驿站、司机之家、户外劳动者服务站），不论当前是否开放，按创建时间计入："
        "期末已创建的驿站数（与驿站服务统计页的驿站数同一口径）。",
        kind="stock", source=stations, date_field="created_at",
        columns=(("名称", "name"), ("所属区划", "region.name"), ("地址", "address")),
        sentence="高标准打造{value}个“暖新驿站”", seed=SEED_STATIONS,
        perm=Perm.STATIONS_VIEW, order=10,
    ),
    Indicator(
        "stations.visits_scanned", "驿站扫码签到", "人次", "stations",
        "新就业群体在驿站扫码（或工作人员代登记）签到的人次，同一人同一驿站30分钟内只计一次，"
        "按签到时间所在日、驿站所在区划计入。",
        source=visits, date_field="at", region_field="station__region", touched_by=AT_STATION,
        columns=VISIT_COLUMNS, sentence="扫码签到{value}人次",
        perm=Perm.STATIONS_VIEW, order=11,
    ),
    Indicator(
        "stations.visits_tallied", "驿站匿名登记服务", "人次", "stations",
        "驿站工作人员登记的未扫码服务人次之和，按登记的服务日期、驿站所在区划计入。",
        source=tallies, date_field="on", measure="count", region_field="station__region",
        touched_by=AT_STATION,
        columns=(("驿站", "station.name"), ("日期", "on"), ("人次", "count")),
        sentence="匿名登记服务{value}人次", perm=Perm.STATIONS_VIEW, order=12,
    ),
    Indicator(
        "stations.visits", "驿站服务人次", "人次", "stations",
        "驿站扫码签到人次 + 匿名登记服务人次（与驿站服务统计页的服务人次同一口径），按日期计入。",
        kind="sum", parts=("stations.visits_scanned", "stations.visits_tallied"),
        sentence="累计服务新就业群体{value}人次", seed=SEED_VISITS,
        perm=Perm.STATIONS_VIEW, order=9,
    ),
    Indicator(
        "stations.benefits", "暖心礼包发放", "份", "stations",
        "关爱活动在驿站向新就业群体发放的物资（暖心礼包等），每人每次活动计一份，按发放时间所在"
        "日、发放驿站所在区划计入。",
        source=benefits, date_field="given_at", region_field="station__region",
        touched_by=(("stations.carecampaign", "campaign_id"),),
        columns=(("关爱活动", "campaign.name"), ("发放物品", "campaign.benefit"),
                 ("驿站", "station.name"), ("发放时间", "given_at")),
        sentence="累计发放暖心礼包{value}份", seed="累计发放暖心礼包2000余份",
        perm=Perm.STATIONS_VIEW, order=13,
    ),
    Indicator(
        "stations.insured", "新就业群体参保", "人次", "stations",
        "登记进意外伤害保险批次的新就业群体，每人每批次计一次，按登记时间所在日、本人登记区划"
        "计入。",
        source=enrolments, date_field="enrolled_at", region_field="worker__region",
        touched_by=(("stations.insurancebatch", "batch_id"),),
        columns=(("保险批次", "batch.name"), ("保险公司", "batch.insurer"),
                 ("登记时间", "enrolled_at")),
        sentence="为{value}名新就业群体购买意外伤害保障", seed="为1143名新就业群体购买意外伤害保障",
        perm=Perm.STATIONS_VIEW, order=14,
    ),
    Indicator(
        "stations.worker_demands", "新就业群体诉求", "件", "stations",
        "新就业群体通过随手拍反映的诉求（“新就业群体诉求”类别组的工单），按上报时间所在日计入。",
        source=worker_demands, date_field="submitted_at", dim_field="lead_department_id",
        columns=DEMAND_COLUMNS, sentence="受理新就业群体诉求{value}条",
        perm=Perm.STATIONS_VIEW, order=15,
    ),
    Indicator(
        "stations.worker_demands_resolved", "新就业群体诉求已解决", "件", "stations",
        "上述诉求中主办部门已办理完毕（已办理、已核实或已办结）的，与随手拍“已办理”同一口径，"
        "按上报时间所在日计入。",
        source=worker_demands_resolved, date_field="submitted_at",
        dim_field="lead_department_id", columns=DEMAND_COLUMNS,
        sentence="协调解决子女入学、劳动纠纷等诉求{value}条",
        seed="协调解决子女入学、劳动纠纷等诉求1320条", perm=Perm.STATIONS_VIEW, order=16,
    ),
    Indicator(
        "stations.vanguard_posts", "党员先锋岗、党员责任区", "个", "stations",
        "在岗的党员先锋岗和党员责任区，按设立日期计入：期末已设立且当前在岗的个数。",
        kind="stock", source=vanguard_posts, date_field="since",
        columns=(("名称", "name"), ("所属区划", "region.name"), ("设立日期", "since")),
        sentence="设立党员先锋岗、划分党员责任区{value}个",
        seed="在配送、物流、电商等重点领域设立党员先锋岗、划分党员责任区120个",
        perm=Perm.STATIONS_VIEW, order=17,
    ),
]  # fmt: skip
