from django.urls import path

from . import views

app_name = "mail"

urlpatterns = [
    path("mail/", views.inbox, name="inbox"),
    path("mail/threads/<int:pk>/", views.thread, name="thread"),
    path("mail/letters/<int:pk>/body/", views.message_body, name="message-body"),
    path("mail/letters/<int:pk>/images/", views.message_images, name="message-images"),
    path("mail/letters/<int:pk>/original/", views.original, name="original"),
    path("mail/letters/<int:pk>/retry/", views.message_retry, name="message-retry"),
    path("mail/letters/<int:pk>/contact/", views.message_to_contact, name="message-contact"),
    path("mail/letters/<int:pk>/lead/", views.message_to_lead, name="message-lead"),
    path("mail/attachments/<int:pk>/", views.attachment, name="attachment"),
    path("mail/compose/", views.compose, name="compose"),
    path("mail/compose/template/", views.compose_template, name="compose-template"),
    path("mail/mailboxes/", views.mailbox_list, name="mailbox-list"),
    path("mail/mailboxes/new/", views.mailbox_edit, name="mailbox-create"),
    path("mail/mailboxes/<int:pk>/", views.mailbox_edit, name="mailbox-edit"),
    path("mail/mailboxes/<int:pk>/check/", views.mailbox_check, name="mailbox-check"),
    path("mail/mailboxes/<int:pk>/sync/", views.mailbox_sync, name="mailbox-sync"),
    path("mail/templates/", views.template_list, name="template-list"),
    path("mail/templates/new/", views.template_edit, name="template-create"),
    path("mail/templates/<int:pk>/", views.template_edit, name="template-edit"),
    path("mail/templates/<int:pk>/delete/", views.template_delete, name="template-delete"),
    path("mail/signature/", views.signature, name="signature"),
]
