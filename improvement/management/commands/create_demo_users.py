"""`manage.py create_demo_users`: one demo user per role, for trying the app locally."""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from improvement import roles
from improvement.models import Objective

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

        self.stdout.write(f"\nDemo users (password for all: {DEMO_PASSWORD})")
        for username, _first, _last, role, _superuser in DEMO_USERS:
            self.stdout.write(f"  {username:<8} {role}")
