"""§5's registrations: the 换届 and dormant worklists, the organization page's card, the portal
section and the statistics figures. Every count is the query of the list it links to."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone

from shegong.core.perms import Perm
from shegong.core.registry import Todo

from . import terms
from .choices import SocialOrgType
from .models import DormantCase, Election, ExtensionState, SocialOrg, StepKind, TermExtension
from .workbench import (
    DetailPanel,
    Indicator,
    PortalSection,
    Worklist,
    detail_panels,
    indicators,
    portal_sections,
    worklists,
)

# --- the lists' queries (the pages and the counts share them) -------------------------------


def term_list(user: Any, state: str) -> QuerySet[SocialOrg]:
    qs = SocialOrg.objects.visible_to(user).select_related("organization__region")
    return terms.term_orgs(qs, state).order_by("term_end", "pk")


def extension_list(user: Any, state: str = "") -> QuerySet[TermExtension]:
    qs = TermExtension.objects.visible_to(user).select_related("social_org__organization__region")
    return (qs.filter(state=state) if state else qs).order_by("requested_at", "pk")


def election_list(
    user: Any, state: str = "", year: int | None = None, org_type: str = ""
) -> QuerySet[Election]:
    qs = Election.objects.visible_to(user).select_related("social_org__organization__region")
    if state == "open":
        qs = terms.open_elections(qs)
    elif state == "completed":
        qs = qs.filter(completed_on__isnull=False)
    if year:
        qs = terms.completed_elections(qs, year)
    if org_type:
        qs = qs.filter(social_org__org_type=org_type)
    return qs.order_by("opened_on", "pk")


def dormant_list(user: Any, state: str = "", year: int | None = None) -> QuerySet[DormantCase]:
    qs = DormantCase.objects.visible_to(user).select_related("social_org__organization__region")
    return qs.filter(terms.dormant_filter(state, timezone.localdate(), year)).order_by(
        "opened_on", "pk"
    )


TERM_WORKLISTS = [
    ("due6", "任期届满前6个月", "换届提醒：本届任期6个月内届满", 10),
    ("due3", "任期届满前3个月", "换届提醒：本届任期3个月内届满", 11),
    ("late", "逾期未换届", "任期已届满且无已批准的延期（含严重逾期）", 12),
]

for _state, _label, _hint, _order in TERM_WORKLISTS:
    worklists.add(
        Worklist(
            "election",
            Todo(
                key=f"socialorgs.election.{_state}",
                label=_label,
                hint=_hint,
                count=lambda user, s=_state: term_list(user, s).count(),
                url_name="socialorgs:election_terms",
                query=f"state={_state}&sort=oldest",
                order=500 + _order,
                perm=Perm.SOCIALORGS_MANAGE,
                icon="calendar-event",
            ),
            on_home=_state == "late",
        )
    )

worklists.add(
    Worklist(
        "election",
        Todo(
            key="socialorgs.election.extensions",
            label="延期换届待审批",
            hint="组织提出的延期换届申请",
            count=lambda user: extension_list(user, ExtensionState.PENDING).count(),
            url_name="socialorgs:election_extensions",
            query="state=pending&sort=oldest",
            order=513,
            perm=Perm.SOCIALORGS_MANAGE,
            icon="hourglass-split",
        ),
    ),
    Worklist(
        "election",
        Todo(
            key="socialorgs.election.open",
            label="换届进行中",
            hint="已启动、尚未备案的换届",
            count=lambda user: election_list(user, "open").count(),
            url_name="socialorgs:election_list",
            query="state=open&sort=oldest",
            order=514,
            perm=Perm.SOCIALORGS_MANAGE,
            icon="people",
        ),
        on_home=False,
    ),
    Worklist(
        "dormant",
        Todo(
            key="socialorgs.dormant.todo",
            label="僵尸型社会组织待处置",
            hint="排查发现、尚未结案（含限期整改中）",
            count=lambda user: dormant_list(user, "todo").count(),
            url_name="socialorgs:dormant_list",
            query="state=todo&sort=oldest",
            order=520,
            perm=Perm.SOCIALORGS_MANAGE,
            icon="moon",
        ),
    ),
    Worklist(
        "dormant",
        Todo(
            key="socialorgs.dormant.notice_due",
            label="拟撤销公告期满待决定",
            hint="60日公告期已满",
            count=lambda user: dormant_list(user, "notice_due").count(),
            url_name="socialorgs:dormant_list",
            query="state=notice_due&sort=oldest",
            order=521,
            perm=Perm.SOCIALORGS_MANAGE,
            icon="megaphone",
        ),
    ),
)


# --- the organization page's card and the portal ---------------------------------------------


def panel_context(so: SocialOrg, user: Any) -> dict[str, Any] | None:
    from .actions.election import next_step

    state = terms.term_state(so)
    election = so.elections.filter(completed_on__isnull=True).first()
    step = next_step(election) if election else None
    last = so.elections.filter(completed_on__isnull=False).order_by("-completed_on").first()
    return {
        "term_state": state,
        "term_label": terms.TERM_STATES.get(state, "未登记任期"),
        "election": election,
        "steps": list(election.steps.select_related("done_by")) if election else [],
        "next_step": step,
        "next_label": dict(StepKind.choices).get(step or "", ""),
        "last_election": last,
        "extensions": list(so.term_extensions.order_by("-requested_at")[:5]),
        "case": so.dormant_cases.order_by("-opened_on", "-pk").first(),
        "closed": so.status in ("cancelled", "revoked", "deregistered"),
        "today": timezone.localdate(),
    }


detail_panels.add(
    DetailPanel(
        "election", "socialorgs/election_panel.html", panel_context, order=50, column="main"
    )
)


def portal_summary(so: SocialOrg) -> str:
    state = terms.term_state(so)
    if not state:
        return "尚未登记任期"
    return f"本届任期{so.term_end:%Y-%m-%d}届满：{terms.TERM_STATES[state]}"


portal_sections.add(
    PortalSection(
        "election",
        "换届",
        "socialorgs:portal_election",
        icon="people",
        order=50,
        summary=portal_summary,
    )
)


# --- the statistics figures ------------------------------------------------------------------


def _elections_url(year: int) -> str:
    return (
        reverse("socialorgs:election_list") + f"?year={year}&org_type={SocialOrgType.ASSOCIATION}"
    )


def _cleared_url(year: int) -> str:
    return reverse("socialorgs:dormant_list") + f"?state=concluded&year={year}"


indicators.add(
    Indicator(
        key="elections_completed",
        label="指导社会团体完成换届",
        section="election",
        value=lambda user, year: election_list(user, "", year, SocialOrgType.ASSOCIATION).count(),
        order=50,
        url=_elections_url,
        definition="当年完成换届（备案步骤登记日期在当年）的社会团体数；只计社会团体。",
    ),
    Indicator(
        key="dormant_cleared",
        label="清理僵尸型社会组织",
        section="dormant",
        value=lambda user, year: dormant_list(user, "concluded", year).count(),
        order=51,
        url=_cleared_url,
        definition=(
            "当年结案的僵尸型社会组织案件数：处置结果为撤销登记、吊销登记证书或注销登记，"
            "或经限期整改后整改完成（恢复正常活动）的。"
        ),
    ),
)
