from django.contrib import admin

from .models import Company, Contact


@admin.register(Company)
class CompanyAdmin(admin.ModelAdmin):
    list_display = ["name", "city", "owner", "created_at"]
    search_fields = ["name"]
    raw_id_fields = ["owner"]
    show_full_result_count = False


@admin.register(Contact)
class ContactAdmin(admin.ModelAdmin):
    list_display = ["last_name", "first_name", "company", "owner"]
    raw_id_fields = ["owner", "company"]
    show_full_result_count = False
