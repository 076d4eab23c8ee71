"""The left menu's 志愿服务 group. A volunteer leading a team has no workbench role, yet sees the
team's pages (teams, activities, hours review, certificates)."""

from shegong.core.perms import Perm
from shegong.core.registry import MenuEntry, ObjectPage
from shegong.volunteers.queries.access import leads_a_team

GROUP = ("志愿服务", 50)
VIEW = Perm.VOLUNTEERS_VIEW
LEADS = leads_a_team

ENTRIES = [
    MenuEntry(*GROUP, "志愿者", "volunteers:list", "people", perm=VIEW),
    MenuEntry(*GROUP, "志愿服务队伍", "volunteers:teams", "flag", perm=VIEW, or_if=LEADS),
    MenuEntry(
        *GROUP, "志愿服务活动", "volunteers:activities", "calendar-check", perm=VIEW, or_if=LEADS
    ),
    MenuEntry(
        *GROUP, "活动审核", "volunteers:review", "clipboard-check", perm=Perm.ACTIVITIES_REVIEW
    ),
    MenuEntry(
        *GROUP, "服务时长审核", "volunteers:records", "hourglass-split", perm=VIEW, or_if=LEADS
    ),
    MenuEntry(*GROUP, "记录证明", "volunteers:certificates", "patch-check", perm=VIEW, or_if=LEADS),
    MenuEntry(
        *GROUP,
        "服务记录异议",
        "volunteers:disputes",
        "exclamation-diamond",
        perm=VIEW,
        or_if=LEADS,
    ),
    MenuEntry(*GROUP, "星级认定", "volunteers:star_awards", "star", perm=VIEW),
    MenuEntry(*GROUP, "志愿服务统计", "volunteers:statistics", "bar-chart", perm=VIEW),
    MenuEntry(*GROUP, "专业社工", "volunteers:social_workers", "person-workspace", perm=VIEW),
    MenuEntry(*GROUP, "技能目录", "volunteers:skills", "tools", perm=Perm.VOLUNTEERS_MANAGE),
]

# The pages the audit trail links its entries' objects to.
OBJECT_PAGES = [
    ObjectPage("volunteers.volunteer", "volunteers:volunteer"),
    ObjectPage("volunteers.team", "volunteers:team"),
    ObjectPage("volunteers.socialworker", "volunteers:social_worker"),
    ObjectPage("volunteers.activity", "volunteers:activity"),
    ObjectPage("volunteers.servicerecord", "volunteers:record"),
    ObjectPage("volunteers.certificate", "volunteers:certificate"),
    ObjectPage("volunteers.certificaterequest", "volunteers:certificates", pk=False),
    ObjectPage("volunteers.recorddispute", "volunteers:dispute"),
    ObjectPage("volunteers.certificateissuer", "volunteers:issuers", pk=False),
    ObjectPage("volunteers.training", "volunteers:training"),
    ObjectPage("volunteers.staraward", "volunteers:star_award"),
]
