"""Timeline heads: refuse deleting one or moving it back; fill them from the existing timelines. Case
numbers of applications continue from the serials they used to borrow from the document sequences."""

from django.db import migrations

GUARD = """
CREATE FUNCTION casework_timelinehead_guard() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE' OR NEW.seq < OLD.seq THEN
        RAISE EXCEPTION 'casework_timelinehead: % of head % refused', TG_OP, OLD.id
            USING ERRCODE = 'restrict_violation',
                  HINT = 'Timeline heads only move forward with new entries.';
    END IF;
    RETURN NEW;
END;
$$;
CREATE TRIGGER casework_timelinehead_forward_only
    BEFORE UPDATE OR DELETE ON casework_timelinehead
    FOR EACH ROW EXECUTE FUNCTION casework_timelinehead_guard();
"""

UNGUARD = """
DROP TRIGGER IF EXISTS casework_timelinehead_forward_only ON casework_timelinehead;
DROP FUNCTION IF EXISTS casework_timelinehead_guard();
"""

FILL_HEADS = """
INSERT INTO casework_timelinehead (content_type_id, object_id, seq, entry_hash)
SELECT DISTINCT ON (content_type_id, object_id) content_type_id, object_id, seq, entry_hash
FROM casework_timelineentry
ORDER BY content_type_id, object_id, seq DESC
ON CONFLICT (content_type_id, object_id) DO NOTHING;
"""

FILL_SERIALS = """
INSERT INTO casework_caseserial (township_id, series, year, last_serial)
SELECT township_id, 'SQ', year, last_serial FROM documents_documentsequence WHERE doc_type = 'application'
ON CONFLICT (township_id, series, year) DO NOTHING;
"""


class Migration(migrations.Migration):
    dependencies = [
        ("casework", "0003_caseserial_deadline_timelinehead_urging"),
        ("documents", "0001_initial"),
    ]

    operations = [
        migrations.RunSQL(GUARD, reverse_sql=UNGUARD),
        migrations.RunSQL(FILL_HEADS, reverse_sql=migrations.RunSQL.noop),
        migrations.RunSQL(FILL_SERIALS, reverse_sql=migrations.RunSQL.noop),
    ]
