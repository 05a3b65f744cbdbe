"""`manage.py create_demo_users`: one demo user per role, for trying the app locally, and
what they look after: the owner owns actions, the editor edits two plans (one of which
needs sign-off), the viewer takes the weekly digest, and every plan has its reporting
periods from its start date to today (the missing ones are generated)."""

import datetime

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from improvement import periods, roles
from improvement.models import NotificationPreference, Objective, Plan

DEMO_PASSWORD = "demo-tracker-2026"  # noqa: S105 - printed for the local demo only

DEMO_USERS = [
    # username, first, last, role, superuser
    ("admin", "Ada", "Administrator", roles.ADMINISTRATOR, True),
    ("editor", "Ed", "Plan-Editor", roles.PLAN_EDITOR, False),
    ("owner", "Olu", "Action-Owner", roles.ACTION_OWNER, False),
    ("viewer", "Vic", "Director", roles.VIEWER, False),
    ("clerk", "Cleo", "Committee-Clerk", roles.CLERK, False),
]

# What the demo action owner owns, so "their" actions exist: (plan slug, objective ref).
OWNED_OBJECTIVES = [("nottinghamshire-2004", "1"), ("slough-2014", "A")]
# The requirement the owner assesses in the improvement-notice review.
ASSESSED_OBJECTIVES = [("herefordshire-2013", "27")]
EDITED_PLANS = ["nottinghamshire-2004", "slough-2014"]
SIGN_OFF_PLANS = ["slough-2014"]


class Command(BaseCommand):
    help = "Create one demo user per role (password printed). Refused unless DEBUG is on."

    def add_arguments(self, parser):
        parser.add_argument(
            "--force", action="store_true", help="Run even with DEBUG off (never in production)."
        )

    @transaction.atomic
    def handle(self, *args, force, **options):
        if not settings.DEBUG and not force:
            raise CommandError("Demo users have a published password: refused with DEBUG off.")
        groups = roles.sync_roles()
        User = get_user_model()
        users = {}
        for username, first, last, role, superuser in DEMO_USERS:
            user, _ = User.objects.get_or_create(username=username)
            user.first_name, user.last_name = first, last
            user.email = f"{username}@example.invalid"
            user.is_superuser = superuser
            user.is_staff = role in roles.STAFF_ROLES
            user.set_password(DEMO_PASSWORD)
            user.save()
            user.groups.set([groups[role]])
            users[username] = user

        owner = users["owner"]
        for slug, reference in OWNED_OBJECTIVES:
            objective = Objective.objects.filter(plan__slug=slug, reference=reference).first()
            if objective is not None:
                objective.owner = owner
                objective.save()
                for action in objective.actions.all():  # save(), so history records it
                    action.owner = owner
                    action.save()

        for slug, reference in ASSESSED_OBJECTIVES:
            objective = Objective.objects.filter(plan__slug=slug, reference=reference).first()
            if objective is not None:
                objective.owner = owner
                objective.save()
        for plan in Plan.objects.filter(slug__in=EDITED_PLANS):
            plan.editors.add(users["editor"])
            if plan.slug in SIGN_OFF_PLANS and not plan.requires_sign_off:
                plan.requires_sign_off = True
                plan.save()
        NotificationPreference.objects.update_or_create(
            user=users["viewer"], defaults={"weekly_digest": True}
        )
        created = _create_financial_year_periods(timezone.localdate())

        self.stdout.write(f"\nDemo users (password for all: {DEMO_PASSWORD})")
        for username, _first, _last, role, _superuser in DEMO_USERS:
            self.stdout.write(f"  {username:<8} {role}")
        if created:
            self.stdout.write(f"Reporting periods created: {', '.join(created)}")


def _create_financial_year_periods(today: datetime.date) -> list[str]:
    """Every plan's missing reporting periods, from its start date to today
    (`periods.generate_periods`): "Plan title: N" for each plan that got some."""
    created = []
    for plan in Plan.objects.order_by("title", "pk"):
        added = periods.generate_periods(plan, today)
        if added:
            created.append(f"{plan.title}: {len(added)}")
    return created
