"""Teams, the service areas that group them, and the periodic workforce return each team
makes: the counts from which `workforce.indicators` computes the standard DfE
indicators. FTE values are Decimals (two places), never floats.

What a return can sensibly hold, checked by the admin's form, the admin and the CSV
import alike (they all run the model's validators):

- its date between 1 January 2000 and 31 December 2099 (`EARLIEST_RETURN`,
  `LATEST_RETURN`): nothing in this service was recorded earlier, and the indicators'
  12-month and quarter arithmetic stays clear of the calendar's ends (a return dated
  0001-03-31 had no "12 months before");
- every figure 0 or more, and no more than the measures' units allow
  (`metrics.units.LIMITS`): 100,000 FTE, 1,000,000 days of sickness, and 10,000,000
  people or cases. A return is a team's, so these are far above any real one; they keep
  a slip of the keyboard out of every indicator, chart and measure fed by the returns.
"""

import datetime
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from simple_history.models import HistoricalRecords

from improvement.text_limits import text_validators
from metrics.units import LIMITS, Unit

NOT_NEGATIVE = [MinValueValidator(Decimal("0"))]
EARLIEST_RETURN = datetime.date(2000, 1, 1)
LATEST_RETURN = datetime.date(2099, 12, 31)
MOST_FTE = LIMITS[Unit.FTE][1]
MOST_DAYS = LIMITS[Unit.DAYS][1]
MOST_PEOPLE = int(LIMITS[Unit.COUNT][1])


def at_most(limit) -> MaxValueValidator:
    return MaxValueValidator(limit, message=f"This figure cannot be more than {limit:,}.")


def fte(verbose_name: str, help_text: str = "") -> models.DecimalField:
    return models.DecimalField(
        verbose_name,
        max_digits=9,
        decimal_places=2,
        default=Decimal("0"),
        validators=[*NOT_NEGATIVE, at_most(MOST_FTE)],
        help_text=help_text,
    )


def headcount(verbose_name: str, help_text: str = "") -> models.PositiveIntegerField:
    return models.PositiveIntegerField(
        verbose_name, default=0, validators=[at_most(MOST_PEOPLE)], help_text=help_text
    )


class ServiceArea(models.Model):
    name = models.CharField(max_length=200, unique=True, validators=text_validators())
    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Team(models.Model):
    name = models.CharField(max_length=200, validators=text_validators())
    service_area = models.ForeignKey(ServiceArea, on_delete=models.PROTECT, related_name="teams")
    active = models.BooleanField(default=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["service_area__name", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["service_area", "name"],
                name="team_name_unique_in_service_area",
                violation_error_message="This service area already has a team with that name.",
            )
        ]

    def __str__(self) -> str:
        return self.name


class WorkforceReturn(models.Model):
    """One team's workforce figures at a date; starters, leavers and sickness are for the
    period since the team's previous return."""

    team = models.ForeignKey(Team, on_delete=models.PROTECT, related_name="returns")
    as_at = models.DateField(
        "return date",
        validators=[
            MinValueValidator(
                EARLIEST_RETURN,
                message=f"A return date cannot be before {EARLIEST_RETURN:%-d %B %Y}.",
            ),
            MaxValueValidator(
                LATEST_RETURN, message=f"A return date cannot be after {LATEST_RETURN:%-d %B %Y}."
            ),
        ],
    )
    establishment_fte = fte("establishment FTE", "Funded posts.")
    permanent_fte = fte("permanent FTE in post", "Directly employed staff in post.")
    agency_fte = fte("agency FTE")
    agency_covering_vacancies_fte = fte("agency FTE covering vacancies")
    vacancies_fte = fte("vacancies FTE")
    starters_fte = fte("starters FTE", "Joined since the previous return.")
    starters_headcount = headcount("starters (headcount)")
    leavers_fte = fte("leavers FTE", "Left since the previous return.")
    leavers_headcount = headcount("leavers (headcount)")
    leavers_under_two_years = headcount("leavers with under two years' service (headcount)")
    sickness_days = models.DecimalField(
        "working days lost to sickness",
        max_digits=9,
        decimal_places=1,
        default=Decimal("0"),
        validators=[*NOT_NEGATIVE, at_most(MOST_DAYS)],
        help_text="Since the previous return.",
    )
    cases = headcount("cases held")
    case_holding_fte = fte("case-holding FTE")
    newly_qualified = headcount("newly qualified social workers")
    students = headcount("students on placement")
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["team", "as_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["team", "as_at"],
                name="one_return_per_team_and_date",
                violation_error_message="This team already has a return for that date.",
            ),
            models.CheckConstraint(
                name="return_agency_covering_not_above_agency",
                condition=Q(agency_covering_vacancies_fte__lte=F("agency_fte")),
                violation_error_message=(
                    "Agency FTE covering vacancies cannot be more than the agency FTE."
                ),
            ),
            models.CheckConstraint(
                name="return_under_two_years_not_above_leavers",
                condition=Q(leavers_under_two_years__lte=F("leavers_headcount")),
                violation_error_message=(
                    "Leavers with under two years' service cannot be more than the leavers."
                ),
            ),
        ]

    def __str__(self) -> str:
        # A change form redrawn after bad input may hold no team or no date to show.
        team = self.team if self.team_id else "Workforce return"
        return f"{team} at {self.as_at:%d/%m/%Y}" if self.as_at else str(team)

    def clean(self) -> None:
        """Checks across fields, each reported against the field to correct (the admin form
        and the CSV import both run them). A value that failed its own field's checks is
        not a number yet, so the checks that need it are left until it is corrected."""
        super().clean()
        errors = {}
        for field, problem in self._cross_field_problems():
            errors.setdefault(field, problem)
        if errors:
            raise ValidationError(errors)

    def _cross_field_problems(self):
        def number(name):
            value = getattr(self, name)
            return value if isinstance(value, Decimal | int) else None

        def more(name, than):
            a, b = number(name), number(than)
            return a is not None and b is not None and a > b

        if more("agency_covering_vacancies_fte", "vacancies_fte"):
            yield (
                "agency_covering_vacancies_fte",
                "Agency FTE covering vacancies cannot be more than the vacancies FTE.",
            )
        if more("agency_covering_vacancies_fte", "agency_fte"):
            yield (
                "agency_covering_vacancies_fte",
                "Agency FTE covering vacancies cannot be more than the agency FTE.",
            )
        if more("leavers_under_two_years", "leavers_headcount"):
            yield (
                "leavers_under_two_years",
                "Leavers with under two years' service cannot be more than the leavers.",
            )
        # One person is at most 1 FTE, so FTE above headcount is a typing slip.
        for kind in ("starters", "leavers"):
            fte_name, people_name = f"{kind}_fte", f"{kind}_headcount"
            fte_value, people = number(fte_name), number(people_name)
            if fte_value is None or people is None:
                continue
            if fte_value > people:
                yield (fte_name, f"The {kind}' FTE cannot be more than their headcount.")
            elif people and not fte_value:
                yield (fte_name, f"Enter the FTE of the {people} {kind}.")
        cases, holders = number("cases"), number("case_holding_fte")
        if cases and holders is not None and not holders:
            yield ("case_holding_fte", "Enter the FTE of the staff holding these cases.")
        in_post, agency = number("permanent_fte"), number("agency_fte")
        if None not in (holders, in_post, agency) and holders > in_post + agency:
            yield (
                "case_holding_fte",
                "Case-holding FTE cannot be more than the permanent and agency FTE together.",
            )
