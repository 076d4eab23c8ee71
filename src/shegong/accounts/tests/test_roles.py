from pathlib import Path

from shegong.core.perms import PERMISSIONS, Perm, Role, permissions_markdown

DOC = Path(__file__).resolve().parents[4] / "docs" / "roles.md"


def test_docs_roles_md_shows_the_permission_table_from_code():
    assert permissions_markdown() in DOC.read_text(encoding="utf-8")


def test_every_role_has_a_row_and_only_district_and_system_admins_see_the_system_page():
    assert set(PERMISSIONS) == set(Role)
    holders = {role for role, perms in PERMISSIONS.items() if Perm.SYSTEM_VIEW in perms}
    assert holders == {Role.DISTRICT_ADMIN, Role.SYSTEM_ADMIN}


def test_only_the_audit_admin_reads_the_full_audit_trail():
    holders = {role for role, perms in PERMISSIONS.items() if Perm.AUDIT_FULL in perms}
    assert holders == {Role.AUDIT_ADMIN}


def test_the_three_separated_roles_share_no_duty():
    duties = {
        Role.SYSTEM_ADMIN: {Perm.ACCOUNTS_MANAGE, Perm.REGIONS_MANAGE},
        Role.SECURITY_ADMIN: {Perm.ROLES_GRANT, Perm.SECURITY_MANAGE},
        Role.AUDIT_ADMIN: {Perm.AUDIT_VIEW, Perm.AUDIT_FULL},
    }
    for role, own in duties.items():
        assert own <= PERMISSIONS[role]
        for other, theirs in duties.items():
            if other != role:
                assert not theirs & PERMISSIONS[role], (role, other)
