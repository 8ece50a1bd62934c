from django.urls import path

from . import views

app_name = "catalog"

urlpatterns = [
    path("catalog/", views.product_list, name="product-list"),
    path("catalog/new/", views.product_edit, name="product-create"),
    path("catalog/<int:pk>/", views.product_edit, name="product-edit"),
    path("price-lists/", views.price_list_list, name="price-list-list"),
    path("price-lists/new/", views.price_list_create, name="price-list-create"),
    path("price-lists/search/", views.price_search, name="price-search"),
    path("price-lists/<int:pk>/", views.price_list_detail, name="price-list-detail"),
    path("settings/price-list-types/", views.price_list_type_list, name="type-list"),
    path("settings/price-list-types/new/", views.price_list_type_edit, name="type-create"),
    path("settings/price-list-types/<int:pk>/", views.price_list_type_edit, name="type-edit"),
]
