"""The left menu's 需求对接 group (each part of matching adds its own entries)."""

from shegong.core.perms import Perm
from shegong.core.registry import MenuEntry, ObjectPage

GROUP = ("需求对接", 45)
VIEW = Perm.MATCHING_VIEW

ENTRIES = [
    MenuEntry(*GROUP, "需求清单", "matching:needs", "list-check", order=10, perm=VIEW),
    MenuEntry(*GROUP, "供给清单", "matching:offers", "shop", order=11, perm=VIEW),
    MenuEntry(*GROUP, "服务目录", "matching:catalogue", "journal-text", order=12, perm=VIEW),
    MenuEntry(*GROUP, "派单设置", "matching:settings", "sliders", order=13, perm=VIEW),
    MenuEntry(
        *GROUP, "常态化服务", "matching:standing_list", "calendar-check", order=50, perm=VIEW
    ),
    MenuEntry(*GROUP, "对接统计", "matching:statistics", "bar-chart", order=90, perm=VIEW),
]

OBJECT_PAGES = [
    ObjectPage("matching.standingorder", "matching:standing"),
]
