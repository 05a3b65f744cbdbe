"""The status timeline's range index (issue 13): on PostgreSQL, a GiST index on each row's
dates as a range, carrying the columns the pages read, so "every subject's state as at D"
is one index-only range lookup costing the rows found, not a scan of the whole history
(`status_timeline.HoldsOn` writes the condition it answers). Other databases keep the
unique (subject, valid_from) indexes."""

from django.db import migrations

INDEX = "status_interval_holds_on"
TABLE = "improvement_statusinterval"


def create_index(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(
        f"CREATE INDEX IF NOT EXISTS {INDEX} ON {TABLE} "
        "USING gist (daterange(valid_from, valid_to, '[)')) "
        "INCLUDE (action_id, objective_id, status, latest_on, latest_update_id, rated_on, "
        "rated_update_id, valid_from, valid_to)"
    )
    schema_editor.execute(f"ANALYZE {TABLE}")


def drop_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX IF EXISTS {INDEX}")


class Migration(migrations.Migration):
    dependencies = [
        ("improvement", "0019_several_labels_per_status_and_numbered_references"),
    ]

    operations = [migrations.RunPython(create_index, drop_index)]
