"""The left menu's entries of grants (each part adds its own) and the pages the audit trail links
its entries' objects to."""

from shegong.core.perms import Perm
from shegong.core.registry import MenuEntry, ObjectPage

FUND_GROUP = ("社区慈善基金", 67)

ENTRIES: list[MenuEntry] = [
    # 社区慈善基金 (part funds)
    MenuEntry(
        *FUND_GROUP, "基金与台账", "grants:funds", "piggy-bank", order=1, perm=Perm.FUNDS_VIEW
    ),
    MenuEntry(
        *FUND_GROUP,
        "支出审批",
        "grants:fund_spending_queue",
        "cash-coin",
        order=2,
        perm=Perm.FUNDS_VIEW,
    ),
]

OBJECT_PAGES: list[ObjectPage] = [
    # 社区慈善基金 (part funds)
    ObjectPage("grants.fund", "grants:fund"),
    ObjectPage("grants.spending", "grants:fund_spending"),
]
