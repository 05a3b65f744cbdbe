"""The admin for plan administrators: plans edit their key, sections and objectives inline,
objectives their actions, actions their milestones and (append-only) progress updates.

List pages show the status as at today and the overdue flag, worked out by the same
`improvement.history` functions the pages use, for the whole page in a fixed number of
queries.

Administrators see everything. Plan editors see and change only the plans they edit
(`improvement.permissions.editable_plans`: the role and the plan's editors together), and
cannot change who edits a plan. Stored progress updates can be corrected by
administrators only; django-simple-history records the correction.

No lost edits: the change page of a plan, section, objective, action, milestone or
measure, and each of their inline rows, carries the version it was drawn from
(`VersionedForm`); saving it after someone else saved that object is refused, nothing is
saved, and the page says who changed what.
"""

from django import forms
from django.contrib import admin
from django.contrib.admin.options import IncorrectLookupParameters
from django.contrib.admin.utils import unquote
from django.contrib.admin.views.autocomplete import AutocompleteJsonView
from django.contrib.admin.views.main import ChangeList
from django.contrib.admin.widgets import AutocompleteSelect, AutocompleteSelectMultiple
from django.contrib.auth import get_user_model
from django.core.exceptions import FieldDoesNotExist, PermissionDenied, ValidationError
from django.db import connection
from django.db.models import Count, Model, Q
from django.http import Http404
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.timezone import localtime
from simple_history.admin import SimpleHistoryAdmin

from improvement import periods, roles
from improvement.fields import ItemListField
from improvement.history import objective_states_as_at, plan_states_as_at, with_status_as_at
from improvement.models import (
    Action,
    AreaForDevelopment,
    Milestone,
    Objective,
    Plan,
    ProgressUpdate,
    ReportingPeriod,
    Section,
    StatusKeyEntry,
    Versioned,
)
from improvement.models.versioned import changes_since
from improvement.permissions import can_edit_plan, editable_plans, is_administrator
from improvement.services import backdating_problem, is_correction
from improvement.status import ROLLED_UP_CHOICES, Status, as_status
from improvement.templatetags.tracker import status_tag


def _badge(status) -> str:
    return status_tag(status)


# -- no lost edits --------------------------------------------------------------------


class VersionedForm(forms.ModelForm):
    """A change form (or inline row) that remembers the version it was drawn from and is
    refused, with the other person's changes, if the object has been saved since.

    The stored version is read under a row lock (the admin saves inside a transaction),
    so nobody can save between this check and this form's save. A post without a version
    (not from a page the admin drew: a script, say) is not checked: the check protects
    people editing on pages, and anyone may read the current version anyway."""

    based_on_version = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=0)
    # The main form is always checked: the admin saves the object whatever changed. An
    # inline row is checked when it differs from the row now stored (it would be saved);
    # if it still says what the page showed (the person did not touch it), it is left
    # out of the save instead, so someone else's newer row stays as they saved it.
    inline = False

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk is not None:
            self.fields["based_on_version"].initial = self.instance.version

    def _is_stored(self) -> bool:
        return self.instance.pk is not None and not self.instance._state.adding

    def clean(self):
        cleaned = super().clean()
        if not self._is_stored() or (self.inline and not self.has_changed()):
            return cleaned
        instance = self.instance
        stored = instance.stored_version(lock=connection.in_atomic_block)
        based_on = cleaned.get("based_on_version")
        if stored is None or based_on is None or based_on == stored:
            instance.expect_version(stored)
            return cleaned
        if based_on > stored:
            raise forms.ValidationError(
                "This page is out of date: nothing was saved. Open it again and make your "
                "changes again."
            )
        if self.inline and self._as_drawn(based_on):
            self.__dict__["changed_data"] = []  # not saved: the newer row stays
            return cleaned
        raise forms.ValidationError(stale_messages(instance, based_on))

    def _as_drawn(self, version: int) -> bool:
        """Whether this row posts back exactly what the page showed at `version`."""
        if self.cleaned_data.get("DELETE"):
            return False
        model = type(self.instance)
        drawn = (
            model.history.filter(id=self.instance.pk, version=version)
            .order_by("-history_date", "-history_id")
            .first()
        )
        if drawn is None:
            return False
        for name, value in self.cleaned_data.items():
            try:
                field = model._meta.get_field(name)
            except FieldDoesNotExist:
                continue
            if field.primary_key:
                continue
            if field.many_to_many or not hasattr(drawn, field.attname):
                return False
            posted = value.pk if isinstance(value, Model) else value
            if getattr(drawn, field.attname) != posted:
                return False
        return True


def stale_messages(instance: Versioned, based_on: int) -> list[str]:
    """Why a change based on `based_on` is refused, with what others changed since."""
    since = changes_since(instance, based_on)
    what = f"{instance._meta.verbose_name} “{instance}”"
    who = " and ".join(since.savers) or "Someone else"
    when = f" at {date_format(localtime(since.saved_at), 'j F Y H:i')}" if since.saved_at else ""
    lines = [
        f"Nothing was saved: {who} saved the {what}{when}, after you opened this page. "
        "Open it again to see their version, then make your changes again."
    ]
    lines += [f"{c.label}: “{c.before}” → “{c.after}”" for c in since.changes]
    if not since.changes:
        lines.append("Their save changed no field shown here.")
    return lines


