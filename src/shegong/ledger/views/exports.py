"""Excel exports for reporting upward: 覆盖统计, 六清楚 and 回头看 progress.

Each writes the same figures its page shows, from the same scoped query, through the kit's
``audited_xlsx`` (one ``LEDGER_EXPORTED`` audit entry: who took which table out, how many rows,
with which filters). No personal data: organizations, regions and counts; the 回头看 progress
names its reviewers masked, as the page does.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from django.http import HttpResponse

from shegong.core import excel
from shegong.core.audit import Verb
from shegong.web.exports import audited_xlsx

from .. import rules
from ..choices import CoverageMode, OrgKind, ReviewOutcome
from ..models import ReviewCampaign
from ..queries import campaigns as campaign_queries
from ..queries import coverage as queries
from ..rules import CoverageCounts, GroupCounts


def _rate(value: float | None) -> float | str:
    return "—" if value is None else value


# Per group of kinds (``choices.CoverageGroup``), after the group's name: the figures of its
# rates, each over the group's own active units.
GROUP_COLUMNS = (
    ("在营单位", 10),
    ("组织覆盖（单独+联合组建）", 14),
    ("组织覆盖率（%）", 14),
    ("单独组建", 10),
    ("单独组建率（%）", 14),
    ("工作覆盖率（%）", 14),
)


# --- 覆盖统计 -----------------------------------------------------------------------------------


def coverage_xlsx(user: Any, summary: queries.CoverageSummary) -> HttpResponse:
    """The page's 分区划统计 table (counts), its 合计 row, then one row per kind of organization;
    beside the counts, each group's rates (非公企业, 社会组织, 个体工商户, each over its own
    units) for every region and the 合计 row. A kind's row has counts only: its rates are its
    group's."""
    modes = list(CoverageMode)
    groups = list(summary.groups)
    group_labels = {g: c.label for g, c in summary.groups.items()}
    columns = [
        excel.Column("区划", 22), excel.Column("在营单位", 10), excel.Column("有党员", 10),
        excel.Column(f"≥{rules.RULES.establish_min_full_members}名正式党员", 14),
        *(excel.Column(m.label, 10) for m in modes),
        excel.Column("应建未建", 10), excel.Column("有党员未覆盖", 12),
        *(
            excel.Column(f"{group_labels[g]}{title}", width)
            for g in groups
            for title, width in GROUP_COLUMNS
        ),
    ]  # fmt: skip

    def line(label: str, c: CoverageCounts, by_group: dict[str, GroupCounts] | None) -> list[Any]:
        rates: list[Any] = []
        for g in groups:
            if by_group is None:
                rates += [""] * len(GROUP_COLUMNS)
                continue
            gc = by_group[g]
            rates += [
                gc.units, gc.organization_covered, _rate(gc.organization_rate), gc.standalone,
                _rate(gc.standalone_rate), _rate(gc.work_rate),
            ]  # fmt: skip
        return [
            label, c.units, c.with_members, c.with_three_full,
            *(c.by_mode.get(m.value, 0) for m in modes),
            c.should_establish, c.members_uncovered, *rates,
        ]  # fmt: skip

    def rows() -> Iterator[list[Any]]:
        for row in summary.rows:
            yield line(row.name, row.counts, row.groups)
        yield line("合计", summary.total, summary.groups)
        kinds = dict(OrgKind.choices)
        for kind, counts in summary.by_kind.items():
            yield line(f"其中：{kinds.get(kind, kind)}", counts, None)

    region = summary.region
    return audited_xlsx(
        user, verb=Verb.LEDGER_EXPORTED, table="coverage",
        title=f"党建覆盖统计{'-' + region.name if region else ''}", sheet_name="覆盖统计",
        columns=columns, rows=rows(),
        filters={"region": region.code if region else "", "kind": summary.kind},
    )  # fmt: skip


# --- 六清楚 ------------------------------------------------------------------------------------


def completeness_xlsx(user: Any, orgs: Any, filters: dict[str, str]) -> HttpResponse:
    """The 六清楚 worklist as filtered: each organization's score, each section, what is
    missing."""
    kinds = dict(OrgKind.choices)
    streets = queries.street_names(user)
    columns = [
        excel.Column("单位", 32), excel.Column("统一社会信用代码", 22), excel.Column("类型", 10),
        excel.Column("街道", 12), excel.Column("社区/网格", 18), excel.Column("得分", 8),
        *(excel.Column(label, 12) for _, label in rules.SECTIONS), excel.Column("缺项", 60),
    ]  # fmt: skip

    def rows() -> Iterator[list[Any]]:
        for org in orgs.iterator(chunk_size=2000):
            c = queries.completeness_of(org)
            yield [
                org.name, org.credit_code or "", kinds.get(org.kind, org.kind),
                queries.street_of(org.region_id, streets), org.region.name, c.score,
                *("齐全" if c.is_complete(key) else "缺" for key, _ in rules.SECTIONS),
                "；".join(c.missing_items),
            ]  # fmt: skip

    return audited_xlsx(
        user, verb=Verb.LEDGER_EXPORTED, table="completeness", title="六清楚完整度",
        sheet_name="六清楚", columns=columns, rows=rows(), filters=filters,
    )  # fmt: skip


# --- 回头看 progress ----------------------------------------------------------------------------


def campaign_progress_xlsx(user: Any, campaign: ReviewCampaign) -> HttpResponse:
    """A campaign's progress by street, its total, then by reviewer: the page's tables."""
    tasks = campaign.tasks.all()
    columns = [
        excel.Column("分组", 10), excel.Column("街道/核查人", 20), excel.Column("任务", 8),
        excel.Column("已完成", 8), excel.Column("完成率（%）", 12), excel.Column("逾期", 8),
        *(excel.Column(o.label, 10) for o in ReviewOutcome),
    ]  # fmt: skip

    def line(group: str, p: campaign_queries.Progress) -> list[Any]:
        return [
            group, p.label, p.total, p.done, p.percent, p.overdue,
            *(n for _, n in p.outcome_counts),
        ]  # fmt: skip

    def rows() -> Iterator[list[Any]]:
        for p in campaign_queries.progress_by_street(tasks):
            yield line("按街道", p)
        total = campaign_queries.campaign_progress(campaign)
        total.label = "合计"
        yield line("合计", total)
        for p in campaign_queries.progress_by_assignee(tasks):
            yield line("按核查人", p)

    return audited_xlsx(
        user, verb=Verb.LEDGER_EXPORTED, table="campaign_progress",
        title=f"回头看进度-{campaign.name}", sheet_name="回头看进度", columns=columns,
        rows=rows(), target=campaign, filters={"campaign": campaign.pk},
    )  # fmt: skip
