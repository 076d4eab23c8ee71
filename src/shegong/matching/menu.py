"""The left menu's 需求对接 group."""

from shegong.core.perms import Perm
from shegong.core.registry import MenuEntry

GROUP = ("需求对接", 55)
VIEW = Perm.MATCHING_VIEW

ENTRIES = [
    MenuEntry(*GROUP, "需求清单", "matching:needs", "list-check", order=10, perm=VIEW),
    MenuEntry(*GROUP, "供给清单", "matching:offers", "shop", order=11, perm=VIEW),
    MenuEntry(*GROUP, "服务目录", "matching:catalogue", "journal-text", order=12, perm=VIEW),
    MenuEntry(*GROUP, "派单设置", "matching:settings", "sliders", order=13, perm=VIEW),
]
