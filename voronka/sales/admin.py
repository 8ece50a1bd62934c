from django.contrib import admin

from .models import Deal, LeadSource, Pipeline, Stage


class StageInline(admin.TabularInline):
    model = Stage
    extra = 0


@admin.register(Pipeline)
class PipelineAdmin(admin.ModelAdmin):
    list_display = ["name", "order", "is_active"]
    inlines = [StageInline]


@admin.register(LeadSource)
class LeadSourceAdmin(admin.ModelAdmin):
    list_display = ["name", "order", "is_active"]


@admin.register(Deal)
class DealAdmin(admin.ModelAdmin):
    list_display = ["name", "stage", "amount", "currency", "owner"]
    raw_id_fields = ["owner", "company", "contact"]
    show_full_result_count = False
