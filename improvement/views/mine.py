"""The pages about the signed-in person: where they land, "my actions", their settings."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from improvement.context_processors import records_progress
from improvement.forms import PreferenceForm
from improvement.models import NotificationPreference
from improvement.selectors import actions_looked_after_by
from improvement.task_list import looked_after_objectives, task_list


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    """Action owners start at their task list; everyone else at the dashboard."""
    user = request.user
    if records_progress(user) and (
        actions_looked_after_by(user).exists() or looked_after_objectives(user).exists()
    ):
        return redirect("my-actions")
    return redirect("dashboard")


@require_GET
def my_actions_page(request: HttpRequest) -> HttpResponse:
    """The person's task list: every action and objective they look after, by what it
    needs this period (`improvement.task_list`)."""
    if not records_progress(request.user):
        raise PermissionDenied  # viewers and clerks record no progress
    today = timezone.localdate()
    return render(
        request,
        "improvement/my_actions.html",
        {"mine": task_list(request.user, today), "today": today},
    )


@require_http_methods(["GET", "POST"])
def preferences(request: HttpRequest) -> HttpResponse:
    preference, _ = NotificationPreference.objects.get_or_create(user=request.user)
    if request.method == "POST":
        form = PreferenceForm(request.POST)
        if form.is_valid():
            preference.weekly_digest = form.cleaned_data["weekly_digest"]
            preference.save()
            messages.success(request, "Your email settings are saved.")
            return redirect("preferences")
    else:
        form = PreferenceForm(initial={"weekly_digest": preference.weekly_digest})
    return render(request, "improvement/preferences.html", {"form": form})
