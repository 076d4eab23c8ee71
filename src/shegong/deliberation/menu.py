"""The left menu's 议事厅 group (each part of deliberation adds its own entries)."""

from shegong.core.perms import Perm
from shegong.core.registry import MenuEntry, ObjectPage

GROUP = ("议事厅", 65)
VIEW = Perm.DELIBERATION_VIEW

ENTRIES: list[MenuEntry] = [
    # meetings (议事会)
    MenuEntry(*GROUP, "议事会", "deliberation:meetings", "people", order=20, perm=VIEW),
]

# The pages the audit trail links its entries' objects to.
OBJECT_PAGES: list[ObjectPage] = [
    ObjectPage("deliberation.meeting", "deliberation:meeting"),
]
