"""Settings → Users, Teams, Roles, the administration journal and the sign-in journal.
Administrators only (access.require_administer)."""

from __future__ import annotations

import json

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from voronka.accounts import access, two_factor
from voronka.accounts.models import Role, Team, User
from voronka.core import bounds
from voronka.ui import crud
from voronka.ui.listing import Column

from . import selectors, services
from .filters import JournalFilter, SignInFilter, UserFilter
from .forms import InviteForm, RoleForm, TeamForm, UserForm

USER_COLUMNS = [
    Column("name", gettext_lazy("Name")),
    Column("username", gettext_lazy("Login")),
    Column("team", gettext_lazy("Team"), sortable=False, classes="d-none d-md-table-cell"),
    Column("role", gettext_lazy("Role"), sortable=False),
    Column("last_login", gettext_lazy("Last sign-in"), classes="d-none d-md-table-cell"),
    Column("state", gettext_lazy("State"), sortable=False),
]


def _admin(request: HttpRequest) -> None:
    access.require_administer(request.user)


def _apply_errors(form, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for name, errors in error.message_dict.items():
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, error.messages)


def _base_url(request: HttpRequest) -> str:
    return request.build_absolute_uri("/")


# --- users -------------------------------------------------------------------------------


@login_required
@require_GET
def user_list(request: HttpRequest) -> HttpResponse:
    _admin(request)
    return crud.render_list(
        request,
        template="staff/user_list.html",
        queryset=selectors.users(),
        filterset_class=UserFilter,
        columns=USER_COLUMNS,
        default_sort="name",
    )


@login_required
@require_http_methods(["GET", "POST"])
def user_invite(request: HttpRequest) -> HttpResponse:
    _admin(request)
    form = InviteForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = {name: form.cleaned_data[name] for name in form.Meta.fields}
        try:
            user, _link = services.invite_user(
                actor=request.user, data=data, base_url=_base_url(request)
            )
        except ValidationError as error:
            _apply_errors(form, error)
        else:
            messages.success(
                request,
                _("%(name)s is invited: a link to set the password went to %(email)s.")
                % {"name": user.display_name, "email": user.email},
            )
            return redirect("staff:user-edit", pk=user.pk)
    return render(request, "staff/user_form.html", {"form": form, "inviting": True})


@login_required
@require_http_methods(["GET", "POST"])
def user_edit(request: HttpRequest, pk: int) -> HttpResponse:
    _admin(request)
    user = get_object_or_404(selectors.users(), pk=pk)
    form = UserForm(request.POST or None, instance=user)
    if request.method == "POST" and form.is_valid():
        data = {name: form.cleaned_data[name] for name in form.Meta.fields}
        try:
            services.update_user(actor=request.user, user=user, data=data)
        except ValidationError as error:
            _apply_errors(form, error)
        else:
            messages.success(request, _("“%(name)s” is saved.") % {"name": user.display_name})
            return redirect("staff:user-edit", pk=user.pk)
    return render(
        request,
        "staff/user_form.html",
        {
            "form": form,
            "object": user,
            "sign_ins": user.sign_ins.all()[:20],
            "two_factor_on": two_factor.is_enabled(user),
            "pending_invitation": user.invitations.filter(used_at__isnull=True).first(),
            "owns_records": _owns_records(user),
        },
    )


def _owns_records(user: User) -> bool:
    """Whether a handover is worth offering (any owned record of any kind)."""
    for relation in user._meta.related_objects:
        model = relation.related_model
        if (
            getattr(model, "access_entity", None)
            and relation.field.name == "owner"
            and model._default_manager.filter(owner=user).exists()
        ):
            return True
    return False


@login_required
@require_POST
def user_active(request: HttpRequest, pk: int) -> HttpResponse:
    _admin(request)
    user = get_object_or_404(User, pk=pk)
    active = request.POST.get("active") == "1"
    try:
        services.set_active(actor=request.user, user=user, active=active)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("staff:user-edit", pk=user.pk)
    if active:
        messages.success(request, _("%(name)s can sign in again.") % {"name": user.display_name})
    else:
        messages.success(
            request,
            _("%(name)s is deactivated: their records stay; hand them over to a colleague.")
            % {"name": user.display_name},
        )
    return redirect("staff:user-edit", pk=user.pk)


@login_required
@require_POST
def user_reset_password(request: HttpRequest, pk: int) -> HttpResponse:
    """A new link to set the password, by e-mail (the old password stops working)."""
    _admin(request)
    user = get_object_or_404(User, pk=pk, is_active=True)
    if not user.email:
        messages.error(request, _("The user has no e-mail address."))
        return redirect("staff:user-edit", pk=user.pk)
    user.set_unusable_password()
    user.save(update_fields=["password"])
    services.send_invitation(actor=request.user, user=user, base_url=_base_url(request))
    messages.success(
        request,
        _("A link to set a new password went to %(email)s.") % {"email": user.email},
    )
    return redirect("staff:user-edit", pk=user.pk)


@login_required
@require_POST
def user_two_factor_reset(request: HttpRequest, pk: int) -> HttpResponse:
    """The user lost their phone: the authenticator is removed, they set up a new one."""
    _admin(request)
    user = get_object_or_404(User, pk=pk)
    two_factor.disable(user)
    messages.success(request, _("The authenticator of %(name)s is removed.") % {"name": user})
    return redirect("staff:user-edit", pk=user.pk)


# --- teams -------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def team_list(request: HttpRequest) -> HttpResponse:
    _admin(request)
    form = TeamForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            team = services.save_team(actor=request.user, team=Team(), data=form.cleaned_data)
        except ValidationError as error:
            _apply_errors(form, error)
        else:
            messages.success(request, _("“%(name)s” is saved.") % {"name": team})
            return redirect("staff:team-list")
    return render(request, "staff/team_list.html", {"tree": selectors.team_tree(), "form": form})


