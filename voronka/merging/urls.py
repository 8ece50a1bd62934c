from django.urls import path

from . import views

app_name = "merging"

urlpatterns = [
    path("leads/<int:pk>/convert/", views.lead_convert, name="lead-convert"),
    path("duplicates/", views.duplicate_list, name="duplicates"),
    path("duplicates/<str:kind>/merge/", views.merge_view, name="merge"),
    path("duplicates/merges/<int:pk>/undo/", views.merge_undo, name="merge-undo"),
]
