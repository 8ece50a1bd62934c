from django.urls import path

from . import views

app_name = "handover"

urlpatterns = [
    path("handover/", views.handover_view, name="handover"),
]
