"""URLs of the improvement pages."""

from django.urls import path

from improvement.views import plans, work

urlpatterns = [
    path("plans/", plans.plan_list, name="plan-list"),
    path("plans/<slug:slug>/", plans.plan_detail, name="plan-detail"),
    path("objectives/<int:pk>/", work.objective_detail, name="objective-detail"),
    path("actions/<int:pk>/", work.action_detail, name="action-detail"),
]
