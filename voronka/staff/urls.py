from django.urls import path

from . import views

app_name = "staff"

urlpatterns = [
    path("settings/users/", views.user_list, name="user-list"),
    path("settings/users/invite/", views.user_invite, name="user-invite"),
    path("settings/users/<int:pk>/", views.user_edit, name="user-edit"),
    path("settings/users/<int:pk>/active/", views.user_active, name="user-active"),
    path("settings/users/<int:pk>/password/", views.user_reset_password, name="user-password"),
    path(
        "settings/users/<int:pk>/two-factor/",
        views.user_two_factor_reset,
        name="user-two-factor",
    ),
    path("settings/teams/", views.team_list, name="team-list"),
    path("settings/teams/<int:pk>/", views.team_edit, name="team-edit"),
    path("settings/teams/<int:pk>/move/", views.team_move, name="team-move"),
    path("settings/teams/<int:pk>/delete/", views.team_delete, name="team-delete"),
    path("settings/roles/", views.role_list, name="role-list"),
    path("settings/roles/new/", views.role_edit, name="role-create"),
    path("settings/roles/<int:pk>/", views.role_edit, name="role-edit"),
    path("settings/roles/<int:pk>/copy/", views.role_copy, name="role-copy"),
    path("settings/roles/<int:pk>/delete/", views.role_delete, name="role-delete"),
    path("settings/journal/", views.journal, name="journal"),
    path("settings/sign-ins/", views.sign_in_journal, name="sign-ins"),
]
