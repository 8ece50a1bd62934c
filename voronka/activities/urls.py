from django.urls import path

from . import settings_views, views

app_name = "activities"

urlpatterns = [
    path("activities/", views.activity_list, name="activity-list"),
    path("activities/new/", views.activity_create, name="activity-create"),
    path("activities/quick/", views.activity_quick, name="activity-quick"),
    path("activities/export/", views.activity_export, name="activity-export"),
    path("activities/<int:pk>/", views.activity_detail, name="activity-detail"),
    path("activities/<int:pk>/edit/", views.activity_edit, name="activity-edit"),
    path("activities/<int:pk>/done/", views.activity_toggle_done, name="activity-done"),
    path("activities/<int:pk>/complete/", views.activity_complete, name="activity-complete"),
    path("activities/<int:pk>/delete/", views.activity_delete, name="activity-delete"),
    path(
        "settings/activity-types/",
        settings_views.activity_type_list,
        name="activity-type-list",
    ),
    path(
        "settings/activity-types/<int:pk>/",
        settings_views.activity_type_edit,
        name="activity-type-edit",
    ),
    path(
        "settings/activity-types/<int:pk>/delete/",
        settings_views.activity_type_delete,
        name="activity-type-delete",
    ),
    path("settings/outcomes/", settings_views.outcome_list, name="outcome-list"),
    path("settings/outcomes/<int:pk>/", settings_views.outcome_edit, name="outcome-edit"),
    path(
        "settings/outcomes/<int:pk>/delete/",
        settings_views.outcome_delete,
        name="outcome-delete",
    ),
]