class VersionedAdmin:
    """For model admins and inlines of versioned models: the form carries its version."""

    form = VersionedForm

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        named = {f for _, options in fieldsets for f in flatten(options.get("fields", []))}
        if "based_on_version" in named or not self.has_change_permission(request, obj):
            return fieldsets
        (name, options), *rest = fieldsets
        fields = [*options.get("fields", []), "based_on_version"]
        return [(name, {**options, "fields": fields}), *rest]

    def get_formset(self, request, obj=None, **kwargs):
        # Only inlines have formsets: their rows are checked when changed.
        kwargs["form"] = type(
            self.form.__name__, (kwargs.get("form", self.form),), {"inline": True}
        )
        return super().get_formset(request, obj, **kwargs)


def flatten(fields):
    for field in fields:
        if isinstance(field, (list, tuple)):
            yield from field
        else:
            yield field


# -- change lists that never fail on a query string -----------------------------------

# Date parts a change list may filter on, with the values they can take. Years stop at
# 9998 so that "the year after" (the date hierarchy's upper bound) is still a date.
DATE_PARTS = {
    "year": (1, 9998),
    "iso_year": (1, 9998),
    "month": (1, 12),
    "day": (1, 31),
    "week": (1, 53),
    "quarter": (1, 4),
    "week_day": (1, 7),
    "iso_week_day": (1, 7),
}


def hostile_parameter(params: dict[str, list[str]]) -> str | None:
    """Why a change list's query string cannot be used (None when it can): what Django's
    own checks let through to the database, where it fails: a NUL (PostgreSQL refuses it
    in any string), a regular expression (the database's syntax errors), a date part out
    of range (Python's dates stop at 9999)."""
    for key, values in params.items():
        if "\x00" in key or any("\x00" in value for value in values):
            return "A filter contains a NUL character."
        lookup = key.rsplit("__", 1)[-1]
        if lookup in ("regex", "iregex"):
            return "Filters by regular expression are not offered."
        if lookup in DATE_PARTS:
            low, high = DATE_PARTS[lookup]
            for value in values:
                try:
                    number = int(value)
                except ValueError:
                    return f"{key} must be a whole number."
                if not low <= number <= high:
                    return f"{key} must be from {low} to {high}."
    return None


class SafeChangeList(ChangeList):
    """A change list that refuses (Django's "?e=1" page) a query string the database would
    fail on, instead of answering 500."""

    def get_queryset(self, request, exclude_parameters=None):
        problem = hostile_parameter(self.filter_params)
        if problem:
            raise IncorrectLookupParameters(problem)
        return super().get_queryset(request, exclude_parameters)


def guard_change_lists(site) -> None:
    """Every change list on `site` (ours, auth's, axes', the API token's) vets its query
    string first. Called once every admin module is registered (`ImprovementConfig`)."""
    for model_admin in site._registry.values():
        original = model_admin.get_changelist
        if getattr(original, "guarded", False):
            continue

        def get_changelist(request, _original=original, **kwargs):
            changelist = _original(request, **kwargs)
            if issubclass(changelist, SafeChangeList):
                return changelist
            return type(f"Safe{changelist.__name__}", (SafeChangeList, changelist), {})

        get_changelist.guarded = True
        model_admin.get_changelist = get_changelist


# -- autocomplete widgets that survive a bad id --------------------------------------


class _KnownIdsOnly:
    """Django's autocomplete widget redraws an invalid form by looking up the posted ids;
    one that is not an id at all ("xyz", a NUL) raised there instead of the form saying
    "Select a valid choice". Only ids the related field can hold are looked up."""

    def optgroups(self, name, value, attr=None):
        target = self.field.target_field

        def is_id(item) -> bool:
            try:
                target.to_python(item)
            except ValidationError:
                return False
            return True

        return super().optgroups(name, [v for v in value if v in ("", None) or is_id(v)], attr)


class SafeAutocompleteSelect(_KnownIdsOnly, AutocompleteSelect):
    pass


class SafeAutocompleteSelectMultiple(_KnownIdsOnly, AutocompleteSelectMultiple):
    pass


