from django.urls import path

from . import bulk, rates, views

app_name = "web"

urlpatterns = [
    path("", views.home, name="home"),
    path("search/", views.search, name="search"),
    path("r/<str:entity>/<int:pk>/", views.record, name="record"),
    path("bulk/<str:entity>/", bulk.bulk_action, name="bulk"),
    path("settings/rates/", rates.rates, name="rates"),
    path("settings/rates/load/", rates.rates_load, name="rates-load"),
]
