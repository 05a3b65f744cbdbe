"""The accessibility statement (a legal duty for public sector websites), in the sections
of the GOV.UK sample statement, open to everyone, signed in or not.

What the product knows (how it was tested, what is known not to work, when) is written
here and in the template; what only the council running it knows (its name, how to
contact it, when it last reviewed the statement, which equality body enforces the
regulations where it is) comes from settings. A council that has not filled those in gets
a page that still reads correctly, and a deploy check warning (site.W101).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.core.checks import Tags, Warning, register
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

# When this statement was prepared and the service last tested, by the people who build it.
PREPARED_ON = date(2026, 12, 1)
TESTED_ON = date(2026, 12, 1)

_COUNCIL_SETTINGS = (
    "ACCESSIBILITY_ORGANISATION",
    "ACCESSIBILITY_CONTACT_EMAIL",
    "ACCESSIBILITY_CONTACT_PHONE",
)


@dataclass(frozen=True)
class Council:
    """What the council running the service fills in."""

    organisation: str
    email: str
    phone: str
    response_days: int
    northern_ireland: bool
    reviewed_on: date | None

    @property
    def name(self) -> str:
        return self.organisation or "the council that runs this service"

    @property
    def has_contact(self) -> bool:
        return bool(self.email or self.phone)


def _date(value: str) -> date | None:
    try:
        return date.fromisoformat(value) if value else None
    except ValueError:
        return None


def council() -> Council:
    return Council(
        organisation=settings.ACCESSIBILITY_ORGANISATION.strip(),
        email=settings.ACCESSIBILITY_CONTACT_EMAIL.strip(),
        phone=settings.ACCESSIBILITY_CONTACT_PHONE.strip(),
        response_days=settings.ACCESSIBILITY_RESPONSE_DAYS,
        northern_ireland=settings.ACCESSIBILITY_ENFORCEMENT.strip().lower() == "ni",
        reviewed_on=_date(settings.ACCESSIBILITY_REVIEWED_ON.strip()),
    )


@login_not_required
@require_GET
def accessibility_statement(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "accessibility.html",
        {"council": council(), "prepared_on": PREPARED_ON, "tested_on": TESTED_ON},
    )


@register(Tags.compatibility, deploy=True)
def accessibility_statement_filled_in(app_configs=None, **kwargs) -> list[Warning]:
    missing = [name for name in _COUNCIL_SETTINGS if not getattr(settings, name, "").strip()]
    problems = []
    if missing:
        problems.append(
            Warning(
                "The accessibility statement does not say who runs the service or how to "
                f"contact them: {', '.join(missing)} not set.",
                hint="Set them to the council's name and its accessibility contact "
                "(see the README, 'The accessibility statement').",
                id="site.W101",
            )
        )
    if settings.ACCESSIBILITY_REVIEWED_ON and _date(settings.ACCESSIBILITY_REVIEWED_ON) is None:
        problems.append(
            Warning(
                "ACCESSIBILITY_REVIEWED_ON is not a date like 2027-03-31: the statement "
                "shows the product's own date instead.",
                id="site.W102",
            )
        )
    return problems
