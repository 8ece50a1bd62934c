from django.urls import path

from . import bulk, views
from .rates import views as rate_views

app_name = "core"

urlpatterns = [
    path("", views.home, name="home"),
    path("search/", views.search, name="search"),
    path("r/<str:entity>/<int:pk>/", views.record, name="record"),
    path("bulk/<str:entity>/", bulk.bulk_action, name="bulk"),
    path("settings/rates/", rate_views.rates, name="rates"),
    path("settings/rates/load/", rate_views.rates_load, name="rates-load"),
]
