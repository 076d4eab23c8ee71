"""The left menu by role: each entry names the permission it needs, and may name a predicate
that opens it to someone without that permission (a volunteer leading a team sees the team's
workbench pages)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.urls import NoReverseMatch, reverse
from django.utils.module_loading import import_string

from shegong.core.perms import Perm


@dataclass(frozen=True)
class MenuItem:
    label: str
    url_name: str
    icon: str
    perm: Perm | None = None
    superuser_only: bool = False
    # A dotted path to ``predicate(user) -> bool`` that shows the entry without ``perm``.
    or_if: str = ""


LEADS = "shegong.volunteers.queries.access.leads_a_team"

MENU: list[tuple[str, list[MenuItem]]] = [
    ("工作台", [MenuItem("首页", "home", "house", Perm.WORKBENCH)]),
    (
        "基础数据",
        [MenuItem("区划与网格", "regions:list", "map", Perm.REGIONS_VIEW)],
    ),
    (
        "台账与党建",
        [
            MenuItem("组织台账", "ledger:organizations", "building", Perm.LEDGER_VIEW),
            MenuItem("人员台账", "ledger:people", "person-vcard", Perm.LEDGER_VIEW),
            MenuItem("党组织", "ledger:party_orgs", "flag", Perm.LEDGER_VIEW),
            MenuItem("覆盖统计", "ledger:coverage", "pie-chart", Perm.LEDGER_VIEW),
            MenuItem(
                "应建未建", "ledger:should_establish", "exclamation-diamond", Perm.LEDGER_VIEW
            ),
            MenuItem("六清楚", "ledger:completeness", "list-check", Perm.LEDGER_VIEW),
            MenuItem("换届提醒", "ledger:reelection", "calendar-event", Perm.LEDGER_VIEW),
            MenuItem("回头看", "ledger:campaigns", "arrow-repeat", Perm.LEDGER_VIEW),
            MenuItem("我的核查任务", "ledger:my_tasks", "check2-square", Perm.LEDGER_VIEW),
            MenuItem("指导走访", "ledger:visits", "journal-text", Perm.LEDGER_VIEW),
            MenuItem("导入台账", "ledger:import", "upload", Perm.LEDGER_IMPORT),
        ],
    ),
    (
        "随手拍",
        [
            MenuItem("工单", "reports:queue", "inboxes", Perm.REPORTS_VIEW),
            MenuItem("派单台", "reports:dispatch", "signpost-split", Perm.REPORTS_DISPATCH),
            MenuItem("督办与三率", "reports:board", "speedometer2", Perm.REPORTS_SUPERVISE),
            MenuItem("监督员", "reports:appointments", "person-badge", Perm.REPORTS_VIEW),
            MenuItem("问题类别", "reports:categories", "tags", Perm.REPORTS_CONFIGURE),
            MenuItem("派单规则", "reports:routing", "diagram-3", Perm.REPORTS_CONFIGURE),
            MenuItem("回复模板", "reports:templates", "chat-left-text", Perm.REPORTS_CONFIGURE),
            MenuItem("Open311 密钥", "reports:api_keys", "key", Perm.REPORTS_CONFIGURE),
        ],
    ),
    (
        "暖新驿站",
        [
            MenuItem("驿站", "stations:list", "cup-hot", Perm.STATIONS_VIEW),
            MenuItem("新就业群体", "stations:workers", "bicycle", Perm.STATIONS_VIEW),
            MenuItem("服务人次", "stations:visits", "graph-up", Perm.STATIONS_VIEW),
            MenuItem("关爱活动", "stations:campaigns", "gift", Perm.STATIONS_VIEW),
            MenuItem("保险批次", "stations:insurance", "shield-check", Perm.STATIONS_VIEW),
            MenuItem("先锋岗与典型", "stations:vanguard", "award", Perm.STATIONS_VIEW),
        ],
    ),
    (
        "志愿服务",
        [
            MenuItem("志愿者", "volunteers:list", "people", Perm.VOLUNTEERS_VIEW),
            MenuItem("志愿服务队伍", "volunteers:teams", "flag", Perm.VOLUNTEERS_VIEW, or_if=LEADS),
            MenuItem(
                "志愿服务活动",
                "volunteers:activities",
                "calendar-check",
                Perm.VOLUNTEERS_VIEW,
                or_if=LEADS,
            ),
            MenuItem("活动审核", "volunteers:review", "clipboard-check", Perm.ACTIVITIES_REVIEW),
            MenuItem(
                "服务时长审核",
                "volunteers:records",
                "hourglass-split",
                Perm.VOLUNTEERS_VIEW,
                or_if=LEADS,
            ),
            MenuItem(
                "记录证明",
                "volunteers:certificates",
                "patch-check",
                Perm.VOLUNTEERS_VIEW,
                or_if=LEADS,
            ),
            MenuItem("志愿服务统计", "volunteers:statistics", "bar-chart", Perm.VOLUNTEERS_VIEW),
            MenuItem(
                "专业社工", "volunteers:social_workers", "person-workspace", Perm.VOLUNTEERS_VIEW
            ),
            MenuItem("技能目录", "volunteers:skills", "tools", Perm.VOLUNTEERS_MANAGE),
        ],
    ),
    (
        "系统管理",
        [
            MenuItem("账号管理", "accounts:users", "people", Perm.ACCOUNTS_VIEW),
            MenuItem("审计日志", "audit:list", "journal", Perm.AUDIT_VIEW),
            MenuItem("运行状态", "system:status", "activity", Perm.SYSTEM_VIEW),
        ],
    ),
    (
        "个人",
        [
            MenuItem("消息", "inbox:list", "bell"),
            MenuItem("访问令牌", "accounts:tokens", "key"),
            MenuItem("修改密码", "password_change", "lock"),
        ],
    ),
]


def menu_for(user: Any, current_path: str) -> list[dict[str, Any]]:
    groups = []
    answers: dict[str, bool] = {}  # each predicate asked once per page

    def opened(predicate: str) -> bool:
        if predicate not in answers:
            answers[predicate] = bool(predicate) and import_string(predicate)(user)
        return answers[predicate]

    for title, items in MENU:
        entries = []
        for item in items:
            if (
                item.perm is not None
                and not user.has_perm_in_scope(item.perm)
                and not opened(item.or_if)
            ):
                continue
            try:
                url = reverse(item.url_name)
            except NoReverseMatch:
                continue  # a page not built yet in this deployment
            active = current_path == url or (url != "/" and current_path.startswith(url))
            entries.append({"label": item.label, "url": url, "icon": item.icon, "active": active})
        if entries:
            groups.append({"title": title, "items": entries})
    # Only the longest matching entry is active: /reports/dispatch/ is 派单台, not also 工单.
    matches = [e for g in groups for e in g["items"] if e["active"]]
    for entry in matches:
        entry["active"] = entry["url"] == max((e["url"] for e in matches), key=len)
    return groups
