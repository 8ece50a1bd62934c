from django.urls import path

from . import views, views_classification, views_scorecard

app_name = "reports"

urlpatterns = [
    path("reports/", views.dashboard, name="dashboard"),
    path("reports/block/<slug:block>/", views.block, name="block"),
    path("reports/layout/", views.layout, name="layout"),
    path("reports/export/<slug:block>.<slug:fmt>", views.export, name="export"),
    path("reports/abc-xyz/", views_classification.matrix, name="abc-xyz"),
    path("reports/scorecard/", views_scorecard.scorecard_page, name="scorecard"),
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
