"""On PostgreSQL the database itself keeps the audit log append-only: UPDATE is refused, and
DELETE only for events older than 183 days (the retention purge). TRUNCATE (test set-up, a full
restore into an empty database) is not a row operation and stays possible for the owner.

SQLite has no such guard: there the model and its queryset refuse updates and deletes."""

from django.db import migrations

CREATE = """
CREATE OR REPLACE FUNCTION governance_portal_audit_guard() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'UPDATE' THEN
        RAISE EXCEPTION 'the audit log cannot be rewritten';
    END IF;
    IF TG_OP = 'DELETE' AND OLD.at > now() - interval '183 days' THEN
        RAISE EXCEPTION 'audit events are kept at least 183 days';
    END IF;
    RETURN OLD;
END
$$ LANGUAGE plpgsql;
DROP TRIGGER IF EXISTS governance_portal_audit_guard ON governance_portal_auditevent;
CREATE TRIGGER governance_portal_audit_guard
    BEFORE UPDATE OR DELETE ON governance_portal_auditevent
    FOR EACH ROW EXECUTE FUNCTION governance_portal_audit_guard();
"""

DROP = """
DROP TRIGGER IF EXISTS governance_portal_audit_guard ON governance_portal_auditevent;
DROP FUNCTION IF EXISTS governance_portal_audit_guard();
"""


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP)


class Migration(migrations.Migration):
    dependencies = [("governance_portal", "0002_audit_and_login_throttle")]

    operations = [migrations.RunPython(forwards, backwards)]
