from django.urls import path

from voronka.ui import values

from . import public, views

app_name = "leads"

urlpatterns = [
    path("leads/", views.lead_list, name="lead-list"),
    path("leads/new/", views.lead_create, name="lead-create"),
    path("leads/board/", views.lead_board, name="lead-board"),
    path("leads/export/", views.lead_export, name="lead-export"),
    path("leads/autocomplete/", views.lead_autocomplete, name="lead-autocomplete"),
    path("leads/<int:pk>/", views.lead_detail, name="lead-detail"),
    path("leads/<int:pk>/edit/", views.lead_edit, name="lead-edit"),
    path("leads/<int:pk>/delete/", views.lead_delete, name="lead-delete"),
    path("leads/<int:pk>/status/", views.lead_status, name="lead-status"),
    path("leads/<int:pk>/take/", views.lead_take, name="lead-take"),
    path("settings/leads/", views.lead_settings, name="settings"),
    *values.urls(views.DISQUALIFICATION_REASONS, "settings/disqualification-reasons/"),
    path("forms/", views.form_list, name="form-list"),
    path("forms/new/", views.form_edit, name="form-create"),
    path("forms/<int:pk>/", views.form_edit, name="form-edit"),
    path("forms/<int:pk>/delete/", views.form_delete, name="form-delete"),
    path("f/<str:key>/", public.public_form, name="public-form"),
]
