"""The left menu's groups of grants (公益创投, 社区慈善基金) and the pages the audit trail links
their objects to."""

from shegong.core.perms import Perm
from shegong.core.registry import MenuEntry, ObjectPage

GRANTS_GROUP = ("公益创投", 70)
FUND_GROUP = ("社区慈善基金", 67)

ENTRIES: tuple[MenuEntry, ...] = (
    # 公益创投
    MenuEntry(*GRANTS_GROUP, "申报与评审", "grants:calls", "award", order=1, perm=Perm.GRANTS_VIEW),
    MenuEntry(*GRANTS_GROUP, "资格审查", "grants:checks", "clipboard-check", order=2,
              perm=Perm.GRANTS_MANAGE),
    MenuEntry(*GRANTS_GROUP, "评审工作台", "grants:reviews", "pencil-square", order=3,
              perm=Perm.GRANTS_REVIEW),
    MenuEntry(*GRANTS_GROUP, "拨付队列", "grants:tranches", "cash-coin", order=4,
              perm=Perm.GRANTS_VIEW),
    MenuEntry(*GRANTS_GROUP, "公益创投申报", "grants:portal", "send", order=5,
              perm=Perm.ORG_PORTAL),
    # 社区慈善基金
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
)  # fmt: skip

OBJECT_PAGES: tuple[ObjectPage, ...] = (
    ObjectPage("grants.call", "grants:call"),
    ObjectPage("grants.application", "grants:application"),
    ObjectPage("grants.project", "grants:project"),
    # 社区慈善基金
    ObjectPage("grants.fund", "grants:fund"),
    ObjectPage("grants.spending", "grants:fund_spending"),
)
