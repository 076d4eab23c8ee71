"""Database-level guard for 三员: one account never holds two of the system, security and audit
administrator roles, whatever writes the row (the actions refuse it first, in Chinese)."""

from django.db import migrations

SQLITE = [
    """CREATE TRIGGER accounts_membership_separated_insert BEFORE INSERT ON accounts_membership
WHEN NEW.role IN ('system_admin', 'security_admin', 'audit_admin') AND EXISTS (
    SELECT 1 FROM accounts_membership m WHERE m.user_id = NEW.user_id
    AND m.role IN ('system_admin', 'security_admin', 'audit_admin') AND m.role <> NEW.role)
BEGIN SELECT RAISE(ABORT, 'separated roles: one account holds at most one of the three'); END;""",
    """CREATE TRIGGER accounts_membership_separated_update BEFORE UPDATE ON accounts_membership
WHEN NEW.role IN ('system_admin', 'security_admin', 'audit_admin') AND EXISTS (
    SELECT 1 FROM accounts_membership m WHERE m.user_id = NEW.user_id AND m.id <> NEW.id
    AND m.role IN ('system_admin', 'security_admin', 'audit_admin') AND m.role <> NEW.role)
BEGIN SELECT RAISE(ABORT, 'separated roles: one account holds at most one of the three'); END;""",
]
POSTGRES = """
CREATE OR REPLACE FUNCTION accounts_membership_refuse_separated() RETURNS trigger AS $$
BEGIN
  IF NEW.role IN ('system_admin', 'security_admin', 'audit_admin') AND EXISTS (
      SELECT 1 FROM accounts_membership m WHERE m.user_id = NEW.user_id
      AND m.id IS DISTINCT FROM NEW.id
      AND m.role IN ('system_admin', 'security_admin', 'audit_admin') AND m.role <> NEW.role)
  THEN
    RAISE EXCEPTION 'separated roles: one account holds at most one of the three'
      USING ERRCODE = 'check_violation';
  END IF;
  RETURN NEW;
END; $$ LANGUAGE plpgsql;
CREATE TRIGGER accounts_membership_separated BEFORE INSERT OR UPDATE ON accounts_membership
FOR EACH ROW EXECUTE FUNCTION accounts_membership_refuse_separated();
"""


def forwards(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "sqlite":
        for statement in SQLITE:
            schema_editor.execute(statement)
    elif vendor == "postgresql":
        schema_editor.execute(POSTGRES)


def backwards(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "sqlite":
        for event in ("insert", "update"):
            schema_editor.execute(f"DROP TRIGGER IF EXISTS accounts_membership_separated_{event}")
    elif vendor == "postgresql":
        schema_editor.execute(
            "DROP TRIGGER IF EXISTS accounts_membership_separated ON accounts_membership; "
            "DROP FUNCTION IF EXISTS accounts_membership_refuse_separated();"
        )


class Migration(migrations.Migration):
    dependencies = [("accounts", "0004_separated_admin_roles")]
    operations = [migrations.RunPython(forwards, backwards)]
