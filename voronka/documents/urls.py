from django.urls import path

from . import views

app_name = "documents"

urlpatterns = [
    path("documents/", views.document_list, name="list"),
    path("deals/<int:pk>/documents/new/", views.document_create, name="create"),
    path("documents/payments/import/", views.payments_import, name="payments-import"),
    path("documents/<int:pk>/", views.document_detail, name="detail"),
    path("documents/<int:pk>/file.<str:kind>", views.document_file, name="file-of"),
    path("documents/<int:pk>/payments/", views.payment_add, name="payment-add"),
    path("documents/<int:pk>/cancel/", views.invoice_cancel, name="cancel"),
    path("documents/<int:pk>/send/", views.document_send, name="send"),
    path("files/<str:entity>/<int:pk>/upload/", views.file_upload, name="file-upload"),
    path("files/<int:pk>/", views.file_download, name="file"),
    path("files/<int:pk>/delete/", views.file_delete, name="file-delete"),
    path("settings/requisites/", views.requisites_edit, name="requisites"),
    path("settings/document-types/", views.document_type_list, name="type-list"),
    path("settings/document-types/new/", views.document_type_edit, name="type-create"),
    path("settings/document-types/<int:pk>/", views.document_type_edit, name="type-edit"),
]