class SafeAutocomplete:
    """For any model admin or inline with `autocomplete_fields`."""

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if "widget" not in kwargs and db_field.name in self.get_autocomplete_fields(request):
            kwargs["widget"] = SafeAutocompleteSelect(
                db_field, self.admin_site, using=kwargs.get("using")
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if "widget" not in kwargs and db_field.name in self.get_autocomplete_fields(request):
            kwargs["widget"] = SafeAutocompleteSelectMultiple(
                db_field, self.admin_site, using=kwargs.get("using")
            )
        return super().formfield_for_manytomany(db_field, request, **kwargs)


# -- people by name ------------------------------------------------------------------


class People:
    """How the admin names people: by full name, as everyone knows them; the username is
    added only where it is needed, for someone with no name recorded or for two people
    with the same name. Which names are shared is looked up once, when first needed."""

    def __init__(self):
        self._shared = None

    @property
    def shared(self) -> set[str]:
        if self._shared is None:
            rows = (
                get_user_model()
                .objects.exclude(first_name="", last_name="")
                .values("first_name", "last_name")
                .annotate(people=Count("pk"))
                .filter(people__gt=1)
            )
            self._shared = {f"{r['first_name']} {r['last_name']}".strip() for r in rows}
        return self._shared

    def label(self, user) -> str:
        if user is None:
            return "–"
        name = user.get_full_name()
        if not name:
            return user.get_username()
        if name in self.shared:
            return f"{name} ({user.get_username()})"
        return name


def person_label(user, people: People | None = None) -> str:
    return (people or People()).label(user)


def people_order(queryset):
    """People in the order their names are read in: by first name, then last name."""
    return queryset.order_by("first_name", "last_name", "username")


class _PeopleChoices:
    """A form field choosing people, labelled by name. Every copy of the field a form
    makes (one per inline row) shares one `People`, so a page asks once."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.people = People()

    def __deepcopy__(self, memo):
        result = super().__deepcopy__(memo)
        result.people = self.people
        return result

    def label_from_instance(self, obj) -> str:
        return self.people.label(obj)


class PersonChoiceField(_PeopleChoices, forms.ModelChoiceField):
    pass


class PeopleChoiceField(_PeopleChoices, forms.ModelMultipleChoiceField):
    pass


def _is_people(db_field) -> bool:
    return db_field.remote_field is not None and db_field.remote_field.model is get_user_model()


class PeopleByName:
    """For model admins and inlines: pickers of people name them, and offer them in name
    order; list columns and read-only fields use `person_label`."""

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if _is_people(db_field):
            kwargs.setdefault("form_class", PersonChoiceField)
        field = super().formfield_for_foreignkey(db_field, request, **kwargs)
        if field is not None and _is_people(db_field) and hasattr(field, "queryset"):
            field.queryset = people_order(field.queryset)
        return field

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if _is_people(db_field):
            kwargs.setdefault("form_class", PeopleChoiceField)
        field = super().formfield_for_manytomany(db_field, request, **kwargs)
        if field is not None and _is_people(db_field) and hasattr(field, "queryset"):
            field.queryset = people_order(field.queryset)
        return field

    def get_changelist_instance(self, request):
        # The page's rows share one `People` for their columns of names.
        changelist = super().get_changelist_instance(request)
        people = People()
        for row in changelist.result_list:
            row.people = people
        return changelist


def person_on_row(row, user) -> str:
    return person_label(user, getattr(row, "people", None))


def _recorded_by(update, people: People | None = None) -> str:
    if update.author_id:
        return person_label(update.author, people)
    # A new update is recorded by the person saving it (only administrators name someone
    # else); an old one loaded from a plan's own report may have no author.
    return "–" if update.pk else "You, when you save"


class PersonFilter(admin.RelatedOnlyFieldListFilter):
    """A list filter by person (owner, author): the people on the list, by name."""

    def field_choices(self, field, request, model_admin):
        on_list = (
            model_admin.get_queryset(request)
            .distinct()
            .values_list(f"{self.field_path}__pk", flat=True)
        )
        people = People()
        users = get_user_model().objects.filter(pk__in=on_list)
        return sorted(
            ((user.pk, people.label(user)) for user in users), key=lambda c: c[1].casefold()
        )


class PeopleAutocompleteJsonView(AutocompleteJsonView):
    """The admin's search-as-you-type answers, people named and in name order."""

    def get_queryset(self):
        queryset = super().get_queryset()
        if queryset.model is get_user_model():
            queryset = people_order(queryset)
        return queryset

    def serialize_result(self, obj, to_field_name):
        result = super().serialize_result(obj, to_field_name)
        if isinstance(obj, get_user_model()):
            if not hasattr(self, "people"):
                self.people = People()
            result["text"] = self.people.label(obj)
        return result


def _autocomplete_view(request):
    return PeopleAutocompleteJsonView.as_view(admin_site=admin.site)(request)


# The site's one autocomplete address answers through the view above (read when the
# site's URLs are first built, after every admin module is imported).
admin.site.autocomplete_view = _autocomplete_view


# -- who may touch what --------------------------------------------------------------


class HistoryAdmin(PeopleByName, SafeAutocomplete, SimpleHistoryAdmin):
    """django-simple-history's admin, read-only and within the admin's own scope.

    Its history pages look the object up without the admin's queryset (falling back to
    the latest history record) and its "revert" form saves whatever is posted: so a plan
    editor could read, and rewrite, objects of plans they do not edit. Here both pages
    answer only for objects this admin would show, and history is never written back."""

    def _in_scope(self, request, object_id) -> bool:
        try:
            pk = self.model._meta.pk.to_python(unquote(object_id))
        except ValidationError:
            return False  # not an id at all: nothing of ours
        return self.get_queryset(request).filter(pk=pk).exists()

    def history_view(self, request, object_id, extra_context=None):
        if not self._in_scope(request, object_id):
            raise Http404
        return super().history_view(request, object_id, extra_context)

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        if request.method != "GET":
            raise PermissionDenied("History is read-only: make a change on the object itself.")
        if not self._in_scope(request, object_id):
            raise Http404
        return super().history_form_view(request, object_id, version_id, extra_context)


class PlanScoped:
    """Limits a model admin to the plans the user may edit (all, for administrators).

    `plan_path` is the lookup from the model to its plan ("" for Plan itself)."""

    plan_path = ""

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        if is_administrator(request.user):
            return queryset
        field = f"{self.plan_path}__in" if self.plan_path else "pk__in"
        return queryset.filter(**{field: editable_plans(request.user).values("pk")})

    def _plan_of(self, obj):
        plan = obj
        for part in filter(None, self.plan_path.split("__")):
            plan = getattr(plan, part)
        return plan

    def has_view_permission(self, request, obj=None):
        allowed = super().has_view_permission(request, obj)
        return allowed and (obj is None or can_edit_plan(request.user, self._plan_of(obj)))

    def has_change_permission(self, request, obj=None):
        allowed = super().has_change_permission(request, obj)
        return allowed and (obj is None or can_edit_plan(request.user, self._plan_of(obj)))

    def has_delete_permission(self, request, obj=None):
        allowed = super().has_delete_permission(request, obj)
        return allowed and (obj is None or can_edit_plan(request.user, self._plan_of(obj)))

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        scoped = _scoped_choices(db_field.name, request.user)
        if scoped is not None:
            kwargs["queryset"] = scoped
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        scoped = _scoped_choices(db_field.name, request.user)
        if scoped is not None:
            kwargs["queryset"] = scoped
        return super().formfield_for_manytomany(db_field, request, **kwargs)


def _scoped_choices(field_name: str, user):
    """What a plan-linked field may point at: only things in the plans the user edits."""
    editable = editable_plans(user)
    if field_name == "plan":
        return editable
    if field_name == "objective" or field_name == "objectives":
        return Objective.objects.filter(plan__in=editable)
    if field_name == "section":
        return Section.objects.filter(plan__in=editable)
    if field_name == "action" or field_name == "actions":
        return Action.objects.filter(objective__plan__in=editable)
    return None


# -- plans ---------------------------------------------------------------------------


class StatusKeyFormSet(forms.BaseInlineFormSet):
    """The key's rows checked together: the database refuses two labels of one plan that
    differ only in capitals or spaces, so the form says so beside the second one instead."""

    def clean(self):
        super().clean()
        seen: set[str] = set()
        for form in self.forms:
            data = getattr(form, "cleaned_data", None)
            if not data or data.get("DELETE"):
                continue
            label = " ".join((data.get("label") or "").split())
            if not label:
                continue
            if label.lower() in seen:
                form.add_error(
                    "label",
                    f"“{label}” is already in this key: labels are matched ignoring capitals "
                    "and spaces, so give each label once.",
                )
            seen.add(label.lower())


class StatusKeyInline(admin.TabularInline):
    model = StatusKeyEntry
    formset = StatusKeyFormSet
    extra = 0
    verbose_name_plural = (
        "Status key (the plan's own labels; several may mean one status, and the first "
        "in order is the one shown for it)"
    )


class SectionInline(VersionedAdmin, admin.TabularInline):
    model = Section
    extra = 0


class ObjectiveInline(PeopleByName, SafeAutocomplete, VersionedAdmin, admin.TabularInline):
    model = Objective
    extra = 0
    fields = ["reference", "title", "section", "owner"]
    autocomplete_fields = ["owner"]
    show_change_link = True

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "section":
            plan_id = request.resolver_match.kwargs.get("object_id")
            kwargs["queryset"] = (
                Section.objects.filter(plan_id=plan_id) if plan_id else Section.objects.none()
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


class _StatesOnPage:
    """Works out the states of the objects on one change-list page, once, for its columns.

    The page's rows are evaluated here and each gets its state as an attribute; the
    change list renders those same (cached) instances.
    """

    def get_changelist_instance(self, request):
        changelist = super().get_changelist_instance(request)
        rows = list(changelist.result_list)
        states = self.states_for(rows)
        for row in rows:
            row.state_today = states.get(row.pk)
        return changelist

    def state(self, obj):
        return getattr(obj, "state_today", None)


def _editor_names_for(field: str) -> str:
    return "editor_names" if field == "editors" else field


def _counted(n: int, noun: str) -> str:
    return f"{n} {noun}{'' if n == 1 else 's'}"


@admin.register(Plan)
class PlanAdmin(VersionedAdmin, PlanScoped, _StatesOnPage, HistoryAdmin):
    list_display = ["title", "organisation", "kind", "status", "overdue"]
    list_filter = ["kind", "rollup_rule", "organisation"]
    search_fields = ["title", "organisation", "slug"]
    prepopulated_fields = {"slug": ["title"]}
    inlines = [StatusKeyInline, SectionInline, ObjectiveInline]
    fieldsets = [
        (None, {"fields": ["title", "slug", "organisation", "kind", "reports_to", "description"]}),
        ("Dates and reporting", {"fields": ["start_date", "end_date", "reporting_cadence"]}),
        ("Roll-up", {"fields": ["rollup_rule", "off_track_threshold", "at_risk_threshold"]}),
        (
            "Evidence a status needs",
            {"fields": ["overdue_at_risk", "minimum_rated", "staleness_periods"]},
        ),
        (
            "Who and how",
            {"fields": ["editors", "restricted", "requires_sign_off", "objective_term"]},
        ),
    ]
    filter_horizontal = ["editors"]
    actions = ["generate_missing_periods"]

    def get_readonly_fields(self, request, obj=None):
        if is_administrator(request.user):
            return []
        return ["editor_names", "restricted"]

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if is_administrator(request.user):
            return fieldsets
        # Plan editors read who edits the plan (by name) but do not change it.
        return [
            (name, {**options, "fields": [_editor_names_for(f) for f in options["fields"]]})
            for name, options in fieldsets
        ]

    @admin.display(description="Editors")
    def editor_names(self, plan):
        if plan is None or plan.pk is None:
            return "–"
        people = People()
        names = sorted((people.label(p) for p in plan.editors.all()), key=str.casefold)
        return ", ".join(names) or "–"

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if db_field.name == "editors":
            # Being on a plan's editors gives nothing without the Plan editor role
            # (`permissions`), so only people with the role are offered; anyone already
            # listed stays listed, so that saving never drops them unseen.
            editing = request.resolver_match.kwargs.get("object_id")
            current = Q(edited_plans__pk=editing) if editing and editing.isdigit() else Q()
            offered = Q(is_active=True, groups__name=roles.PLAN_EDITOR)
            people = get_user_model().objects.filter(offered | current if current else offered)
            kwargs["queryset"] = people_order(people.distinct())
            kwargs["help_text"] = (
                "Only people with the Plan editor role are offered: give someone the role "
                "on their user page first."
            )
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    def save_model(self, request, obj, form, change):
        """A new plan gets its reporting periods; a changed cadence or start date
        replaces the generated periods nothing points at yet."""
        before = None
        if change and ({"reporting_cadence", "start_date"} & set(form.changed_data)):
            before = form.initial.get("reporting_cadence"), form.initial.get("start_date")
        super().save_model(request, obj, form, change)
        if not change:
            added = periods.generate_periods(obj)
            self.message_user(request, f"{_counted(len(added), 'reporting period')} added.")
        elif before is not None:
            done = periods.regenerate_periods(obj, old_cadence=before[0], old_start=before[1])
            self.message_user(
                request,
                f"Reporting periods: {done.added} added, {done.removed} removed. Only "
                "generated periods with no updates or reminders pointing at them are "
                f"replaced; {done.kept} kept (in use, or added or changed by hand).",
            )

    @admin.action(description="Generate missing reporting periods", permissions=["change"])
    def generate_missing_periods(self, request, queryset):
        """From each plan's start date to today; periods it has are never changed."""
        added = 0
        for plan in queryset:
            if can_edit_plan(request.user, plan):
                added += len(periods.generate_periods(plan))
        self.message_user(
            request,
            f"{_counted(added, 'reporting period')} added. Periods already there, "
            "including any added or changed by hand, were left as they are.",
        )

    def states_for(self, plans):
        today = timezone.localdate()
        return {
            s.plan.pk: s
            for s in plan_states_as_at(
                Plan.objects.filter(pk__in=[p.pk for p in plans]), today, summary=True
            )
        }

    @admin.display(description="Status today")
    def status(self, plan):
        state = self.state(plan)
        return _badge(state.status) if state else "–"

    @admin.display(description="Overdue actions")
    def overdue(self, plan):
        state = self.state(plan)
        return state.overdue_count if state else "–"


# -- objectives ----------------------------------------------------------------------


class ActionInline(PeopleByName, SafeAutocomplete, VersionedAdmin, admin.StackedInline):
    model = Action
    extra = 0
    fields = [
        ("reference", "owner"),
        "title",
        ("responsible", "timescale", "due_date"),
        "benefit",
        "steps",
        "source_reference",
    ]
    autocomplete_fields = ["owner"]
    show_change_link = True


class ObjectiveStatusFilter(admin.SimpleListFilter):
    """Objectives by their status today. A rolled-up status is worked out, not stored, so
    this works out every listed objective's state (a fixed number of queries) and keeps
    the ones that match."""

    title = "status today"
    parameter_name = "status"

    def lookups(self, request, model_admin):
        return [*ROLLED_UP_CHOICES, ("none", "No status")]

    def queryset(self, request, queryset):
        wanted = self.value()
        if wanted not in [value for value, _ in ROLLED_UP_CHOICES] + ["none"]:
            return queryset
        states = objective_states_as_at(queryset, timezone.localdate())
        keep = [
            s.objective.pk for s in states if (s.status.value if s.status else "none") == wanted
        ]
        return queryset.filter(pk__in=keep)


@admin.register(Objective)
class ObjectiveAdmin(VersionedAdmin, PlanScoped, _StatesOnPage, HistoryAdmin):
    plan_path = "plan"
    list_display = [
        "reference", "display_title", "plan", "section", "owner_name", "status", "overdue"
    ]  # fmt: skip
    list_display_links = ["reference", "display_title"]
    list_filter = [
        ("plan", admin.RelatedOnlyFieldListFilter),
        ObjectiveStatusFilter,
        ("section", admin.RelatedOnlyFieldListFilter),
        ("owner", PersonFilter),
    ]
    list_select_related = ["plan", "section", "owner"]
    search_fields = ["reference", "title", "description"]
    autocomplete_fields = ["owner"]
    inlines = [ActionInline]
    ordering = ["plan", "section__position", "sort_key"]

    def states_for(self, objectives):
        if not objectives:
            return {}
        states = objective_states_as_at(
            Objective.objects.filter(pk__in=[o.pk for o in objectives]), timezone.localdate()
        )
        return {s.objective.pk: s for s in states}

    @admin.display(description="Title")
    def display_title(self, objective):
        return objective.display_title

    @admin.display(description="Owner", ordering="owner__first_name")
    def owner_name(self, objective):
        return person_on_row(objective, objective.owner) if objective.owner_id else "–"

    @admin.display(description="Status today")
    def status(self, objective):
        state = self.state(objective)
        return _badge(state.status) if state else "–"

    @admin.display(description="Overdue actions")
    def overdue(self, objective):
        state = self.state(objective)
        return len(state.overdue_actions) if state else "–"


# -- actions -------------------------------------------------------------------------


class MilestoneInline(VersionedAdmin, admin.TabularInline):
    model = Milestone
    extra = 0


class ProgressUpdateForm(forms.ModelForm):
    """An update entered in the admin. `user` (set by the admin that draws the form) is who
    records it: only an administrator may date it before today, and that is a correction."""

    achievements = ItemListField()
    evidence = ItemListField()
    user = None

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "as_at" in self.fields and self.instance._state.adding:
            self.fields["as_at"].initial = timezone.localdate()

    def clean_as_at(self):
        as_at = self.cleaned_data["as_at"]
        # Only for a new update or a changed date: an unchanged stored date stays as it is.
        if as_at and (self.instance._state.adding or as_at != self.instance.as_at):
            problem = backdating_problem(user=self.user, as_at=as_at, today=timezone.localdate())
            if problem:
                raise forms.ValidationError(problem)
        return as_at

    def save(self, commit=True):
        update = super().save(commit=False)
        if "as_at" in self.changed_data or update._state.adding:
            update.correction = is_correction(as_at=update.as_at, today=timezone.localdate())
        if commit:
            update.save()
        return update


def _form_for(form_class, user):
    """The form class with the person using it, so its checks know who records."""
    return type(form_class.__name__, (form_class,), {"user": user})


class UpdateInline(PeopleByName, SafeAutocomplete, admin.StackedInline):
    """Updates are append-only: earlier ones are shown read-only, new ones can be added."""

    model = ProgressUpdate
    form = ProgressUpdateForm
    fk_name = "action"
    extra = 0
    fields = ["as_at", "period", "status", "narrative", "achievements", "evidence", "author"]
    autocomplete_fields = ["author"]
    ordering = ["-as_at", "-recorded_at"]

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def get_fields(self, request, obj=None):
        # Only an administrator records an update in someone else's name (a migration of
        # old reports); anyone else's update is theirs, and they see who recorded each.
        if is_administrator(request.user):
            return self.fields
        return [("author_name" if f == "author" else f) for f in self.fields]

    def get_readonly_fields(self, request, obj=None):
        return [] if is_administrator(request.user) else ["author_name"]

    @admin.display(description="Recorded by")
    def author_name(self, update):
        return _recorded_by(update)

    def get_formset(self, request, obj=None, **kwargs):
        kwargs["form"] = _form_for(self.form, request.user)
        return super().get_formset(request, obj, **kwargs)


class ActionStatusFilter(admin.SimpleListFilter):
    title = "status today"
    parameter_name = "status"

    def lookups(self, request, model_admin):
        return [*Status.choices, ("none", "No status")]

    def queryset(self, request, queryset):
        value = self.value()
        if value == "none":
            return queryset.filter(current_status="")
        if value in Status.values:
            return queryset.filter(current_status=value)
        return queryset


class OverdueFilter(admin.SimpleListFilter):
    title = "overdue"
    parameter_name = "overdue"

    def lookups(self, request, model_admin):
        return [("yes", "Overdue"), ("no", "Not overdue")]

    def queryset(self, request, queryset):
        if self.value() in ("yes", "no"):
            return queryset.filter(is_overdue=self.value() == "yes")
        return queryset


@admin.register(Action)
class ActionAdmin(VersionedAdmin, PlanScoped, HistoryAdmin):
    plan_path = "objective__plan"
    list_display = [
        "reference", "short_title", "plan", "owner_name", "due_date", "status", "overdue"
    ]  # fmt: skip
    list_display_links = ["reference", "short_title"]
    list_filter = [
        ("objective__plan", admin.RelatedOnlyFieldListFilter),
        ActionStatusFilter,
        OverdueFilter,
        ("owner", PersonFilter),
    ]
    list_select_related = ["objective__plan", "owner"]
    search_fields = ["reference", "title", "responsible"]
    autocomplete_fields = ["owner", "objective", "delegates"]
    inlines = [MilestoneInline, UpdateInline]
    fieldsets = [
        (
            None,
            {
                "fields": [
                    "objective",
                    "reference",
                    "reference_numbered",
                    "title",
                    "source_reference",
                ]
            },
        ),
        (
            "Who and when",
            {"fields": ["owner", "delegates", "responsible", "timescale", "due_date"]},
        ),
        ("Detail", {"fields": ["benefit", "steps"]}),
    ]

    def get_queryset(self, request):
        return with_status_as_at(super().get_queryset(request), timezone.localdate())

    def save_formset(self, request, form, formset, change):
        for instance in formset.save(commit=False):
            if (
                isinstance(instance, ProgressUpdate)
                and instance._state.adding
                and not is_administrator(request.user)
            ):
                instance.author = request.user
            instance.save()
        for removed in formset.deleted_objects:
            removed.delete()
        formset.save_m2m()

    @admin.display(description="Title")
    def short_title(self, action):
        return str(action).split(" ", 1)[1] if " " in str(action) else action.title

    @admin.display(description="Plan", ordering="objective__plan__title")
    def plan(self, action):
        return action.objective.plan

    @admin.display(description="Owner", ordering="owner__first_name")
    def owner_name(self, action):
        return person_on_row(action, action.owner) if action.owner_id else "–"

    @admin.display(description="Status today", ordering="status_rank")
    def status(self, action):
        return _badge(as_status(action.current_status))

    @admin.display(description="Overdue", boolean=True, ordering="is_overdue")
    def overdue(self, action):
        return action.is_overdue


# -- updates and periods -------------------------------------------------------------


class AreaInline(admin.TabularInline):
    model = AreaForDevelopment
    extra = 1
    fields = ["position", "description", "timescale", "due_date"]

    def has_change_permission(self, request, obj=None):
        return obj is None or is_administrator(request.user)

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(ProgressUpdate)
class ProgressUpdateAdmin(HistoryAdmin):
    """Add an update, or read one. Only an administrator may correct a stored update (the
    correction is recorded in its history); nobody deletes one."""

    form = ProgressUpdateForm
    list_display = [
        "__str__", "subject_plan", "as_at", "status_badge", "author_name", "recorded_at"
    ]  # fmt: skip
    list_filter = ["status", "period", ("author", PersonFilter)]
    list_select_related = ["action__objective__plan", "objective__plan", "author"]
    search_fields = ["action__reference", "objective__reference", "narrative"]
    date_hierarchy = "as_at"
    autocomplete_fields = ["action", "objective", "author"]
    inlines = [AreaInline]

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        if is_administrator(request.user):
            return queryset
        plans = editable_plans(request.user).values("pk")
        return queryset.filter(Q(action__objective__plan__in=plans) | Q(objective__plan__in=plans))

    @staticmethod
    def _stored_plan(update):
        """The plan of the update as stored: a change form being redrawn after a refused
        save holds what was posted (perhaps no action or objective at all)."""
        if not hasattr(update, "_stored_plan"):
            stored = (
                ProgressUpdate.objects.select_related("action__objective__plan", "objective__plan")
                .filter(pk=update.pk)
                .first()
            )
            update._stored_plan = stored.plan if stored else None
        return update._stored_plan

    def has_view_permission(self, request, obj=None):
        allowed = super().has_view_permission(request, obj)
        return allowed and (obj is None or can_edit_plan(request.user, self._stored_plan(obj)))

    def has_change_permission(self, request, obj=None):
        allowed = super().has_change_permission(request, obj)
        return allowed and (obj is None or is_administrator(request.user))

    def has_delete_permission(self, request, obj=None):
        return False

    def get_fields(self, request, obj=None):
        fields = super().get_fields(request, obj)
        if is_administrator(request.user):
            return fields
        return [f for f in fields if f != "author"]

    def get_readonly_fields(self, request, obj=None):
        readonly = list(super().get_readonly_fields(request, obj))
        return readonly if is_administrator(request.user) else [*readonly, "author_name"]

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        scoped = _scoped_choices(db_field.name, request.user)
        if scoped is not None:
            kwargs["queryset"] = scoped
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def get_form(self, request, obj=None, change=False, **kwargs):
        kwargs["form"] = _form_for(self.form, request.user)
        return super().get_form(request, obj, change, **kwargs)

    def save_model(self, request, obj, form, change):
        if not change and not is_administrator(request.user):
            obj.author = request.user
        obj.save(administrator_edit=change)

    @admin.display(description="Plan")
    def subject_plan(self, update):
        subject = update.action.objective if update.action else update.objective
        return subject.plan

    @admin.display(description="Status", ordering="status")
    def status_badge(self, update):
        return _badge(as_status(update.status))

    @admin.display(description="Recorded by", ordering="author__first_name")
    def author_name(self, update):
        return _recorded_by(update, getattr(update, "people", None))


@admin.register(ReportingPeriod)
class ReportingPeriodAdmin(PlanScoped, HistoryAdmin):
    """Each plan's reporting periods (generated from its start date and cadence: see
    the plan's "Generate missing reporting periods" action), added or changed by hand."""

    plan_path = "plan"
    list_display = ["name", "plan", "start", "end", "update_deadline"]
    list_filter = [("plan", admin.RelatedOnlyFieldListFilter)]
    list_select_related = ["plan"]
    search_fields = ["name"]
    date_hierarchy = "start"
    ordering = ["plan", "-start"]

    def has_add_permission(self, request):
        return super().has_add_permission(request) and editable_plans(request.user).exists()


@admin.register(Section)
class SectionAdmin(VersionedAdmin, PlanScoped, HistoryAdmin):
    plan_path = "plan"
    list_display = ["title", "plan", "position"]
    list_filter = [("plan", admin.RelatedOnlyFieldListFilter)]
    search_fields = ["title"]


# -- importing a plan from a spreadsheet ----------------------------------------------

from django.shortcuts import redirect  # noqa: E402

from improvement.models import PendingImport  # noqa: E402
from improvement.workbook.services import can_import_plans  # noqa: E402


@admin.register(PendingImport)
class PlanImportAdmin(admin.ModelAdmin):
    """The admin's way to the import page: "Plan imports" in the admin's list opens it.
    (Uploads waiting for confirmation are not edited here; they expire in an hour.)"""

    def has_module_permission(self, request):
        return can_import_plans(request.user)

    def has_view_permission(self, request, obj=None):
        return self.has_module_permission(request)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def changelist_view(self, request, extra_context=None):
        return redirect("plan-import")


# -- column mappings saved by a document import --------------------------------------

from django.utils.html import format_html_join  # noqa: E402

from improvement.models.imports import SavedColumnMapping  # noqa: E402
from improvement.workbook.mapping import FIELD_LABELS  # noqa: E402


class SavedColumnMappingForm(forms.ModelForm):
    """A mapping's fields and status labels, checked as an import reads them: one known
    field (or "" for not imported) per heading, and labels that mean standard statuses."""

    class Meta:
        model = SavedColumnMapping
        fields = ["fields", "statuses"]
        help_texts = {
            "fields": "One entry per heading, in order, each one of: "
            + ", ".join(f'"{key}"' for key in FIELD_LABELS)
            + ' or "" (not imported).',
            "statuses": 'Each status word the table uses, as {"achieved": "complete"}; the '
            "standard statuses are " + ", ".join(f'"{s.value}"' for s in Status) + ".",
        }

    def clean_fields(self):
        fields = self.cleaned_data["fields"]
        headings = self.instance.headings or []
        if not isinstance(fields, list) or len(fields) != len(headings):
            raise ValidationError(
                f"Give a list of {len(headings)} fields, one for each heading, in order."
            )
        unknown = [f for f in fields if not isinstance(f, str) or (f and f not in FIELD_LABELS)]
        if unknown:
            raise ValidationError(
                f"{', '.join(repr(f) for f in unknown)} is not a field a column can go to."
            )
        return fields

    def clean_statuses(self):
        statuses = self.cleaned_data["statuses"] or {}
        if not isinstance(statuses, dict) or not all(
            isinstance(label, str) and label.strip() and status in Status.values
            for label, status in statuses.items()
        ):
            raise ValidationError(
                'Give each label with its standard status, as {"achieved": "complete"}.'
            )
        return {" ".join(label.split()).casefold(): status for label, status in statuses.items()}


@admin.register(SavedColumnMapping)
class SavedColumnMappingAdmin(PlanScoped, admin.ModelAdmin):
    """How a council's own tables were mapped to a plan's fields, saved by a document
    import (and carried by the plan's workbook). Administrators see every mapping; a
    plan editor those of the plans they edit. Mappings are made by importing, so none is
    added here; a wrong one is corrected or deleted. Another plan's mapping is not found
    (404), whichever page asks for it."""

    plan_path = "plan"
    form = SavedColumnMappingForm
    list_display = ["headings_shown", "plan", "organisation", "saved_by", "saved_at"]
    list_filter = [("plan", admin.RelatedOnlyFieldListFilter)]
    list_select_related = ["plan", "saved_by"]
    search_fields = ["organisation", "plan__title"]
    readonly_fields = ["plan", "organisation", "columns", "saved_by", "saved_at"]
    fields = ["plan", "organisation", "columns", "fields", "statuses", "saved_by", "saved_at"]

    def has_add_permission(self, request):
        return False

    def _plan_of(self, obj):
        return obj.plan

    def _allowed(self, request, obj) -> bool:
        if obj is None or is_administrator(request.user):
            return True
        return obj.plan is not None and can_edit_plan(request.user, obj.plan)

    def has_view_permission(self, request, obj=None):
        return admin.ModelAdmin.has_view_permission(self, request, obj) and self._allowed(
            request, obj
        )

    def has_change_permission(self, request, obj=None):
        return admin.ModelAdmin.has_change_permission(self, request, obj) and self._allowed(
            request, obj
        )

    def has_delete_permission(self, request, obj=None):
        return admin.ModelAdmin.has_delete_permission(self, request, obj) and self._allowed(
            request, obj
        )

    def _in_scope(self, request, object_id) -> bool:
        try:
            pk = self.model._meta.pk.to_python(unquote(object_id))
        except ValidationError:
            return False
        return self.get_queryset(request).filter(pk=pk).exists()

    def change_view(self, request, object_id, form_url="", extra_context=None):
        # The admin's own answer to an object outside its queryset is a redirect with
        # "does not exist"; here it is a plain 404, as for every other plan's object.
        if not self._in_scope(request, object_id):
            raise Http404
        return super().change_view(request, object_id, form_url, extra_context)

    def delete_view(self, request, object_id, extra_context=None):
        if not self._in_scope(request, object_id):
            raise Http404
        return super().delete_view(request, object_id, extra_context)

    def history_view(self, request, object_id, extra_context=None):
        if not self._in_scope(request, object_id):
            raise Http404
        return super().history_view(request, object_id, extra_context)

    @admin.display(description="Headings")
    def headings_shown(self, mapping):
        text = " | ".join(h or "(blank)" for h in mapping.headings)
        return text if len(text) <= 100 else text[:99] + "…"

    @admin.display(description="Columns")
    def columns(self, mapping):
        fields = list(mapping.fields) + [""] * len(mapping.headings)
        return format_html_join(
            "",
            "<p>{} → {}</p>",
            (
                (heading or "(no heading)", FIELD_LABELS.get(field, field) or "not imported")
                for heading, field in zip(mapping.headings, fields, strict=False)
            ),
        )


# -- reports saved as issued -----------------------------------------------------------

from improvement.models import SavedReport  # noqa: E402 - kept beside its admin


@admin.register(SavedReport)
class SavedReportAdmin(PeopleByName, admin.ModelAdmin):
    """Reports saved as issued are kept as they were: nobody adds or changes one here.
    Only an administrator may delete one (one saved by mistake, say); the file itself is
    downloaded through the app's archive, which checks who may read the plan."""

    list_display = [
        "file_name", "plan", "kind", "format", "as_at", "saved_by_name", "saved_at", "size"
    ]  # fmt: skip
    list_filter = ["kind", "format", "plan"]
    search_fields = ["file_name", "plan__title"]
    date_hierarchy = "saved_at"
    exclude = ["data", "saved_by"]
    readonly_fields = [
        "plan",
        "kind",
        "format",
        "as_at",
        "since",
        "saved_by_name",
        "saved_at",
        "file_name",
        "content_type",
        "size",
        "sha256",
        "download",
    ]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("plan", "saved_by").defer("data")

    def has_module_permission(self, request):
        return is_administrator(request.user)

    def has_view_permission(self, request, obj=None):
        return is_administrator(request.user)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return is_administrator(request.user)

    def delete_model(self, request, obj):
        obj.delete(administrator_delete=True)

    @admin.display(description="Saved by", ordering="saved_by__first_name")
    def saved_by_name(self, saved):
        return person_on_row(saved, saved.saved_by)

    def delete_queryset(self, request, queryset):
        for saved in queryset:
            saved.delete(administrator_delete=True)

    @admin.display(description="File")
    def download(self, saved):
        from django.utils.html import format_html

        url = saved.get_absolute_url()
        return format_html('<a href="{}">Download {}</a>', url, saved.file_name)
