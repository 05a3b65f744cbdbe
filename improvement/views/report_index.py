"""The "Reports" page: every report of every plan the person may read (progress and
exceptions, each as a page and in each file format), and the way in to the archive of
reports saved as issued, board packs and the Word template.

Everyone who may read a plan may export it (`improvement.export_plan`), so the page lists
`visible_plans`; someone signed in without a role gets 403, as on the other pages they
have no use for. Two queries whatever the number of plans.
"""

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from improvement.house_style import can_manage
from improvement.permissions import user_roles, visible_plans
from improvement.views.reports import DOWNLOADS, Format

# The report's page first (choose the date and the cover), then its files as at today.
REPORTS = [("plan-report", "Progress report"), ("plan-exceptions", "Exceptions report")]
FILES = [(fmt, label) for fmt, label in DOWNLOADS if fmt != Format.HTML]


@require_GET
def reports_page(request: HttpRequest) -> HttpResponse:
    if not user_roles(request.user):
        raise PermissionDenied  # signed in, but not given a role in the service yet
    plans = (
        visible_plans(request.user).order_by("title", "pk").only("slug", "title", "organisation")
    )
    return render(
        request,
        "improvement/reports/index.html",
        {
            "plans": plans,
            "reports": REPORTS,
            "files": FILES,
            "manages_word_template": can_manage(request.user),
        },
    )
