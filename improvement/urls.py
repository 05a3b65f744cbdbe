"""URLs of the improvement pages."""

from django.urls import path

from improvement.views import actions, dashboard, mine, plans, progress, work

urlpatterns = [
    path("dashboard/", dashboard.dashboard_page, name="dashboard"),
    path("my-actions/", mine.my_actions_page, name="my-actions"),
    path("account/email/", mine.preferences, name="preferences"),
    path("plans/", plans.plan_list, name="plan-list"),
    path("plans/<slug:slug>/", plans.plan_detail, name="plan-detail"),
    path("objectives/<int:pk>/", work.objective_detail, name="objective-detail"),
    path("objectives/<int:pk>/update/", progress.objective_update, name="objective-update"),
    path("actions/", actions.action_list, name="action-list"),
    path("actions/<int:pk>/", work.action_detail, name="action-detail"),
    path("actions/<int:pk>/update/", progress.action_update, name="action-update"),
    path("evidence/<uuid:public_id>/", progress.evidence_file, name="evidence-file"),
    path("sign-off/", progress.sign_off_list, name="sign-off-list"),
    path("updates/<int:pk>/sign-off/", progress.sign_off, name="sign-off"),
]
