"""Settings → Activity types and Settings → Outcomes: the editable lists an activity's type and
its outcome are chosen from. Administrators only, like the other lists of values.

An entry in use (activities, or date rules, point to it with PROTECT) is deactivated rather
than deleted: it disappears from the choices but old activities keep their label.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from voronka.accounts import access

from . import services
from .models import ActivityType, Outcome
from .settings_forms import ActivityTypeForm, OutcomeForm


def _list_page(request, *, model, form_class, template, url_name):
    access.require_configure(request.user)
    form = form_class()
    if request.method == "POST":
        form = form_class(request.POST)
        if form.is_valid():
            services.settings_entry_save(actor=request.user, entry=form.instance)
            messages.success(request, _("“%(name)s” is saved.") % {"name": form.instance})
            return redirect(url_name)
    return render(request, template, {"entries": model.objects.all(), "form": form})


def _edit_page(request, pk, *, model, form_class, url_name, delete_url_name):
    access.require_configure(request.user)
    entry = get_object_or_404(model, pk=pk)
    form = form_class(request.POST or None, instance=entry)
    if request.method == "POST" and form.is_valid():
        services.settings_entry_save(actor=request.user, entry=form.instance)
        messages.success(request, _("“%(name)s” is saved.") % {"name": entry})
        return redirect(url_name)
    return render(
        request,
        "activities/settings_entry_form.html",
        {
            "form": form,
            "object": entry,
            "cancel_url": reverse(url_name),
            "delete_url": reverse(delete_url_name, args=[entry.pk]),
        },
    )


def _delete(request, pk, *, model, url_name):
    access.require_configure(request.user)
    entry = get_object_or_404(model, pk=pk)
    name = str(entry)
    if services.settings_entry_delete(actor=request.user, entry=entry):
        messages.success(request, _("“%(name)s” is deleted.") % {"name": name})
    else:
        messages.warning(
            request,
            _("“%(name)s” is in use, so it is deactivated instead of deleted.") % {"name": name},
        )
    return redirect(url_name)


@login_required
@require_http_methods(["GET", "POST"])
def activity_type_list(request: HttpRequest) -> HttpResponse:
    return _list_page(
        request,
        model=ActivityType,
        form_class=ActivityTypeForm,
        template="activities/settings_activity_type_list.html",
        url_name="activities:activity-type-list",
    )


@login_required
@require_http_methods(["GET", "POST"])
def activity_type_edit(request: HttpRequest, pk: int) -> HttpResponse:
    return _edit_page(
        request,
        pk,
        model=ActivityType,
        form_class=ActivityTypeForm,
        url_name="activities:activity-type-list",
        delete_url_name="activities:activity-type-delete",
    )


@login_required
@require_POST
def activity_type_delete(request: HttpRequest, pk: int) -> HttpResponse:
    return _delete(request, pk, model=ActivityType, url_name="activities:activity-type-list")


@login_required
@require_http_methods(["GET", "POST"])
def outcome_list(request: HttpRequest) -> HttpResponse:
    return _list_page(
        request,
        model=Outcome,
        form_class=OutcomeForm,
        template="activities/settings_outcome_list.html",
        url_name="activities:outcome-list",
    )


@login_required
@require_http_methods(["GET", "POST"])
def outcome_edit(request: HttpRequest, pk: int) -> HttpResponse:
    return _edit_page(
        request,
        pk,
        model=Outcome,
        form_class=OutcomeForm,
        url_name="activities:outcome-list",
        delete_url_name="activities:outcome-delete",
    )


@login_required
@require_POST
def outcome_delete(request: HttpRequest, pk: int) -> HttpResponse:
    return _delete(request, pk, model=Outcome, url_name="activities:outcome-list")
