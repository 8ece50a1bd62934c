from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("", include("voronka.web.urls")),
    path("", include("voronka.contacts.urls")),
    path("", include("voronka.sales.urls")),
    path("", include("voronka.leads.urls")),
    path("", include("voronka.activities.urls")),
    path("", include("voronka.notifications.urls")),
    path("", include("voronka.calendars.urls")),
    path("", include("voronka.automation.urls")),
    path("", include("voronka.handover.urls")),
    path("", include("voronka.merging.urls")),
    path("", include("voronka.mail.urls")),
    path("", include("voronka.catalog.urls")),
    path("", include("voronka.documents.urls")),
    path("", include("voronka.service.urls")),
    path("", include("voronka.imports.urls")),
    path("", include("voronka.analytics.urls")),
    path("", include("voronka.staff.urls")),
    path("", include("voronka.marketing.urls")),
    path("", include("voronka.administration.urls")),
    path("accounts/", include("voronka.web.accounts_urls")),
    path("api/v1/", include("voronka.api.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
]

handler403 = "voronka.web.views.error_403"
handler404 = "voronka.web.views.error_404"
handler500 = "voronka.web.views.error_500"

# MEDIA_ROOT is never served: attachments and documents are downloaded through their pages,
# which ask the access layer (a file's storage path is no URL).
