"""Evidence bytes stored uncompressed out of line on PostgreSQL (STORAGE EXTERNAL), so a
download's SUBSTRING reads only the slice it asks for rather than decompressing the whole
file each time. (Evidence files are PDFs, Office files and images: compressed already.)
Files stored before this keep their old storage until rewritten; nothing else changes.
SQLite needs nothing."""

from django.db import migrations


def external_storage(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            "ALTER TABLE improvement_evidencefile ALTER COLUMN data SET STORAGE EXTERNAL"
        )


def default_storage(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            "ALTER TABLE improvement_evidencefile ALTER COLUMN data SET STORAGE EXTENDED"
        )


class Migration(migrations.Migration):
    dependencies = [("improvement", "0009_plan_evidence_settings")]

    operations = [migrations.RunPython(external_storage, default_storage)]
