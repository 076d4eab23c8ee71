"""The accounts' entries of the left menu, in the shell's 系统管理 and 个人 groups."""

from shegong.core.perms import Perm
from shegong.core.registry import MenuEntry, ObjectPage
from shegong.web.menu import PERSONAL, SYSTEM

ENTRIES = [
    MenuEntry(*SYSTEM, "账号管理", "accounts:users", "people", order=10, perm=Perm.ACCOUNTS_VIEW),
    MenuEntry(*PERSONAL, "访问令牌", "accounts:tokens", "key", order=20),
    MenuEntry(*PERSONAL, "修改密码", "password_change", "lock", order=30),
    MenuEntry(*PERSONAL, "两步验证", "otp_manage", "shield-lock", order=40),
]

# The pages the audit trail links its entries' objects to.
OBJECT_PAGES = [
    ObjectPage("accounts.user", "accounts:user"),
]
