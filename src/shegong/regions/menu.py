"""The left menu's 基础数据 group."""

from shegong.core.perms import Perm
from shegong.core.registry import MenuEntry, ObjectPage

GROUP = ("基础数据", 10)

ENTRIES = [MenuEntry(*GROUP, "区划与网格", "regions:list", "map", perm=Perm.REGIONS_VIEW)]

# The pages the audit trail links its entries' objects to.
OBJECT_PAGES = [
    ObjectPage("regions.region", "regions:detail"),
]
