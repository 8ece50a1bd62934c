from django.urls import path

from . import health, views

app_name = "administration"

urlpatterns = [
    path("healthz", health.healthz, name="healthz"),
    path("trash/", views.trash_list, name="trash"),
    path("trash/empty/", views.trash_empty, name="trash-empty"),
    path("trash/<int:pk>/restore/", views.trash_restore, name="trash-restore"),
    path("trash/<int:pk>/purge/", views.trash_purge, name="trash-purge"),
    path("settings/webhooks/", views.webhook_list, name="webhook-list"),
    path("settings/webhooks/<int:pk>/", views.webhook_edit, name="webhook-edit"),
    path("settings/workflow/", views.rule_list, name="rule-list"),
    path("settings/workflow/<int:pk>/", views.rule_edit, name="rule-edit"),
]
