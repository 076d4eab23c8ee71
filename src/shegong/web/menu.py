"""The left menu: the entries every app registered (``core.registry.menu``), filtered by the
user's permissions, grouped and ordered."""

from __future__ import annotations

from typing import Any

from django.urls import NoReverseMatch, reverse

from shegong.core import registry
from shegong.core.perms import Perm, may_manage_calendar
from shegong.core.registry import MenuEntry


def menu_for(user: Any, current_path: str) -> list[dict[str, Any]]:
    """The groups and entries ``user`` may see, the one for ``current_path`` marked active."""
    answers: dict[Any, bool] = {}  # each predicate asked once per page

    def opened(predicate: Any) -> bool:
        if predicate is None:
            return False
        if predicate not in answers:
            answers[predicate] = bool(predicate(user))
        return answers[predicate]

    groups: dict[str, tuple[int, list[tuple[int, int, dict[str, Any]]]]] = {}
    for position, entry in enumerate(registry.menu):
        if entry.perm is None and entry.or_if is not None:
            if not opened(entry.or_if):
                continue  # no permission opens it: only the predicate
        elif (
            entry.perm is not None
            and not user.has_perm_in_scope(entry.perm)
            and not opened(entry.or_if)
        ):
            continue
        try:
            url = reverse(entry.url_name)
        except NoReverseMatch:
            continue  # a page not built yet in this deployment
        active = current_path == url or (url != "/" and current_path.startswith(url))
        item = {"label": entry.label, "url": url, "icon": entry.icon, "active": active}
        _, items = groups.setdefault(entry.group, (entry.group_order, []))
        items.append((entry.order, position, item))
    ordered = sorted(groups.items(), key=lambda pair: pair[1][0])
    result: list[dict[str, Any]] = [
        {"title": title, "items": [item for _, _, item in sorted(items, key=lambda t: t[:2])]}
        for title, (_, items) in ordered
    ]
    # Only the longest matching entry is active: /reports/dispatch/ is 派单台, not also 工单.
    matches = [e for g in result for e in g["items"] if e["active"]]
    for match in matches:
        match["active"] = match["url"] == max((e["url"] for e in matches), key=len)
    return result


def opened_by_role_of_their_own(user: Any) -> bool:
    """Whether ``user`` reaches a workbench page through an entry's ``or_if`` rather than a
    permission of their role: a volunteer leading a team (no workbench role) runs the team's
    pages there. The shell asks this without knowing which app opened them."""
    return any(
        entry.perm is not None
        and entry.or_if is not None
        and not user.has_perm_in_scope(entry.perm)
        and entry.or_if(user)
        for entry in registry.menu
    )


# The groups several apps add entries to: (title, order). Each app's own group is declared in
# its menu.py; the order places it (regions 10, ledger 20, reports 30, stations 40 …).
WORKBENCH = ("工作台", 0)
SYSTEM = ("系统管理", 900)
PERSONAL = ("个人", 1000)

ENTRIES = [
    MenuEntry(*WORKBENCH, "首页", "home", "house", perm=Perm.WORKBENCH),
    MenuEntry(*SYSTEM, "审计日志", "audit:list", "journal", order=20, perm=Perm.AUDIT_VIEW),
    MenuEntry(*SYSTEM, "运行状态", "system:status", "activity", order=30, perm=Perm.SYSTEM_VIEW),
    MenuEntry(
        *SYSTEM, "节假日日历", "system:calendar", "calendar3", order=40, or_if=may_manage_calendar
    ),
    MenuEntry(*PERSONAL, "消息", "inbox:list", "bell", order=10),
]
