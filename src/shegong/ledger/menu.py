"""The left menu's 台账与党建 group."""

from shegong.core.perms import Perm
from shegong.core.registry import MenuEntry, ObjectPage

GROUP = ("台账与党建", 20)
VIEW = Perm.LEDGER_VIEW

ENTRIES = [
    MenuEntry(*GROUP, "组织台账", "ledger:organizations", "building", perm=VIEW),
    MenuEntry(*GROUP, "人员台账", "ledger:people", "person-vcard", perm=VIEW),
    MenuEntry(*GROUP, "党组织", "ledger:party_orgs", "flag", perm=VIEW),
    MenuEntry(*GROUP, "覆盖统计", "ledger:coverage", "pie-chart", perm=VIEW),
    MenuEntry(*GROUP, "应建未建", "ledger:should_establish", "exclamation-diamond", perm=VIEW),
    MenuEntry(*GROUP, "六清楚", "ledger:completeness", "list-check", perm=VIEW),
    MenuEntry(*GROUP, "换届提醒", "ledger:reelection", "calendar-event", perm=VIEW),
    MenuEntry(*GROUP, "回头看", "ledger:campaigns", "arrow-repeat", perm=VIEW),
    MenuEntry(*GROUP, "我的核查任务", "ledger:my_tasks", "check2-square", perm=VIEW),
    MenuEntry(*GROUP, "指导走访", "ledger:visits", "journal-text", perm=VIEW),
    MenuEntry(*GROUP, "导入台账", "ledger:import", "upload", perm=Perm.LEDGER_IMPORT),
]

# The pages the audit trail links its entries' objects to.
OBJECT_PAGES = [
    ObjectPage("ledger.organization", "ledger:organization"),
    ObjectPage("ledger.person", "ledger:person"),
    ObjectPage("ledger.partyorganization", "ledger:party_org"),
    ObjectPage("ledger.reviewcampaign", "ledger:campaign"),
    ObjectPage("ledger.reviewtask", "ledger:task"),
]
