from django.urls import path

from . import views

app_name = "activities"

urlpatterns = [
    path("activities/", views.activity_list, name="activity-list"),
    path("activities/new/", views.activity_create, name="activity-create"),
    path("activities/export/", views.activity_export, name="activity-export"),
    path("activities/<int:pk>/", views.activity_detail, name="activity-detail"),
    path("activities/<int:pk>/edit/", views.activity_edit, name="activity-edit"),
    path("activities/<int:pk>/done/", views.activity_toggle_done, name="activity-done"),
    path("activities/<int:pk>/delete/", views.activity_delete, name="activity-delete"),
]
