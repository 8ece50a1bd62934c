from django.contrib import admin

from .models import Activity


@admin.register(Activity)
class ActivityAdmin(admin.ModelAdmin):
    list_display = ["subject", "kind", "due_at", "done", "owner"]
    raw_id_fields = ["owner", "company", "contact", "deal"]
    show_full_result_count = False