@login_required
@require_http_methods(["GET", "POST"])
def team_edit(request: HttpRequest, pk: int) -> HttpResponse:
    _admin(request)
    team = get_object_or_404(Team, pk=pk)
    form = TeamForm(request.POST or None, instance=team)
    if request.method == "POST" and form.is_valid():
        try:
            services.save_team(actor=request.user, team=team, data=form.cleaned_data)
        except ValidationError as error:
            _apply_errors(form, error)
        else:
            messages.success(request, _("“%(name)s” is saved.") % {"name": team})
            return redirect("staff:team-list")
    return render(request, "staff/team_form.html", {"form": form, "object": team})


@login_required
@require_POST
def team_move(request: HttpRequest, pk: int) -> HttpResponse:
    """Dragged in the tree: `parent` (empty: the top) and `position` among its siblings."""
    _admin(request)
    team = get_object_or_404(Team, pk=pk)
    parent_id = bounds.parse_id(request.POST.get("parent", ""))
    parent = get_object_or_404(Team, pk=parent_id) if parent_id else None
    position = bounds.parse_id(request.POST.get("position", "")) or 0
    try:
        services.move_team(actor=request.user, team=team, parent=parent, position=position)
    except ValidationError as error:
        if request.headers.get("Accept") == "application/json":
            return JsonResponse({"ok": False, "error": " ".join(error.messages)}, status=400)
        messages.error(request, " ".join(error.messages))
        return redirect("staff:team-list")
    if request.headers.get("Accept") == "application/json":
        return JsonResponse({"ok": True})
    return redirect("staff:team-list")


@login_required
@require_POST
def team_delete(request: HttpRequest, pk: int) -> HttpResponse:
    _admin(request)
    team = get_object_or_404(Team, pk=pk)
    try:
        services.delete_team(actor=request.user, team=team)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("staff:team-edit", pk=team.pk)
    messages.success(request, _("The team is deleted."))
    return redirect("staff:team-list")


# --- roles -------------------------------------------------------------------------------


@login_required
@require_GET
def role_list(request: HttpRequest) -> HttpResponse:
    _admin(request)
    roles = selectors.roles().prefetch_related("users")
    return render(request, "staff/role_list.html", {"roles": roles})


@login_required
@require_http_methods(["GET", "POST"])
def role_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    _admin(request)
    role = get_object_or_404(Role, pk=pk) if pk else Role()
    form = RoleForm(request.POST or None, instance=role)
    if request.method == "POST" and form.is_valid():
        try:
            services.save_role(
                actor=request.user,
                role=role,
                data=form.role_data(),
                rules=form.rules(),
                field_rules=form.field_rules(),
            )
        except ValidationError as error:
            _apply_errors(form, error)
        else:
            messages.success(request, _("“%(name)s” is saved.") % {"name": role})
            return redirect("staff:role-edit", pk=role.pk)
    return render(request, "staff/role_form.html", {"form": form, "object": role})


@login_required
@require_POST
def role_copy(request: HttpRequest, pk: int) -> HttpResponse:
    _admin(request)
    role = get_object_or_404(Role, pk=pk)
    copy = services.copy_role(actor=request.user, role=role)
    messages.success(request, _("The copy “%(name)s” is made: rename it.") % {"name": copy})
    return redirect("staff:role-edit", pk=copy.pk)


@login_required
@require_POST
def role_delete(request: HttpRequest, pk: int) -> HttpResponse:
    _admin(request)
    role = get_object_or_404(Role, pk=pk)
    try:
        services.delete_role(actor=request.user, role=role)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("staff:role-edit", pk=role.pk)
    messages.success(request, _("The role is deleted."))
    return redirect("staff:role-list")


# --- journals ----------------------------------------------------------------------------

JOURNAL_COLUMNS = [
    Column("changed", gettext_lazy("When")),
    Column("who", gettext_lazy("Who"), sortable=False),
    Column("what", gettext_lazy("What"), sortable=False),
    Column("field", gettext_lazy("Field"), sortable=False),
    Column("before", gettext_lazy("Before"), sortable=False),
    Column("after", gettext_lazy("After"), sortable=False),
]


@login_required
@require_GET
def journal(request: HttpRequest) -> HttpResponse:
    _admin(request)
    return crud.render_list(
        request,
        template="staff/journal.html",
        queryset=selectors.journal(),
        filterset_class=JournalFilter,
        columns=JOURNAL_COLUMNS,
        default_sort="-changed",
        prepare_rows=_describe,
    )


def _describe(entries) -> None:
    labels = selectors.journal_labels(entries)
    for entry in entries:
        entry.kind = selectors.kind_label(entry.entity)
        entry.field_label = selectors.field_label(entry.entity, entry.field)
        entry.label = labels.get((entry.entity, entry.object_id), f"#{entry.object_id}")
        entry.old = _short(entry.old_label or entry.old_value)
        entry.new = _short(entry.new_label or entry.new_value)


def _short(value) -> str:
    if value is None or value == "":
        return "—"
    text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
    return text[:200]


SIGN_IN_COLUMNS = [
    Column("at", gettext_lazy("Time")),
    Column("user", gettext_lazy("User"), sortable=False),
    Column("address", gettext_lazy("Address"), sortable=False),
    Column("outcome", gettext_lazy("Outcome"), sortable=False),
]


@login_required
@require_GET
def sign_in_journal(request: HttpRequest) -> HttpResponse:
    _admin(request)
    return crud.render_list(
        request,
        template="staff/sign_ins.html",
        queryset=selectors.sign_ins(),
        filterset_class=SignInFilter,
        columns=SIGN_IN_COLUMNS,
        default_sort="-at",
    )
