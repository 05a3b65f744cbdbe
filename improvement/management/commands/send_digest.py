"""`manage.py send_digest [--today YYYY-MM-DD] [--dry-run]`: the weekly digest, to the
people who asked for one (NotificationPreference.weekly_digest).

Meant to run weekly (cron, Monday morning): a digest goes at most once per person per
week (Monday to Sunday), so running it again that week sends nothing new.
"""

from improvement.management.commands.send_update_reminders import EmailCommand
from improvement.notifications import digests_due, send_digest


class Command(EmailCommand):
    help = (
        "Email the weekly digest (what turned red or amber, became overdue, completed, falls "
        "due in the next 14 days) to everyone who asked for it. Once per person per week."
    )
    noun = "digest"

    def due(self, today):
        return digests_due(today)

    def send_one(self, email, connection) -> bool:
        return send_digest(email, connection=connection)
