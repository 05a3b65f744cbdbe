"""Plans get a reporting cadence and their own reporting periods.

The periods were one list for every plan. Each plan keeps the periods it had: the first
plan takes the existing rows (their updates and reminder logs still point at them), every
other plan gets a copy and its updates are moved to its own copy of the same period. With
no plan at all, the old periods are dropped (no period is left without a plan).
"""

import django.core.validators
import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


def give_each_plan_its_periods(apps, schema_editor):
    Plan = apps.get_model("improvement", "Plan")
    ReportingPeriod = apps.get_model("improvement", "ReportingPeriod")
    ProgressUpdate = apps.get_model("improvement", "ProgressUpdate")
    shared = list(ReportingPeriod.objects.filter(plan__isnull=True).order_by("start", "pk"))
    plans = list(Plan.objects.order_by("pk"))
    if not plans:
        ReportingPeriod.objects.filter(plan__isnull=True).delete()
        return
    if not shared:
        return
    first, *others = plans
    ReportingPeriod.objects.filter(pk__in=[p.pk for p in shared]).update(plan=first)
    for plan in others:
        for old in shared:
            copy = ReportingPeriod.objects.create(
                plan=plan,
                name=old.name,
                start=old.start,
                end=old.end,
                update_deadline=old.update_deadline,
            )
            ProgressUpdate.objects.filter(period=old, action__objective__plan=plan).update(
                period=copy
            )
            ProgressUpdate.objects.filter(period=old, objective__plan=plan).update(period=copy)


class Migration(migrations.Migration):
    dependencies = [
        ("improvement", "0015_plan_state_versions"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AlterModelOptions(
            name="reportingperiod",
            options={"ordering": ["plan", "-start"]},
        ),
        migrations.AddField(
            model_name="historicalplan",
            name="reporting_cadence",
            field=models.CharField(
                choices=[
                    ("monthly", "Monthly"),
                    ("quarterly", "Quarterly"),
                    ("six_monthly", "Six-monthly"),
                ],
                default="quarterly",
                help_text="How often owners report: its reporting periods follow the UK financial year (April to March) from the plan's start date.",
                max_length=20,
                verbose_name="reporting cadence",
            ),
        ),
        migrations.AddField(
            model_name="historicalreportingperiod",
            name="plan",
            field=models.ForeignKey(
                blank=True,
                db_constraint=False,
                null=True,
                on_delete=django.db.models.deletion.DO_NOTHING,
                related_name="+",
                to="improvement.plan",
            ),
        ),
        migrations.AddField(
            model_name="plan",
            name="reporting_cadence",
            field=models.CharField(
                choices=[
                    ("monthly", "Monthly"),
                    ("quarterly", "Quarterly"),
                    ("six_monthly", "Six-monthly"),
                ],
                default="quarterly",
                help_text="How often owners report: its reporting periods follow the UK financial year (April to March) from the plan's start date.",
                max_length=20,
                verbose_name="reporting cadence",
            ),
        ),
        migrations.AddField(
            model_name="reportingperiod",
            name="plan",
            field=models.ForeignKey(
                null=True,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="periods",
                to="improvement.plan",
            ),
        ),
        migrations.AlterField(
            model_name="historicalreportingperiod",
            name="name",
            field=models.CharField(
                max_length=100,
                validators=[
                    django.core.validators.ProhibitNullCharactersValidator(
                        message="This text contains a NUL character (often left by copying from another program): remove it and try again."
                    )
                ],
            ),
        ),
        migrations.AlterField(
            model_name="reportingperiod",
            name="name",
            field=models.CharField(
                max_length=100,
                validators=[
                    django.core.validators.ProhibitNullCharactersValidator(
                        message="This text contains a NUL character (often left by copying from another program): remove it and try again."
                    )
                ],
            ),
        ),
        migrations.RunPython(give_each_plan_its_periods, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="reportingperiod",
            name="plan",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.CASCADE,
                related_name="periods",
                to="improvement.plan",
            ),
        ),
        migrations.AddIndex(
            model_name="reportingperiod",
            index=models.Index(fields=["plan", "end"], name="period_plan_end"),
        ),
        migrations.AddConstraint(
            model_name="plan",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    ("reporting_cadence__in", ["monthly", "quarterly", "six_monthly"])
                ),
                name="plan_reporting_cadence_valid",
                violation_error_message="Choose monthly, quarterly or six-monthly.",
            ),
        ),
        migrations.AddConstraint(
            model_name="reportingperiod",
            constraint=models.UniqueConstraint(
                fields=("plan", "name"),
                name="period_name_unique_in_plan",
                violation_error_message="This plan already has a period with that name.",
            ),
        ),
    ]
