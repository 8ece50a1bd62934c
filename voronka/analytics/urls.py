from django.urls import path

from . import views

app_name = "reports"

urlpatterns = [
    path("reports/", views.dashboard, name="dashboard"),
    path("reports/funnel/", views.funnel, name="funnel"),
    path("reports/export/<slug:block>.<slug:fmt>", views.export, name="export"),
]
