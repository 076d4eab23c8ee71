from pathlib import Path

from shegong.core.perms import PERMISSIONS, Perm, Role, permissions_markdown

DOC = Path(__file__).resolve().parents[4] / "docs" / "roles.md"


def test_docs_roles_md_shows_the_permission_table_from_code():
    assert permissions_markdown() in DOC.read_text(encoding="utf-8")


def test_every_role_has_a_row_and_only_district_admins_see_the_system_page():
    assert set(PERMISSIONS) == set(Role)
    holders = {role for role, perms in PERMISSIONS.items() if Perm.SYSTEM_VIEW in perms}
    assert holders == {Role.DISTRICT_ADMIN}
