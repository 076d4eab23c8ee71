"""The app's own registries: the registrar's worklists and the organization portal's sections.

Each part of the registrar's work (events, inspection, credit lists, 换届, dormant clean-up,
charities, screening) registers here from its own module, and the two pages only iterate:

- ``worklists``: ``core.registry.Todo`` items shown, grouped by ``section``, on the registrar
  workbench (``/socialorgs/workbench/``); each is also a to-do on the home page's 待办 panel
  (``apps.ready`` adds them to ``core.registry.todos``). As everywhere, ``count(user)`` is the
  very query of the list it links to.
- ``portal_sections``: what an ``org_account`` user sees on ``/socialorgs/portal/``: a title, the
  page it opens and a one-line status of their organization (``summary(social_org)``).
- ``report_listeners``: the parts that act on a filed annual report (the charity part takes a
  charity's figures from it); the inspection actions call ``announce_report``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from shegong.core.registry import Registry, Todo, resolve

# The workbench's sections, in order (a worklist or an indicator names one of these keys).
SECTIONS: dict[str, str] = {
    "records": "登记概况",
    "events": "登记事项办理",
    "inspection": "年检年报",
    "credit": "信用名录",
    "election": "换届管理",
    "dormant": "僵尸型社会组织清理",
    "charity": "慈善组织与募捐",
    "screening": "非法社会组织排查",
    "party": "党建工作",
}


@dataclass(frozen=True)
class Worklist:
    """A worklist on the registrar's workbench: ``todo`` counted and linked as on the home page,
    under the section ``section``. ``on_home`` adds it to the home page's 待办 panel too."""

    section: str
    todo: Todo
    on_home: bool = True

    @property
    def key(self) -> str:
        return self.todo.key

    @property
    def order(self) -> int:
        return self.todo.order


@dataclass(frozen=True)
class PortalSection:
    """A card on the organization portal: ``title`` opening ``url_name`` (no arguments: the
    portal pages act on the account's own organization); ``summary(social_org)`` is a short
    status line ("2025年度年报：已提交，待初审") or "" ."""

    key: str
    title: str
    url_name: str
    icon: str = "folder2-open"
    order: int = 0
    summary: Callable[[Any], str] | None = field(default=None, compare=False)


worklists: Registry[Worklist] = Registry("socialorgs.worklists")
portal_sections: Registry[PortalSection] = Registry("socialorgs.portal_sections")


@dataclass(frozen=True)
class DetailPanel:
    """A card on an organization's page (``/socialorgs/<pk>/``): ``template`` rendered with
    ``context(social_org, user)`` (None leaves the card out) plus ``so`` and ``can_manage``.
    ``column`` is "main" (left, wide) or "side"."""

    key: str
    template: str
    context: Callable[[Any, Any], dict[str, Any] | None]
    order: int = 0
    column: str = "main"


detail_panels: Registry[DetailPanel] = Registry("socialorgs.detail_panels")


@dataclass(frozen=True)
class Indicator:
    """A figure of the registrar's year on the statistics page (``/socialorgs/stats/``): ``value(
    user, year)`` counted in the user's scope for ``year``: a count, a rate as its ``(numerator,
    denominator)`` (the page shows "89 / 99 = 89.9%"), or None when it does not apply.
    ``url(year)`` is the list whose total equals the count — for a rate, the numerator's list —
    and ``denominator_url(year)`` the denominator's (the numbers walk follows both).
    ``definition`` is the sentence of docs/metrics.md (numerator, denominator, period).

    ``regional``: the figure can be narrowed to a region of the user's scope (the page's
    区划 filter); then ``value(user, year, region)``, ``url(year, region)`` and
    ``denominator_url(year, region)`` take the region's code ("" = the whole scope). A figure
    that is not regional shows "—" while a region is chosen. ``featured`` puts it in the row of
    key figures at the top of the registrar's workbench."""

    key: str
    label: str
    section: str
    value: Callable[..., int | tuple[int, int] | None]
    unit: str = "家"
    order: int = 0
    definition: str = ""
    url: Callable[..., str] | None = field(default=None, compare=False)
    denominator_url: Callable[..., str] | None = field(default=None, compare=False)
    regional: bool = False
    featured: bool = False


@dataclass(frozen=True)
class PublicPage:
    """A public page of the registrar's (no login): 年检结果公告, 信用查询, 公告 … listed on
    ``/public/socialorgs/``."""

    key: str
    title: str
    url_name: str
    description: str = ""
    icon: str = "megaphone"
    order: int = 0


indicators: Registry[Indicator] = Registry("socialorgs.indicators")
public_pages: Registry[PublicPage] = Registry("socialorgs.public_pages")


@dataclass(frozen=True)
class ReportListener:
    """A part listening to the annual report (the inspection part announces it): ``on_report(
    report, event, actor)`` runs inside the announcing action's transaction when a report is
    ``"submitted"`` (first filing, or filed again after a return) or ``"concluded"``. It may
    write the listening part's own rows (through that part's action code, not a verb of its own:
    it must not open a durable transaction) and returns a short summary for the announcing
    verb's one audit entry, or None when the report is nothing to it. ``on_report`` may be a
    dotted path, imported on first use."""

    key: str
    on_report: Callable[..., dict[str, Any] | None] | str
    order: int = 0


report_listeners: Registry[ReportListener] = Registry("socialorgs.report_listeners")

REPORT_EVENTS = ("submitted", "concluded")


def announce_report(report: Any, event: str, *, actor: Any) -> dict[str, Any]:
    """Tell every listening part that ``report`` was ``event``; their summaries by key (for the
    announcing action's audit entry)."""
    if event not in REPORT_EVENTS:
        raise ValueError(f"unknown report event {event!r}")
    said: dict[str, Any] = {}
    for listener in report_listeners:
        summary = resolve(listener.on_report)(report, event, actor=actor)
        if summary is not None:
            said[listener.key] = summary
    return said
