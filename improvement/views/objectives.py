"""The objective list: filter by plan, organisation, section, owner, status and evidence."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from improvement.objective_list import ObjectiveFilterForm, objectives_for, page_of


@require_GET
def objective_list(request: HttpRequest) -> HttpResponse:
    form = ObjectiveFilterForm(request.GET, user=request.user)
    objectives = objectives_for(request.user, form)
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "improvement/objective_list.html",
        {
            "form": form,
            "page": page_of(objectives, request.GET.get("page")),
            "count": len(objectives),
            "query": query.urlencode(),
        },
    )
