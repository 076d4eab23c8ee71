"""The left menu's 社会组织 group."""

from shegong.core.perms import Perm
from shegong.core.registry import MenuEntry, ObjectPage
from shegong.ledger.choices import OWNED_ELSEWHERE_PAGE

from .supervision import supervises_any

GROUP = ("社会组织", 55)
VIEW = Perm.SOCIALORGS_VIEW

ENTRIES = [
    MenuEntry(*GROUP, "登记管理工作台", "socialorgs:workbench", "kanban", order=0, perm=VIEW),
    MenuEntry(*GROUP, "社会组织登记", "socialorgs:list", "building", order=1, perm=VIEW),
    MenuEntry(*GROUP, "年检年报", "socialorgs:inspections", "clipboard-check", order=3, perm=VIEW),
    MenuEntry(*GROUP, "统计分析", "socialorgs:stats", "bar-chart-line", order=90, perm=VIEW),
    # §7 screening and party building
    MenuEntry(
        *GROUP, "非法社会组织排查", "socialorgs:screening_leads", "search", order=70, perm=VIEW
    ),
    MenuEntry(*GROUP, "社会组织党建", "socialorgs:party", "flag", order=71, perm=VIEW),
    # registration events (§2)
    MenuEntry(
        *GROUP, "登记事项申请", "socialorgs:applications", "file-earmark-text", order=2, perm=VIEW
    ),
    MenuEntry(*GROUP, "信用名录", "socialorgs:credit", "shield-exclamation", order=5, perm=VIEW),
    # the business supervisor's 初审: no permission of the role opens it, only supervising an
    # organization (a department membership; see supervision.py)
    MenuEntry(
        *GROUP,
        "业务主管单位初审",
        "socialorgs:supervision",
        "clipboard-check",
        order=4,
        or_if=supervises_any,
    ),
    MenuEntry("本组织", 54, "本组织", "socialorgs:portal", "house-door", perm=Perm.ORG_PORTAL),
]

# The pages the audit trail links its entries' objects to.
OBJECT_PAGES = [
    ObjectPage("socialorgs.socialorg", "socialorgs:detail"),
    ObjectPage("socialorgs.annualreport", "socialorgs:inspection"),
    # The ledger's page of a social organization links to its record here (by the ledger pk).
    ObjectPage(OWNED_ELSEWHERE_PAGE, "socialorgs:by_organization"),
    ObjectPage("socialorgs.application", "socialorgs:application"),
]
