"""The admin for the workforce lead: service areas with their teams, teams, and the
workforce returns (entered one by one, or imported from a CSV file and exported to one).

Every save or deletion of a return, every import, and moving a team to another service
area works out again the measures the returns feed (`workforce.services`), in the same
transaction, and says so in a message.
"""

import datetime

from django.contrib import admin, messages
from django.contrib.admin.options import IncorrectLookupParameters
from django.core import signing
from django.db.models import Count
from django.shortcuts import redirect
from import_export.admin import ImportExportMixin
from import_export.formats.base_formats import CSV

from improvement.admin import HistoryAdmin, person_label
from workforce import services
from workforce.forms import WorkforceImportForm, WorkforceReturnForm
from workforce.models import ServiceArea, Team, WorkforceReturn
from workforce.resources import SignedFileStorage, WorkforceReturnResource


def _report(request, refreshed: services.Refreshed) -> None:
    if refreshed.measures:
        messages.info(request, str(refreshed))


class TeamInline(admin.TabularInline):
    model = Team
    extra = 0
    fields = ["name", "active"]
    show_change_link = True


@admin.register(ServiceArea)
class ServiceAreaAdmin(HistoryAdmin):
    list_display = ["name", "team_count"]
    search_fields = ["name"]
    inlines = [TeamInline]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(team_count=Count("teams"))

    @admin.display(description="Teams", ordering="team_count")
    def team_count(self, obj) -> int:
        return obj.team_count


@admin.register(Team)
class TeamAdmin(HistoryAdmin):
    list_display = ["name", "service_area", "active"]
    list_filter = ["service_area", "active"]
    list_select_related = ["service_area"]
    search_fields = ["name", "service_area__name"]
    fields = ["name", "service_area", "active"]

    def save_model(self, request, obj, form, change):
        previous = form.initial.get("service_area") if change else None
        _report(request, services.team_save(team=obj, previous_service_area_id=previous))


class ReturnDateFilter(admin.SimpleListFilter):
    """The dates returns were made at (usually quarter ends), newest first."""

    title = "return date"
    parameter_name = "as_at"

    def lookups(self, request, model_admin):
        dates = (
            WorkforceReturn.objects.order_by("-as_at").values_list("as_at", flat=True).distinct()
        )
        return [(day.isoformat(), f"{day:%d/%m/%Y}") for day in dates]

    def queryset(self, request, queryset):
        if not self.value():
            return queryset
        try:
            day = datetime.date.fromisoformat(self.value())
        except ValueError as error:
            # The admin's own answer to a bad filter: "the filter is invalid", not a 500.
            raise IncorrectLookupParameters(error) from error
        return queryset.filter(as_at=day)


@admin.register(WorkforceReturn)
class WorkforceReturnAdmin(ImportExportMixin, HistoryAdmin):
    form = WorkforceReturnForm
    resource_classes = [WorkforceReturnResource]
    list_display = [
        "team",
        "service_area",
        "as_at",
        "permanent_fte",
        "agency_fte",
        "vacancies_fte",
        "leavers_fte",
        "sickness_days",
        "cases",
        "case_holding_fte",
    ]
    list_filter = ["team__service_area", "team", ReturnDateFilter]
    list_select_related = ["team__service_area"]
    date_hierarchy = "as_at"
    search_fields = ["team__name", "team__service_area__name"]
    readonly_fields = ["entered_by_name"]
    fieldsets = [
        (None, {"fields": ["team", "as_at"]}),
        (
            "Staff and posts on the return date",
            {
                "fields": [
                    "establishment_fte",
                    "permanent_fte",
                    "agency_fte",
                    "agency_covering_vacancies_fte",
                    "vacancies_fte",
                ]
            },
        ),
        (
            "Since the team's previous return",
            {
                "fields": [
                    "starters_fte",
                    "starters_headcount",
                    "leavers_fte",
                    "leavers_headcount",
                    "leavers_under_two_years",
                    "sickness_days",
                ]
            },
        ),
        ("Caseloads on the return date", {"fields": ["cases", "case_holding_fte"]}),
        ("Newly qualified and students", {"fields": ["newly_qualified", "students"]}),
        ("Record", {"fields": ["entered_by_name"]}),
    ]

    # Import and export: CSV only, the preview carried in the confirmation form.
    tmp_storage_class = SignedFileStorage
    import_form_class = WorkforceImportForm
    # The preview as the plan import shows its dry run: changes first, the unchanged
    # rows collapsed, the confirm button by the summary (templates/admin/workforce/).
    import_template_name = "admin/workforce/workforcereturn/import.html"

    def get_import_formats(self):
        return [CSV]

    def get_export_formats(self):
        return [CSV]

    def has_import_permission(self, request):
        return self.has_add_permission(request) and self.has_change_permission(request)

    def has_export_permission(self, request):
        return self.has_view_permission(request)

    @admin.display(description="Entered by")
    def entered_by_name(self, obj) -> str:
        return person_label(obj.entered_by) if obj.entered_by_id else "–"

    @admin.display(description="Service area", ordering="team__service_area__name")
    def service_area(self, obj) -> str:
        return obj.team.service_area.name

    def save_model(self, request, obj, form, change):
        previous_team = form.initial.get("team") if change else None
        _report(
            request,
            services.workforce_return_save(
                workforce_return=obj, user=request.user, previous_team_id=previous_team
            ),
        )

    def delete_model(self, request, obj):
        _report(request, services.workforce_returns_delete(workforce_returns=[obj]))

    def delete_queryset(self, request, queryset):
        _report(request, services.workforce_returns_delete(workforce_returns=list(queryset)))

    def process_import(self, request, **kwargs):
        try:
            return super().process_import(request, **kwargs)
        except signing.BadSignature:
            messages.error(
                request, "The file to import expired or was changed: please upload it again."
            )
            return redirect("admin:workforce_workforcereturn_import")

    def add_success_message(self, result, request):
        totals = result.totals
        parts = [f"added {totals['new']}", f"updated {totals['update']}"]
        if totals["delete"]:
            parts.append(f"deleted {totals['delete']}")
        parts.append(f"{totals['skip']} unchanged")
        messages.success(request, f"Imported the workforce returns: {', '.join(parts)}.")

    def process_result(self, result, request):
        # The data may have changed between the preview and the confirmation; then the
        # import was rolled back whole, and that is what the person must be told.
        problems = services.import_problems(result)
        if problems:
            listed = "; ".join(str(p) for p in problems[:10])
            more = f" (and {len(problems) - 10} more)" if len(problems) > 10 else ""
            messages.error(request, f"Nothing was imported: {listed}{more}")
            return redirect("admin:workforce_workforcereturn_import")
        response = super().process_result(result, request)
        _report(request, getattr(result, "refreshed", services.Refreshed()))
        return response
