from django.urls import path

from . import views

app_name = "imports"

urlpatterns = [
    path("import/", views.import_start, name="start"),
    path("import/<int:pk>/", views.job_detail, name="job"),
    path("import/<int:pk>/progress/", views.job_progress, name="progress"),
    path("import/<int:pk>/run/", views.job_run, name="run"),
    path("import/<int:pk>/mapping/", views.job_reconfigure, name="reconfigure"),
    path("import/<int:pk>/undo/", views.job_undo, name="undo"),
    path("import/<int:pk>/errors.csv", views.job_report, name="report"),
    path("contacts/<int:pk>/vcard/", views.contact_vcard, name="contact-vcard"),
    path("contacts/vcard/", views.contacts_vcard, name="contacts-vcard"),
]
