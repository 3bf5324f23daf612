"""``manage.py audit_anchor``: anchor the audit log now and print the anchor's hash.

The auditor writes the printed hash down outside the system (e.g. in the minutes of the
meeting that reviewed the accounts); ``manage.py audit_verify --anchor HASH`` later proves
that the log still holds everything that was there. stdout carries the hash alone, so it
can be piped or copied; the summary goes to stderr. When nothing was recorded since the
last anchor, that anchor's hash is printed again.
"""

from django.core.management.base import BaseCommand
from django.utils import timezone

from workflow.audit.anchor import create_anchor


class Command(BaseCommand):
    help = "创建审计锚点并输出其哈希 Anchor the audit log now and print the anchor hash (keep it outside the system)."

    def handle(self, *args, **options):
        anchor = create_anchor()
        created = timezone.localtime(anchor.created_at).strftime("%Y-%m-%d %H:%M:%S %Z")
        self.stderr.write(
            f"锚点 Anchor #{anchor.pk} ({created}): {anchor.events} events in {anchor.chains} chains, "
            f"up to event id {anchor.last_event_id}"
        )
        self.stdout.write(anchor.anchor_hash)
