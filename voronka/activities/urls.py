from django.urls import path

from voronka.ui import values

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
    *values.urls(settings_views.ACTIVITY_TYPES, "settings/activity-types/"),
    *values.urls(settings_views.OUTCOMES, "settings/outcomes/"),
]
