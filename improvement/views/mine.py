"""The pages about the signed-in person: where they land, "my actions", their settings."""

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from improvement.forms import PreferenceForm
from improvement.models import NotificationPreference
from improvement.selectors import actions_looked_after_by, my_actions


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    """Action owners start at their actions; everyone else at the dashboard."""
    if actions_looked_after_by(request.user).exists():
        return redirect("my-actions")
    return redirect("dashboard")


@require_GET
def my_actions_page(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    return render(
        request,
        "improvement/my_actions.html",
        {"mine": my_actions(request.user, today), "today": today},
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
