"""The left menu's 需求对接 group."""

from shegong.core.perms import Perm
from shegong.core.registry import MenuEntry, ObjectPage

GROUP = ("需求对接", 60)
VIEW = Perm.MATCHING_VIEW

ENTRIES = [
    MenuEntry(*GROUP, "派单台", "matching:board", "kanban", order=1, perm=VIEW),
    MenuEntry(*GROUP, "未满足需求", "matching:unmet", "hourglass-split", order=2, perm=VIEW),
    MenuEntry(*GROUP, "服务订单", "matching:orders", "list-ul", order=3, perm=VIEW),
]

# The pages the audit trail links its entries' objects to.
OBJECT_PAGES = [ObjectPage("matching.order", "matching:order")]
