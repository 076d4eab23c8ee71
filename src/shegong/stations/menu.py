"""The left menu's 暖新驿站 group."""

from shegong.core.perms import Perm
from shegong.core.registry import MenuEntry, ObjectPage

GROUP = ("暖新驿站", 40)
VIEW = Perm.STATIONS_VIEW

ENTRIES = [
    MenuEntry(*GROUP, "驿站", "stations:list", "cup-hot", perm=VIEW),
    MenuEntry(*GROUP, "新就业群体", "stations:workers", "bicycle", perm=VIEW),
    MenuEntry(*GROUP, "服务人次", "stations:visits", "graph-up", perm=VIEW),
    MenuEntry(*GROUP, "关爱活动", "stations:campaigns", "gift", perm=VIEW),
    MenuEntry(*GROUP, "保险批次", "stations:insurance", "shield-check", perm=VIEW),
    MenuEntry(*GROUP, "先锋岗与典型", "stations:vanguard", "award", perm=VIEW),
]

# The pages the audit trail links its entries' objects to.
OBJECT_PAGES = [
    ObjectPage("stations.station", "stations:detail"),
    ObjectPage("stations.worker", "stations:worker"),
    ObjectPage("stations.carecampaign", "stations:campaign"),
    ObjectPage("stations.insurancebatch", "stations:insurance_batch"),
]
