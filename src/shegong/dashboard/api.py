"""/api/v1/dashboard/: the indicators the caller may see (with their definitions), and their
figures for a region of the caller's scope and a period — the dashboard's own numbers
(``board``). A region outside the scope is 404; a bad period or an unknown code 400."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema

from shegong.core import registry
from shegong.core.perms import Perm, require_perm
from shegong.core.schemas import problem_responses

from . import board
from .board import BadSelection

router = Router()
ERRORS = problem_responses(400, 401, 403, 404, 422, 429)


class DashboardIndicatorOut(Schema):
    code: str
    name: str
    unit: str
    section: str
    section_title: str
    kind: str = Field(description="flow（期间发生）、stock（期末存量）或 rate（比率，百分比）")
    definition: str
    numerator: str = ""
    denominator: str = ""


class DashboardFiguresQuery(Schema):
    codes: str = Field("", max_length=2000, description="指标代码，逗号分隔（默认：全部可见指标）")
    region: str | None = Field(None, max_length=15, description="区划代码（默认：本人工作范围）")
    period: str | None = Field(
        None, max_length=12, description="month（本月，默认）、last_month、quarter、year、custom"
    )
    start: str | None = Field(None, max_length=10, description="自定义开始日期 YYYY-MM-DD")
    end: str | None = Field(None, max_length=10, description="自定义结束日期 YYYY-MM-DD")


class DashboardFigureOut(Schema):
    code: str
    name: str
    unit: str
    value: float | None = Field(description="统计期数值；比率为百分比，无分母时为空")
    previous: float | None = Field(description="上一个等长统计期的数值")


class DashboardFiguresOut(Schema):
    region: str
    region_name: str
    start: str
    end: str
    rolled_at: str | None = Field(description="数据截至（汇总时间）")
    figures: list[DashboardFigureOut]


@router.get(
    "/indicators",
    response={200: list[DashboardIndicatorOut], **ERRORS},
    summary="看板指标及口径",
    operation_id="dashboard_indicators",
)
def indicators(request: HttpRequest) -> Any:
    """本人角色可查看的指标，按看板分组顺序，含口径说明。"""
    require_perm(request.auth, Perm.DASHBOARD_VIEW)
    return [
        {
            "code": i.code, "name": i.name, "unit": i.unit, "section": i.section,
            "section_title": registry.INDICATOR_SECTIONS[i.section], "kind": i.kind,
            "definition": i.definition, "numerator": i.numerator, "denominator": i.denominator,
        }
        for i in board.visible(request.auth)
    ]  # fmt: skip


@router.get(
    "/figures",
    response={200: DashboardFiguresOut, **ERRORS},
    summary="看板数字",
    operation_id="dashboard_figures",
)
def figures(request: HttpRequest, filters: Query[DashboardFiguresQuery]) -> Any:
    """所选区域（本人工作范围及以下）和统计期的指标数值，以及上一个等长统计期的数值。"""
    require_perm(request.auth, Perm.DASHBOARD_VIEW)
    visible = {i.code: i for i in board.visible(request.auth)}
    wanted = [c.strip() for c in filters.codes.split(",") if c.strip()]
    unknown = [c for c in wanted if c not in visible]
    if unknown:
        raise BadSelection.field("codes", f"未知指标或无权查看：{'、'.join(unknown)}")
    chosen = [visible[c] for c in wanted] if wanted else list(visible.values())
    params = {k: v for k, v in filters.dict().items() if v not in (None, "")}
    sel = board.select(request.auth, params)
    cards = board.cards(sel, chosen, [])
    rolled = board.rolled_at()
    return {
        "region": sel.region_code, "region_name": sel.region_name,
        "start": sel.period.start.isoformat(), "end": sel.period.end.isoformat(),
        "rolled_at": rolled.isoformat() if rolled else None,
        "figures": [
            {"code": c.code, "name": c.indicator.name,
             "unit": "%" if c.indicator.kind == "rate" else c.indicator.unit,
             "value": c.value, "previous": c.previous}
            for c in cards
        ],
    }  # fmt: skip
