from django.urls import path

from voronka.ui import values

from . import views

app_name = "contacts"

urlpatterns = [
    *values.urls(views.REGIONS, "settings/regions/"),
    *values.urls(views.INDUSTRIES, "settings/industries/"),
    path("companies/", views.company_list, name="company-list"),
    path("companies/new/", views.company_create, name="company-create"),
    path("companies/export/", views.company_export, name="company-export"),
    path("companies/autocomplete/", views.company_autocomplete, name="company-autocomplete"),
    path("companies/<int:pk>/", views.company_detail, name="company-detail"),
    path("companies/<int:pk>/edit/", views.company_edit, name="company-edit"),
    path("companies/<int:pk>/delete/", views.company_delete, name="company-delete"),
    path("contacts/", views.contact_list, name="contact-list"),
    path("contacts/new/", views.contact_create, name="contact-create"),
    path("contacts/export/", views.contact_export, name="contact-export"),
    path("contacts/autocomplete/", views.contact_autocomplete, name="contact-autocomplete"),
    path("contacts/<int:pk>/", views.contact_detail, name="contact-detail"),
    path("contacts/<int:pk>/edit/", views.contact_edit, name="contact-edit"),
    path("contacts/<int:pk>/delete/", views.contact_delete, name="contact-delete"),
]
