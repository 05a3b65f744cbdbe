"""`manage.py send_update_reminders [--today YYYY-MM-DD] [--dry-run]`: remind action owners
to record their updates, before and after each reporting period's update deadline.

Meant to run daily (cron): each reminder goes at most once, so running it again the same
day, or on every day of the window, sends nothing new. `EmailCommand`, the printing and
sending both email commands share, lives here too.
"""

from django.core.mail import get_connection
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from improvement.notifications import counted, parse_day, reminders_due, send_reminder


class EmailCommand(BaseCommand):
    """Send each email that is due, print one line per email and a total."""

    noun = "email"

    def due(self, today):
        raise NotImplementedError

    def send_one(self, email, connection) -> bool:
        raise NotImplementedError

    def add_arguments(self, parser):
        parser.add_argument(
            "--today",
            type=parse_day,
            help="Act as if today were this date (YYYY-MM-DD); default: today.",
        )
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Print what would be sent; send nothing and record nothing.",
        )

    def handle(self, *args, today=None, dry_run=False, **options):
        emails = self.due(today or timezone.localdate())
        if dry_run:
            for email in emails:
                self.stdout.write(f"Would send to {email.user.email}: {email.subject}")
            self.stdout.write(
                f"{counted(len(emails), self.noun)} would be sent "
                "(dry run: nothing sent or recorded)."
            )
            return

        sent, failed = 0, 0
        if emails:
            # smtplib's errors are OSErrors, as are a refused or dropped connection.
            try:
                with get_connection() as connection:  # one connection for the whole run
                    for email in emails:
                        try:
                            went = self.send_one(email, connection)
                        except OSError as exc:
                            # Nothing was recorded for it, so the next run tries again.
                            failed += 1
                            self.stderr.write(f"Not sent to {email.user.email}: {exc}")
                            continue
                        if went:
                            sent += 1
                            self.stdout.write(f"Sent to {email.user.email}: {email.subject}")
                        else:
                            self.stdout.write(f"Already sent to {email.user.email} by another run")
            except OSError as exc:
                raise CommandError(f"Could not reach the mail server: {exc}") from exc
        self.stdout.write(f"{counted(sent, self.noun)} sent.")
        if failed:
            raise CommandError(f"{counted(failed, self.noun)} not sent; run again to retry.")


class Command(EmailCommand):
    help = (
        "Email each action owner whose actions need an update or are overdue, in the days "
        "before a reporting period's update deadline and in the fortnight after it. "
        "Each reminder goes once."
    )
    noun = "reminder"

    def due(self, today):
        return reminders_due(today)

    def send_one(self, email, connection) -> bool:
        return send_reminder(email, connection=connection)
