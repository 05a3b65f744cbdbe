"""URLs of the improvement pages."""

from django.urls import path

from improvement.views import (
    actions,
    board_pack,
    dashboard,
    document_import,
    house_style,
    mine,
    objectives,
    plans,
    progress,
    reports,
    work,
    workbook,
)

urlpatterns = [
    path("dashboard/", dashboard.dashboard_page, name="dashboard"),
    path("my-actions/", mine.my_actions_page, name="my-actions"),
    path("account/email/", mine.preferences, name="preferences"),
    path("plans/", plans.plan_list, name="plan-list"),
    path("plans/<slug:slug>/", plans.plan_detail, name="plan-detail"),
    path("plans/<slug:slug>/report/", reports.plan_report, name="plan-report"),
    path("plans/<slug:slug>/report/save/", reports.report_save, name="plan-report-save"),
    path("plans/<slug:slug>/exceptions/", reports.plan_exceptions, name="plan-exceptions"),
    path("reports/archive/", reports.report_archive, name="report-archive"),
    path("reports/archive/<int:pk>/", reports.saved_report_download, name="saved-report-download"),
    path("reports/board-packs/", board_pack.board_packs, name="board-packs"),
    path("reports/board-packs/<int:pk>/", board_pack.board_pack_detail, name="board-pack"),
    path(
        "reports/board-packs/<int:pk>/progress.json",
        board_pack.board_pack_status,
        name="board-pack-status",
    ),
    path(
        "reports/board-packs/<int:pk>/download/",
        board_pack.board_pack_download,
        name="board-pack-download",
    ),
    path("reports/word-template/", house_style.house_style_page, name="house-style"),
    path(
        "reports/word-template/<int:pk>/",
        house_style.house_style_download,
        name="house-style-download",
    ),
    path(
        "reports/word-template/<int:pk>/remove/",
        house_style.house_style_remove,
        name="house-style-remove",
    ),
    path("objectives/", objectives.objective_list, name="objective-list"),
    path("objectives/<int:pk>/", work.objective_detail, name="objective-detail"),
    path("objectives/<int:pk>/update/", progress.objective_update, name="objective-update"),
    path("actions/", actions.action_list, name="action-list"),
    path("actions/<int:pk>/", work.action_detail, name="action-detail"),
    path("actions/<int:pk>/update/", progress.action_update, name="action-update"),
    path("evidence/<uuid:public_id>/", progress.evidence_file, name="evidence-file"),
    path("sign-off/", progress.sign_off_list, name="sign-off-list"),
    path("updates/<int:pk>/sign-off/", progress.sign_off, name="sign-off"),
    path("plans/<slug:slug>/export/", workbook.plan_export_page, name="plan-export"),
    path("plan-workbooks/import/", workbook.plan_import_page, name="plan-import"),
    path(
        "plan-workbooks/import/confirm/",
        workbook.plan_import_confirm,
        name="plan-import-confirm",
    ),
    path(
        "plan-workbooks/import/labels/",
        workbook.plan_import_labels,
        name="plan-import-labels",
    ),
    path("plan-workbooks/template.xlsx", workbook.workbook_template, name="workbook-template"),
    path("plan-workbooks/example.xlsx", workbook.workbook_example, name="workbook-example"),
]

# Importing a plan from a council's own Word document or tracker.
urlpatterns += [
    path("plan-documents/import/", document_import.document_import_page, name="document-import"),
    path(
        "plan-documents/import/<uuid:token>/",
        document_import.document_import_check,
        name="document-import-check",
    ),
    path(
        "plan-documents/import/<uuid:token>/confirm/",
        document_import.document_import_confirm,
        name="document-import-confirm",
    ),
    path(
        "plan-documents/import/<uuid:token>/labels/",
        document_import.document_import_labels,
        name="document-import-labels",
    ),
]
