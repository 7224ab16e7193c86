"""The database itself refuses UPDATE and DELETE of timeline entries (TRUNCATE stays possible for tests)."""

from django.db import migrations

CREATE = """
CREATE FUNCTION casework_timelineentry_refuse_change() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'casework_timelineentry is append-only: % of entry % refused', TG_OP, OLD.id
        USING ERRCODE = 'restrict_violation',
              HINT = 'Timeline entries are evidence; add a new entry instead.';
END;
$$;
CREATE TRIGGER casework_timelineentry_append_only
    BEFORE UPDATE OR DELETE ON casework_timelineentry
    FOR EACH ROW EXECUTE FUNCTION casework_timelineentry_refuse_change();
"""

DROP = """
DROP TRIGGER IF EXISTS casework_timelineentry_append_only ON casework_timelineentry;
DROP FUNCTION IF EXISTS casework_timelineentry_refuse_change();
"""


class Migration(migrations.Migration):
    dependencies = [("casework", "0001_initial")]

    operations = [migrations.RunSQL(CREATE, reverse_sql=DROP)]
