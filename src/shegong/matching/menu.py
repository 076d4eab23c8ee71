"""The left menu's 需求对接 group (each part of matching adds its own entries)."""

from shegong.core.perms import Perm
from shegong.core.registry import MenuEntry, ObjectPage

GROUP = ("需求对接", 60)
VIEW = Perm.MATCHING_VIEW

ENTRIES = [
    MenuEntry(*GROUP, "派单台", "matching:board", "kanban", order=1, perm=VIEW),
    MenuEntry(*GROUP, "未满足需求", "matching:unmet", "hourglass-split", order=2, perm=VIEW),
    MenuEntry(*GROUP, "服务订单", "matching:orders", "list-ul", order=3, perm=VIEW),
    MenuEntry(*GROUP, "需求清单", "matching:needs", "list-check", order=10, perm=VIEW),
    MenuEntry(*GROUP, "供给清单", "matching:offers", "shop", order=11, perm=VIEW),
    MenuEntry(*GROUP, "服务目录", "matching:catalogue", "journal-text", order=12, perm=VIEW),
    MenuEntry(*GROUP, "派单设置", "matching:settings", "sliders", order=13, perm=VIEW),
    MenuEntry(
        *GROUP, "常态化服务", "matching:standing_list", "calendar-check", order=50, perm=VIEW
    ),
    MenuEntry(*GROUP, "对接统计", "matching:statistics", "bar-chart", order=90, perm=VIEW),
]

# The pages the audit trail links its entries' objects to.
OBJECT_PAGES = [
    ObjectPage("matching.order", "matching:order"),
    ObjectPage("matching.standingorder", "matching:standing"),
]
