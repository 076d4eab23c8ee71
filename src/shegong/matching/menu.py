"""The left menu's 需求对接 group (each part of matching adds its own entries)."""

from shegong.core.perms import Perm
from shegong.core.registry import MenuEntry

GROUP = ("需求对接", 60)
VIEW = Perm.MATCHING_VIEW

ENTRIES = [
    MenuEntry(*GROUP, "对接统计", "matching:statistics", "bar-chart", order=90, perm=VIEW),
]
