from django.urls import path

from voronka.ui import values

from . import views

app_name = "sales"

urlpatterns = [
    path("deals/", views.deal_list, name="deal-list"),
    path("deals/new/", views.deal_create, name="deal-create"),
    path("deals/board/", views.deal_board, name="deal-board"),
    path("deals/board/column/", views.deal_board_column, name="deal-board-column"),
    path("deals/board/stats/", views.deal_board_stats, name="deal-board-stats"),
    path("deals/export/", views.deal_export, name="deal-export"),
    path("deals/autocomplete/", views.deal_autocomplete, name="deal-autocomplete"),
    path("deals/<int:pk>/", views.deal_detail, name="deal-detail"),
    path("deals/<int:pk>/edit/", views.deal_edit, name="deal-edit"),
    path("deals/<int:pk>/delete/", views.deal_delete, name="deal-delete"),
    path("deals/<int:pk>/lines/", views.deal_line_add, name="deal-line-add"),
    path("deals/<int:pk>/lines/<int:line_pk>/", views.deal_line_edit, name="deal-line-edit"),
    path("deals/<int:pk>/stage/", views.deal_move, name="deal-move"),
    path("deals/<int:pk>/checklist/<int:item_pk>/", views.deal_tick, name="deal-checklist-tick"),
    path("settings/pipelines/", views.pipeline_list, name="pipeline-list"),
    path("settings/pipelines/new/", views.pipeline_edit, name="pipeline-create"),
    path("settings/pipelines/<int:pk>/", views.pipeline_edit, name="pipeline-edit"),
    path("settings/pipelines/<int:pk>/delete/", views.pipeline_delete, name="pipeline-delete"),
    *values.urls(views.LEAD_SOURCES, "settings/lead-sources/"),
    *values.urls(views.LOST_REASONS, "settings/lost-reasons/"),
    *values.urls(views.DIRECTIONS, "settings/directions/"),
]
