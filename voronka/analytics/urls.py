from django.urls import path

from . import (
    views,
    views_builder,
    views_classification,
    views_leads,
    views_plans,
    views_receivables,
    views_scorecard,
    views_service,
)

app_name = "reports"

urlpatterns = [
    path("reports/", views.dashboard, name="dashboard"),
    path("reports/block/<slug:block>/", views.block, name="block"),
    path("reports/layout/", views.layout, name="layout"),
    path("reports/export/<slug:block>.<slug:fmt>", views.export, name="export"),
    path("reports/abc-xyz/", views_classification.matrix, name="abc-xyz"),
    path("reports/leads/", views_leads.lead_report, name="leads"),
    path("reports/service/", views_service.service_report, name="service"),
    path("reports/scorecard/", views_scorecard.scorecard_page, name="scorecard"),
    path("reports/builder/", views_builder.report_list, name="builder"),
    path("reports/builder/new/", views_builder.report_edit, name="builder-new"),
    path("reports/builder/<int:pk>/", views_builder.report_run, name="builder-run"),
    path("reports/builder/<int:pk>/edit/", views_builder.report_edit, name="builder-edit"),
    path("reports/builder/<int:pk>/delete/", views_builder.report_delete, name="builder-delete"),
    path(
        "reports/builder/<int:pk>/export.<str:fmt>",
        views_builder.report_export,
        name="builder-export",
    ),
    path("reports/receivables/", views_receivables.receivables_page, name="receivables"),
    path("reports/plans/", views_plans.plan_list, name="plans"),
    path("reports/plans/new/", views_plans.plan_edit, name="plan-new"),
    path("reports/plans/<int:pk>/", views_plans.plan_edit, name="plan-edit"),
    path("reports/plans/<int:pk>/delete/", views_plans.plan_delete, name="plan-delete"),
    path(
        "reports/scorecard/export.<str:fmt>",
        views_scorecard.scorecard_export,
        name="scorecard-export",
    ),
    path(
        "reports/abc-xyz/settings/",
        views_classification.settings_view,
        name="classification-settings",
    ),
]
