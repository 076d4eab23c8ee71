"""The left menu's 社会组织 group."""

from shegong.core.perms import Perm
from shegong.core.registry import MenuEntry, ObjectPage

GROUP = ("社会组织", 55)
VIEW = Perm.SOCIALORGS_VIEW

ENTRIES = [
    MenuEntry(*GROUP, "登记管理工作台", "socialorgs:workbench", "kanban", order=0, perm=VIEW),
    MenuEntry(*GROUP, "社会组织登记", "socialorgs:list", "building", order=1, perm=VIEW),
    MenuEntry(*GROUP, "信用名录", "socialorgs:credit", "shield-exclamation", order=5, perm=VIEW),
    MenuEntry("本组织", 54, "本组织", "socialorgs:portal", "house-door", perm=Perm.ORG_PORTAL),
]

# The pages the audit trail links its entries' objects to.
OBJECT_PAGES = [
    ObjectPage("socialorgs.socialorg", "socialorgs:detail"),
]
