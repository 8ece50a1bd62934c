from django.urls import path

from . import public, views

app_name = "service"

urlpatterns = [
    path("cases/", views.case_list, name="case-list"),
    path("cases/new/", views.case_create, name="case-create"),
    path("cases/board/", views.case_board, name="case-board"),
    path("cases/autocomplete/", views.case_autocomplete, name="case-autocomplete"),
    path("cases/<int:pk>/", views.case_detail, name="case-detail"),
    path("cases/<int:pk>/edit/", views.case_edit, name="case-edit"),
    path("cases/<int:pk>/delete/", views.case_delete, name="case-delete"),
    path("cases/<int:pk>/status/", views.case_status, name="case-status"),
    path("cases/<int:pk>/take/", views.case_take, name="case-take"),
    path("settings/sla/", views.sla_settings, name="sla-settings"),
    path("deals/<int:pk>/stakeholders/", views.stakeholder_graph, name="stakeholder-graph"),
    path("deals/<int:pk>/stakeholders/add/", views.stakeholder_add, name="stakeholder-add"),
    path("stakeholders/<int:pk>/delete/", views.stakeholder_delete, name="stakeholder-delete"),
    path("profile/deputies/", views.deputies, name="deputies"),
    path("profile/deputies/<int:pk>/end/", views.deputy_end, name="deputy-end"),
    path("rate/<str:key>/", public.rate, name="rate"),
]
