"""Audit events get a salt (see ``AuditEvent.salt``).

Added with a plain ``ALTER TABLE … ADD COLUMN`` on both databases: Django's own AddField rebuilds
the table on SQLite, which would drop the append-only triggers of ``0002`` with the old table.
"""

from django.db import migrations, models

ADD = "ALTER TABLE workflow_auditevent ADD COLUMN salt varchar(32) DEFAULT '' NOT NULL"
DROP = "ALTER TABLE workflow_auditevent DROP COLUMN salt"


class Migration(migrations.Migration):
    dependencies = [("workflow", "0008_audit_search_checkpoints")]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[migrations.RunSQL(ADD, DROP)],
            state_operations=[
                migrations.AddField(
                    model_name="auditevent",
                    name="salt",
                    field=models.CharField(blank=True, db_default="", default="", max_length=32),
                ),
            ],
        ),
    ]
