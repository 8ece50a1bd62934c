from django.urls import path

from . import views

app_name = "automation"

urlpatterns = [
    path("settings/date-rules/", views.date_rule_list, name="date-rule-list"),
    path("settings/date-rules/<int:pk>/", views.date_rule_edit, name="date-rule-edit"),
]
