"""The credit lists' registrations (issue 14 §4): the workbench's worklists (section "credit"),
the organization page's 信用状况 card, the portal's 信用状况 section and the public lookup."""

from __future__ import annotations

from typing import Any

from shegong.core.perms import Perm
from shegong.core.registry import Todo

from . import credit_queries
from .workbench import (
    DetailPanel,
    PortalSection,
    PublicPage,
    Worklist,
    detail_panels,
    portal_sections,
    public_pages,
    worklists,
)


def _counter(state: str) -> Any:
    def count(user: Any) -> int:
        return credit_queries.filtered(user, state=state, sort="oldest").count()

    return count


def _panel(so: Any, user: Any) -> dict[str, Any]:
    from .views.credit import panel_context

    return panel_context(so, user)


def _summary(so: Any) -> str:
    from .views.credit import portal_summary

    return portal_summary(so)


worklists.add(
    Worklist(
        "credit",
        Todo(
            key="socialorgs.credit_recent",
            label="近7日新列入信用名录",
            count=_counter("recent"),
            url_name="socialorgs:credit",
            query="state=recent&sort=oldest",
            order=530,
            perm=Perm.SOCIALORGS_MANAGE,
            icon="exclamation-diamond",
            hint="系统扫描新列入活动异常名录、严重违法失信名单的社会组织",
        ),
    ),
    Worklist(
        "credit",
        Todo(
            key="socialorgs.credit_due",
            label="待移出活动异常名录",
            count=_counter("due"),
            url_name="socialorgs:credit",
            query="state=due&sort=oldest",
            order=531,
            perm=Perm.SOCIALORGS_MANAGE,
            icon="box-arrow-right",
            hint="整改已核实，或列入满6个月且无需整改",
        ),
    ),
    Worklist(
        "credit",
        Todo(
            key="socialorgs.credit_eligible",
            label="可申请移出严重违法失信名单",
            count=_counter("eligible"),
            url_name="socialorgs:credit",
            query="state=eligible&sort=oldest",
            order=532,
            perm=Perm.SOCIALORGS_MANAGE,
            icon="shield-check",
            hint="列入严重违法失信名单满2年（撤销、吊销的除外）",
        ),
    ),
)
detail_panels.add(
    DetailPanel("credit", "socialorgs/credit_panel.html", _panel, order=30, column="main")
)
portal_sections.add(
    PortalSection(
        "credit",
        "信用状况",
        "socialorgs:portal_credit",
        icon="shield-exclamation",
        order=30,
        summary=_summary,
    )
)
public_pages.add(
    PublicPage(
        "credit",
        "社会组织信用查询",
        "socialorgs_public:credit",
        description="按名称或统一社会信用代码查询活动异常名录、严重违法失信名单",
        icon="shield-exclamation",
        order=20,
    )
)
