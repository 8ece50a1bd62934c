from django.contrib import admin
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.contrib.auth.views import redirect_to_login
from django.http import HttpResponseForbidden
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext_lazy as _

from voronka.accounts.models import ApiToken, Role, RolePermission, Team, User
from voronka.accounts.throttle import ThrottledSignIn
from voronka.audit.models import Verb
from voronka.audit.services import record_setting, setting_snapshot


class AdminLoginForm(ThrottledSignIn, AdminAuthenticationForm):
    """The admin's own login page takes passwords too: throttled like the login form."""


admin.site.login_form = AdminLoginForm


def _admin_login(request, extra_context=None):
    """The admin signs in through Voronka's own page: the one with the second factor and
    the sign-in journal."""
    target = request.GET.get("next", "")
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        target = ""
    target = target or reverse("admin:index")
    if request.user.is_authenticated and request.user.is_staff and request.user.is_active:
        return redirect(target)
    if request.user.is_authenticated:
        return HttpResponseForbidden()
    return redirect_to_login(target, reverse("accounts:login"))


admin.site.login = _admin_login


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
    """Roles and their rules; every change is in the settings' history (who, when, values)."""

    list_display = ["name", "code", "is_admin"]
    inlines = [RolePermissionInline]

    def save_model(self, request, obj, form, change):
        stored = Role.objects.filter(pk=obj.pk).first() if change else None
        super().save_model(request, obj, form, change)
        record_setting(
            actor=request.user,
            setting=obj,
            verb=Verb.SETTING_CHANGED if stored else Verb.SETTING_ADDED,
            before=setting_snapshot(stored) if stored else None,
        )

    def save_formset(self, request, form, formset, change):
        before = {
            rule.pk: setting_snapshot(rule)
            for rule in RolePermission.objects.filter(role=form.instance)
        }
        for deleted in formset.deleted_forms:
            if deleted.instance.pk:
                record_setting(
                    actor=request.user, setting=deleted.instance, verb=Verb.SETTING_DELETED
                )
        super().save_formset(request, form, formset, change)
        for rule in formset.new_objects:
            record_setting(actor=request.user, setting=rule, verb=Verb.SETTING_ADDED)
        for rule, _fields in formset.changed_objects:
            record_setting(
                actor=request.user,
                setting=rule,
                verb=Verb.SETTING_CHANGED,
                before=before.get(rule.pk),
            )

    def delete_model(self, request, obj):
        record_setting(actor=request.user, setting=obj, verb=Verb.SETTING_DELETED)
        super().delete_model(request, obj)


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = ["name", "user", "hint", "created_at", "last_used_at", "revoked_at"]
    readonly_fields = ["user", "hint", "created_at", "last_used_at"]
    fields = ["user", "name", "hint", "created_at", "last_used_at", "revoked_at"]

    def has_add_permission(self, request):
        return False  # keys are issued on the profile page or by manage.py create_api_token
