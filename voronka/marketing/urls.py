from django.urls import path

from . import views

app_name = "marketing"

urlpatterns = [
    path("marketing/", views.dashboard, name="dashboard"),
    path("campaigns/", views.campaign_list, name="campaign-list"),
    path("campaigns/new/", views.campaign_edit, name="campaign-create"),
    path("campaigns/<int:pk>/", views.campaign_detail, name="campaign-detail"),
    path("campaigns/<int:pk>/edit/", views.campaign_edit, name="campaign-edit"),
    path("campaigns/<int:pk>/costs/<int:cost_pk>/delete/", views.cost_delete, name="cost-delete"),
    path("marketing/segments/", views.segment_list, name="segment-list"),
    path("marketing/segments/new/", views.segment_edit, name="segment-create"),
    path("marketing/segments/count/", views.segment_count, name="segment-count"),
    path("marketing/segments/<int:pk>/", views.segment_detail, name="segment-detail"),
    path("marketing/segments/<int:pk>/edit/", views.segment_edit, name="segment-edit"),
    path("marketing/segments/<int:pk>/delete/", views.segment_delete, name="segment-delete"),
    path(
        "marketing/segments/<int:pk>/addresses/", views.segment_addresses, name="segment-addresses"
    ),
    path("marketing/groups/new/", views.group_edit, name="group-create"),
    path("marketing/groups/add/", views.group_add, name="group-add"),
    path("marketing/groups/<int:pk>/", views.group_detail, name="group-detail"),
    path("marketing/groups/<int:pk>/edit/", views.group_edit, name="group-edit"),
    path("marketing/mailings/", views.mailing_list, name="mailing-list"),
    path("marketing/mailings/new/", views.mailing_edit, name="mailing-create"),
    path("marketing/mailings/<int:pk>/", views.mailing_detail, name="mailing-detail"),
    path("marketing/mailings/<int:pk>/edit/", views.mailing_edit, name="mailing-edit"),
    path("marketing/mailings/<int:pk>/send/", views.mailing_send, name="mailing-send"),
    path("marketing/mailings/<int:pk>/pause/", views.mailing_pause, name="mailing-pause"),
    path("marketing/questionnaires/", views.questionnaire_list, name="questionnaire-list"),
    path("marketing/questionnaires/new/", views.questionnaire_edit, name="questionnaire-create"),
    path(
        "marketing/questionnaires/<int:pk>/",
        views.questionnaire_detail,
        name="questionnaire-detail",
    ),
    path(
        "marketing/questionnaires/<int:pk>/edit/",
        views.questionnaire_edit,
        name="questionnaire-edit",
    ),
    path(
        "marketing/questionnaires/<int:pk>/contacts/<int:contact_pk>/",
        views.questionnaire_fill,
        name="questionnaire-fill",
    ),
    path(
        "marketing/questionnaires/<int:pk>/contacts/<int:contact_pk>/link/",
        views.survey_link_create,
        name="survey-link-create",
    ),
    path("marketing/competitors/", views.competitor_list, name="competitor-list"),
    path("marketing/competitors/<int:pk>/", views.competitor_detail, name="competitor-detail"),
    path("deals/<int:deal_pk>/competitors/", views.deal_competitor_add, name="deal-competitor-add"),
    # Public: no sign-in.
    path("m/u/<str:token>/", views.unsubscribe, name="unsubscribe"),
    path("m/c/<str:token>/", views.click, name="click"),
    path("m/o/<str:token>/", views.open_pixel, name="open"),
    path("q/<str:key>/", views.survey_public, name="survey-public"),
]
