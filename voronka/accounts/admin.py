from django.contrib import admin
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _

from .models import ApiToken, Role, RolePermission, Team, User
from .throttle import ThrottledSignIn


class AdminLoginForm(ThrottledSignIn, AdminAuthenticationForm):
    """The admin's own login page takes passwords too: throttled like the login form."""


admin.site.login_form = AdminLoginForm


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    list_display = ["username", "first_name", "last_name", "team", "role", "is_active"]
    list_filter = ["team", "role", "is_active", "is_superuser"]
    fieldsets = (
        *BaseUserAdmin.fieldsets,
        (
            _("Voronka"),
            {
                "fields": (
                    "middle_name",
                    "team",
                    "role",
                    "position",
                    "phone",
                    "language",
                    "timezone",
                )
            },
        ),
    )
    add_fieldsets = (
        *BaseUserAdmin.add_fieldsets,
        (_("Voronka"), {"fields": ("first_name", "last_name", "email", "team", "role")}),
    )


@admin.register(Team)
class TeamAdmin(admin.ModelAdmin):
    list_display = ["name", "parent"]


class RolePermissionInline(admin.TabularInline):
    model = RolePermission
    extra = 0


@admin.register(Role)
class RoleAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "is_admin"]
    inlines = [RolePermissionInline]


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = ["name", "user", "hint", "created_at", "last_used_at", "revoked_at"]
    readonly_fields = ["user", "hint", "created_at", "last_used_at"]
    fields = ["user", "name", "hint", "created_at", "last_used_at", "revoked_at"]

    def has_add_permission(self, request):
        return False  # keys are issued on the profile page or by manage.py create_api_token
