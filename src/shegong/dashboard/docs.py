"""docs/indicators.md, written from the indicator registry so that the words and the code cannot
drift apart: ``render()`` gives the page, ``shegong indicators --write`` stores it, and a test
fails when the stored page differs from ``render()``."""

from __future__ import annotations

from pathlib import Path

from shegong.core import registry
from shegong.core.registry import INDICATOR_SECTIONS, Indicator

DOC_PATH = Path("docs") / "indicators.md"
FIX_COMMAND = "PYTHONPATH=src .venv/bin/shegong indicators --write"

KINDS = {
    "flow": "flow（期间发生量）",
    "stock": "stock（期末存量）",
    "rate": "rate（比率，%）",
    "sum": "sum（各项之和）",
}

PREAMBLE = f"""\
# Indicators (指标): the dashboard's figures and the work brief's numbers

<!-- Generated from the indicator registry by src/shegong/dashboard/docs.py; do not edit by
hand. After changing an app's indicators.py, run: {FIX_COMMAND} -->

Every number of the dashboard (数据看板), the big screen (大屏) and the work brief (工作简报) is
one registered indicator (`shegong.core.registry.Indicator`): each app declares its own in its
`indicators.py` and registers them in `AppConfig.ready()`; the dashboard knows the domains only
through this registry. This page lists them all, by the brief's sections, with the definition
each figure is counted by, the sentence of the brief that prints it and the seed sentence it
reproduces.

## How a figure is counted

- **flow** (期间发生量): what happened in a period — the records whose date falls on one of the
  period's days, counted (or their `measure` summed). "本年开展活动 N 场次" is a flow.
- **stock** (期末存量): what stands at the period's end — the records that started on or before
  the last day and had not ended by it (their end date empty or later). "现有社会组织 N 家" is
  a stock; its figure for a month is the value at the month's end, not a sum over the month.
- **rate** (比率): a numerator ÷ a denominator, two flow (or stock) indicators over the same
  period, in per cent with one decimal; empty (—) when the denominator is 0.
- **sum** (各项之和): the sum of its parts, indicators of the same kind and unit counted from
  different records (never rolled up itself).
- **Cohorts**: both parts of a rate count the *same records*, dated by the same date (a case's
  submission, 上报时间): the closure rate of March is "of the cases submitted in March, how
  many are closed", so numerator ≤ denominator always holds, and a case finished later moves the
  figures of the month it was submitted in, never of another month.
- **人次 vs 人数**: 人次 counts services or visits (the same person served twice counts twice)
  and adds up across days and regions like any flow. 人数 counts people, each once: it is only
  ever a count of records that stand one per person (a stock such as the registered volunteers),
  never a sum of 人次, and the page labels each figure with its unit.
- **Dates and regions**: a date is the local date (Asia/Shanghai) of the indicator's date field;
  a record counts in the community its region belongs to (a grid's records in its community),
  and a street's or the district's figure is the sum of its communities'. A grid's own figures
  (a 网格员's dashboard, brief and drill-down) are counted from the grid's records directly: a
  grid holds few, and the rollups stop at the community.

## Rollups

The dashboard never counts raw records on a page view above a grid. It reads the **rollups**
(`dashboard.Rollup`): one row per (indicator, community, day) holding the day's amount (a flow)
or the day's change (a stock: +1 on the start date, −1 on the end date), and one row per
(indicator, community, month), the sum of the month's day rows. A period's figure reads whole
months from the month rows and the ragged ends from the day rows, so a year in a district reads
a few thousand rows whatever the number of records (`dashboard/figures.py`).

- **Built from the raw records**: a day of an indicator is always deleted and rewritten whole
  from the records in one transaction, so re-running it gives the same rows. `shegong rollup`
  rebuilds everything from each indicator's first record (the backfill); `--from`/`--to` and
  `--indicator` limit it to a range or to some indicators.
- **Incremental, from the audit trail**: every action writes an audit entry naming its target.
  Every few minutes the worker reads the entries since the last position, maps each target to
  the days its records count on (each indicator's source, plus its `touched_by` lookups), and
  rolls only those days; the position is stored in the same transaction as the rows, so a crash
  repeats a step and never skips one.
- **Drift check**: each night the last 31 days' rows are compared with the raw records and any
  drifted day is rolled again (and logged); `shegong rollup --check [--from D --to D]` and
  `shegong check` report differences without writing.
- **Drill-down**: the records behind a figure are the indicator's source filtered by the period
  and the region, the same definition as the rollup's; the list shows the indicator's columns,
  never a person's name or number unmasked.
"""


