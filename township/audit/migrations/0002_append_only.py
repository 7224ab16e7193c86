"""The database refuses changing audit events and deleting any younger than six months, so the application
cannot edit its own trail (the retention job deletes only what is older)."""

from django.db import migrations

CREATE = """
CREATE FUNCTION audit_auditevent_guard() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'UPDATE' OR OLD.at > now() - interval '183 days' THEN
        RAISE EXCEPTION 'audit_auditevent: % of event % refused', TG_OP, OLD.id
            USING ERRCODE = 'restrict_violation',
                  HINT = 'Audit events are kept unchanged for at least six months.';
    END IF;
    RETURN OLD;
END;
$$;
CREATE TRIGGER audit_auditevent_protected
    BEFORE UPDATE OR DELETE ON audit_auditevent
    FOR EACH ROW EXECUTE FUNCTION audit_auditevent_guard();
"""

DROP = """
DROP TRIGGER IF EXISTS audit_auditevent_protected ON audit_auditevent;
DROP FUNCTION IF EXISTS audit_auditevent_guard();
"""


class Migration(migrations.Migration):
    dependencies = [("audit", "0001_initial")]

    operations = [migrations.RunSQL(CREATE, reverse_sql=DROP)]
