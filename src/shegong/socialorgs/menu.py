"""The left menu's 社会组织 group."""

from shegong.core.perms import Perm
from shegong.core.registry import MenuEntry, ObjectPage

GROUP = ("社会组织", 55)
VIEW = Perm.SOCIALORGS_VIEW

ENTRIES = [
    MenuEntry(*GROUP, "社会组织登记", "socialorgs:list", "building", perm=VIEW),
]

# The pages the audit trail links its entries' objects to.
OBJECT_PAGES = [
    ObjectPage("socialorgs.socialorg", "socialorgs:detail"),
]
