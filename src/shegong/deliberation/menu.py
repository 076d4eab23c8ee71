"""The left menu's 议事厅 group (each part of deliberation adds its own entries)."""

from shegong.core.perms import Perm
from shegong.core.registry import MenuEntry, ObjectPage

GROUP = ("议事厅", 65)
VIEW = Perm.DELIBERATION_VIEW

ENTRIES: list[MenuEntry] = [
    MenuEntry(*GROUP, "议事统计", "deliberation:statistics", "bar-chart", order=90, perm=VIEW),
]

# The pages the audit trail links its entries' objects to.
OBJECT_PAGES: list[ObjectPage] = []
