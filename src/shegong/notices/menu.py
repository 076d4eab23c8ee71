"""The left menu's 公示 group and the audit trail's object pages of notices."""

from shegong.core.perms import Perm
from shegong.core.registry import MenuEntry, ObjectPage

GROUP = ("公示", 68)
VIEW = Perm.NOTICES_VIEW

ENTRIES: list[MenuEntry] = [
    MenuEntry(*GROUP, "公示管理", "notices:notices", "megaphone", order=1, perm=VIEW),
    MenuEntry(*GROUP, "异议处理", "notices:objections", "chat-left-dots", order=2, perm=VIEW),
]

OBJECT_PAGES: list[ObjectPage] = [
    ObjectPage("notices.notice", "notices:notice"),
    ObjectPage("notices.objection", "notices:objection"),
]
