"""§7's registrations: the screening and party worklists, the 党建 card on an organization's
page, and the year's figures on the statistics page (each linking to the list it counts)."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.urls import reverse

from shegong.core.perms import Perm
from shegong.core.registry import Todo

from . import screening_queries as sq
from .choices import SocialOrgStatus
from .models import LeadState
from .workbench import DetailPanel, Indicator, Worklist, detail_panels, indicators, worklists

MANAGE = Perm.SOCIALORGS_MANAGE


def _leads_count(state: str) -> Any:
    def count(user: Any) -> int:
        return sq.filtered_leads(user, sq.LeadFilter(state=state, sort=sq.OLDEST)).count()

    return count


def _unchartered(user: Any) -> int:
    return sq.party_charter_list(
        user, sq.PARTY_WITHOUT, status=SocialOrgStatus.NORMAL, sort=sq.OLDEST
    ).count()


def _should_establish(user: Any) -> int:
    return sq.should_establish(user, sort=sq.OLDEST).count()


worklists.add(
    Worklist("screening", Todo(
        "socialorgs.screening_unvisited", "待走访的非法社会组织线索",
        _leads_count(LeadState.UNVISITED), "socialorgs:screening_leads",
        query="state=unvisited&sort=oldest", order=560, perm=MANAGE, icon="search",
        hint="已登记、尚未走访核查",
    )),
    Worklist("screening", Todo(
        "socialorgs.screening_pending", "待处置的非法社会组织线索",
        _leads_count(LeadState.PENDING), "socialorgs:screening_leads",
        query="state=pending&sort=oldest", order=561, perm=MANAGE, icon="shield-exclamation",
        hint="已走访、尚无处置结果",
    )),
    Worklist("party", Todo(
        "socialorgs.party_should_establish", "应建未建党组织的社会组织", _should_establish,
        "socialorgs:party", query="show=should_establish&sort=oldest", order=565, perm=MANAGE,
        icon="flag", hint="正式党员3名以上、尚未单独组建党组织",
    )),
    Worklist("party", Todo(
        "socialorgs.party_unchartered", "未党建入章的社会组织", _unchartered, "socialorgs:party",
        query="show=without&status=normal&sort=oldest", order=566, perm=MANAGE, icon="journal-x",
        hint="登记状态正常、最新章程未写入党建工作内容",
    )),
)  # fmt: skip


def _panel(so: Any, user: Any) -> dict[str, Any] | None:
    if not user.has_perm_in_scope(Perm.SOCIALORGS_VIEW):
        return None
    return {"party": sq.guidance_of(so)}


detail_panels.add(
    DetailPanel("screening.party", "socialorgs/screening/party_panel.html", _panel, order=60,
                column="side"),
)  # fmt: skip


def _url(name: str, **params: Any) -> Any:
    def url(year: int) -> str:
        query = {k: (year if v == "{year}" else v) for k, v in params.items()}
        return reverse(name) + ("?" + urlencode(query) if query else "")

    return url


def _party_count(which: str) -> Any:
    def value(user: Any, year: int) -> int:
        if which == sq.GUIDED:
            return sq.instructor_figures(user)[1]
        if which == sq.INSTRUCTORS:
            return sq.instructor_figures(user)[0]
        return sq.party_charter_list(user, which).count()

    return value


indicators.add(
    Indicator(
        "screening.rounds", "非法社会组织排查轮次", "screening",
        lambda user, year: sq.rounds_in(user, year).count(), unit="轮", order=560,
        definition="当年开始的排查轮次数（按轮次开始日期计）",
        url=_url("socialorgs:screening_rounds", year="{year}"),
    ),
    Indicator(
        "screening.visits", "排查走访", "screening",
        lambda user, year: sq.visits(user, year=str(year)).count(), unit="家次", order=561,
        definition="当年走访日期在该年度的排查走访记录数（每次走访一个组织或场所）",
        url=_url("socialorgs:screening_visits", year="{year}"),
    ),
    Indicator(
        "screening.interviews", "约谈相关负责人", "screening",
        lambda user, year: sq.interviews(user, year=str(year)).count(), unit="人次", order=562,
        definition="当年约谈日期在该年度的约谈记录数",
        url=_url("socialorgs:screening_interviews", year="{year}"),
    ),
    Indicator(
        "screening.recovered", "挽回群众损失", "screening",
        lambda user, year: int(sq.year_figures(user, year)["recovered"]), unit="元", order=563,
        definition="当年办结（按办结日期）且挽回损失大于零的线索，其挽回群众损失金额之和；"
        "所链清单列出这些线索并显示合计",
        url=_url("socialorgs:screening_leads", year="{year}", recovered="1"),
    ),
    Indicator(
        "party.chartered", "党建入章的社会组织", "party", _party_count(sq.PARTY_WITH),
        order=565, definition="未撤销、吊销、注销的社会组织中，最新章程版本写入党建工作内容的"
        "组织数（当前状态，不分年度）",
        url=_url("socialorgs:party", show=sq.PARTY_WITH),
    ),
    Indicator(
        "party.instructors", "党建指导员", "party", _party_count(sq.INSTRUCTORS), unit="人",
        order=566, definition="当前派驻到已登记社会组织（台账派驻记录未结束）的不同党建指导员人数",
        url=_url("socialorgs:party", show=sq.INSTRUCTORS),
    ),
    Indicator(
        "party.guided", "党建指导员指导的社会组织", "party", _party_count(sq.GUIDED),
        order=567, definition="当前有党建指导员派驻（台账派驻记录未结束）的不同社会组织数",
        url=_url("socialorgs:party", show=sq.GUIDED),
    ),
)  # fmt: skip
