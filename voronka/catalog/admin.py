"""The catalogue's reference tables in the administration site: a change of VAT law is a new
row of the VAT table; units and product groups are edited here too."""

from django.contrib import admin

from .models import ProductGroup, Unit, VatRate


@admin.register(VatRate)
class VatRateAdmin(admin.ModelAdmin):
    list_display = ["country", "kind", "rate", "valid_from"]
    list_filter = ["country", "kind"]


@admin.register(Unit)
class UnitAdmin(admin.ModelAdmin):
    list_display = ["short_name", "code", "name"]


@admin.register(ProductGroup)
class ProductGroupAdmin(admin.ModelAdmin):
    list_display = ["name", "order"]