def _source(indicator: Indicator) -> str:
    """What a flow or stock counts, in a line: the model, its date, the measure, the breakdown."""
    model = indicator.queryset().model
    parts = [f"`{model._meta.label}`（{model._meta.verbose_name}）"]
    dates = f"`{indicator.date_field}`"
    if indicator.kind == "stock" and indicator.end_field:
        dates += f" 至 `{indicator.end_field}`"
    parts.append(f"日期 {dates}")
    parts.append(f"区划 `{indicator.region_field}`")
    parts.append(f"求和 `{indicator.measure}`" if indicator.measure else "计数")
    if indicator.dim_field:
        parts.append(f"分组 `{indicator.dim_field}`")
    return "，".join(parts)


def _name(code: str) -> str:
    part = registry.indicators.get(code)
    return f"{part.name}（`{code}`）" if part is not None else f"`{code}`（未登记）"


def _indicator(indicator: Indicator) -> list[str]:
    kind = KINDS.get(indicator.kind, indicator.kind)
    lines = [
        f"#### {indicator.name}",
        "",
        f"- 代码：`{indicator.code}`；单位：{indicator.unit}；类型：{kind}",
        f"- 口径：{indicator.definition}",
    ]
    if indicator.kind == "rate":
        lines.append(f"- 分子：{_name(indicator.numerator)}")
        lines.append(f"- 分母：{_name(indicator.denominator)}")
    elif indicator.kind == "sum":
        parts = getattr(indicator, "parts", ())
        lines.append(f"- 各项之和：{' ＋ '.join(_name(code) for code in parts)}")
    else:
        lines.append(f"- 数据来源：{_source(indicator)}")
        if indicator.touched_by:
            touched = "、".join(
                f"`{label}`（`{lookup}`）" for label, lookup in indicator.touched_by
            )
            lines.append(f"- 随以下对象的变更重算：{touched}")
    if indicator.sentence:
        lines.append(f"- 简报句式：「{indicator.sentence}」")
    if indicator.seed:
        lines.append(f"- 对应原文：「{indicator.seed}」")
    lines.append("")
    return lines


def render() -> str:
    """The whole page, from the registered indicators (sections in the brief's order)."""
    lines = [PREAMBLE]
    by_section: dict[str, list[Indicator]] = {key: [] for key in INDICATOR_SECTIONS}
    others: list[Indicator] = []
    for indicator in registry.indicators:
        by_section.get(indicator.section, others).append(indicator)
    total = sum(len(items) for items in by_section.values()) + len(others)
    lines.append("## The indicators\n")
    lines.append(f"{total} indicators are registered, by the brief's sections.\n")
    for key, title in INDICATOR_SECTIONS.items():
        lines.append(f"### {title}（`{key}`）\n")
        items = by_section[key]
        if not items:
            lines.append("（暂无登记的指标）\n")
        for indicator in items:
            lines.extend(_indicator(indicator))
    if others:
        lines.append("### 未归入栏目的指标\n")
        for indicator in others:
            lines.extend(_indicator(indicator))
    return "\n".join(lines).rstrip("\n") + "\n"


def write(root: Path) -> Path:
    """Store the page at ``root``/docs/indicators.md; returns its path."""
    path = root / DOC_PATH
    path.write_text(render(), encoding="utf-8")
    return path
