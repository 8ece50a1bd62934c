"""The settings pages of the editable lists of values (Settings → Lead sources, Lost reasons,
Projects / directions, Activity types, Outcomes): one page shape for all of them. Everyone
signed in reads a list; administrators add, change and delete entries through
`audit.values` (an entry in use is deactivated instead of deleted)."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from voronka.accounts import access
from voronka.audit import values as services


@dataclass(frozen=True)
class ValueList:
    """One list of values: its model and form, its URL names ("<app>:<name>-list", "-edit",
    "-delete"), the page's words and, optionally, a template for the details beside a name
    (an outcome's kind, an activity type's colour)."""

    model: type
    form_class: type
    app: str
    name: str
    title: str
    new_title: str
    empty: str
    details_template: str = ""

    def url(self, action: str) -> str:
        return f"{self.app}:{self.name}-{action}"


def _list(request: HttpRequest, spec: ValueList) -> HttpResponse:
    can_configure = access.can_configure(request.user)
    form = spec.form_class()
    if request.method == "POST":
        access.require_configure(request.user)
        form = spec.form_class(request.POST)
        if form.is_valid():
            services.value_save(actor=request.user, value=form.instance)
            messages.success(request, _("“%(name)s” is saved.") % {"name": form.instance})
            return redirect(spec.url("list"))
    return render(
        request,
        "ui/values_list.html",
        {
            "spec": spec,
            "entries": spec.model._default_manager.all(),
            "form": form,
            "can_configure": can_configure,
            "edit_url_name": spec.url("edit"),
        },
    )


def _edit(request: HttpRequest, spec: ValueList, pk: int) -> HttpResponse:
    access.require_configure(request.user)
    entry = get_object_or_404(spec.model, pk=pk)
    form = spec.form_class(request.POST or None, instance=entry)
    if request.method == "POST" and form.is_valid():
        services.value_save(actor=request.user, value=form.instance)
        messages.success(request, _("“%(name)s” is saved.") % {"name": entry})
        return redirect(spec.url("list"))
    return render(
        request,
        "ui/value_form.html",
        {
            "spec": spec,
            "form": form,
            "object": entry,
            "cancel_url": reverse(spec.url("list")),
            "delete_url": reverse(spec.url("delete"), args=[entry.pk]),
        },
    )


def _delete(request: HttpRequest, spec: ValueList, pk: int) -> HttpResponse:
    access.require_configure(request.user)
    entry = get_object_or_404(spec.model, pk=pk)
    name = str(entry)
    if services.value_delete(actor=request.user, value=entry):
        messages.success(request, _("“%(name)s” is deleted.") % {"name": name})
    else:
        messages.warning(
            request,
            _("“%(name)s” is in use, so it is deactivated instead of deleted.") % {"name": name},
        )
    return redirect(spec.url("list"))


def urls(spec: ValueList, prefix: str) -> list:
    """The list, edit and delete pages of a list of values under `prefix` ("settings/…/")."""

    @login_required
    @require_http_methods(["GET", "POST"])
    def list_view(request: HttpRequest) -> HttpResponse:
        return _list(request, spec)

    @login_required
    @require_http_methods(["GET", "POST"])
    def edit_view(request: HttpRequest, pk: int) -> HttpResponse:
        return _edit(request, spec, pk)

    @login_required
    @require_POST
    def delete_view(request: HttpRequest, pk: int) -> HttpResponse:
        return _delete(request, spec, pk)

    return [
        path(prefix, list_view, name=f"{spec.name}-list"),
        path(f"{prefix}<int:pk>/", edit_view, name=f"{spec.name}-edit"),
        path(f"{prefix}<int:pk>/delete/", delete_view, name=f"{spec.name}-delete"),
    ]
