"""The left menu's 随手拍 group."""

from shegong.core.perms import Perm
from shegong.core.registry import MenuEntry, ObjectPage

GROUP = ("随手拍", 30)
CONFIGURE = Perm.REPORTS_CONFIGURE

ENTRIES = [
    MenuEntry(*GROUP, "工单", "reports:queue", "inboxes", perm=Perm.REPORTS_VIEW),
    MenuEntry(*GROUP, "派单台", "reports:dispatch", "signpost-split", perm=Perm.REPORTS_DISPATCH),
    MenuEntry(*GROUP, "督办与三率", "reports:board", "speedometer2", perm=Perm.REPORTS_SUPERVISE),
    MenuEntry(*GROUP, "监督员", "reports:appointments", "person-badge", perm=Perm.REPORTS_VIEW),
    MenuEntry(*GROUP, "问题类别", "reports:categories", "tags", perm=CONFIGURE),
    MenuEntry(*GROUP, "派单规则", "reports:routing", "diagram-3", perm=CONFIGURE),
    MenuEntry(*GROUP, "回复模板", "reports:templates", "chat-left-text", perm=CONFIGURE),
    MenuEntry(*GROUP, "Open311 密钥", "reports:api_keys", "key", perm=CONFIGURE),
]

# The pages the audit trail links its entries' objects to.
OBJECT_PAGES = [
    ObjectPage("reports.report", "reports:detail"),
    ObjectPage("reports.category", "reports:category_edit"),
    ObjectPage("reports.responsetemplate", "reports:template_edit"),
    ObjectPage("reports.appointment", "reports:appointments", pk=False),
    ObjectPage("reports.routingrule", "reports:routing", pk=False),
]
