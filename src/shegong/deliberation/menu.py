"""The left menu's 议事厅 group (each part of deliberation adds its own entries)."""

from shegong.core.perms import Perm
from shegong.core.registry import MenuEntry, ObjectPage

GROUP = ("议事厅", 65)
VIEW = Perm.DELIBERATION_VIEW

ENTRIES: list[MenuEntry] = [
    # topics
    MenuEntry(*GROUP, "议题", "deliberation:topics", "chat-square-text", order=1, perm=VIEW),
    MenuEntry(*GROUP, "议事设置", "deliberation:settings", "sliders", order=80, perm=VIEW),
    MenuEntry(*GROUP, "议题类别", "deliberation:categories", "tags", order=81, perm=VIEW),
    # meetings (议事会)
    MenuEntry(*GROUP, "议事会", "deliberation:meetings", "people", order=20, perm=VIEW),
    # 落地实事
    MenuEntry(*GROUP, "落地实事", "deliberation:actions", "check2-square", order=30, perm=VIEW),
    # the numbers
    MenuEntry(*GROUP, "议事统计", "deliberation:statistics", "bar-chart", order=90, perm=VIEW),
]

# The pages the audit trail links its entries' objects to.
OBJECT_PAGES: list[ObjectPage] = [
    ObjectPage("deliberation.topic", "deliberation:topic"),
    ObjectPage("deliberation.meeting", "deliberation:meeting"),
    # 落地实事
    ObjectPage("deliberation.actionitem", "deliberation:action"),
]
