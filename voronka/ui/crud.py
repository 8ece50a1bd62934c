"""The create / edit / delete / list flow that every record page shares.

Each app's views say which form, service and templates to use; this module does the rest
the same way everywhere: validation errors keep what was typed, a version conflict is shown
as a message above the form, possible duplicates are shown before a new record is saved.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import models
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from voronka.accounts import access
from voronka.core.errors import ConflictError, DuplicatesFound
from voronka.core.search import apply_search

from .listing import Column, list_page


def add_service_errors(form, error: ValidationError) -> None:
    """Show a service's ValidationError on the form: on the field when there is one."""
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)


def render_list(
    request: HttpRequest,
    *,
    template: str,
    queryset: models.QuerySet,
    filterset_class,
    columns: list[Column],
    default_sort: str,
    context: dict[str, Any] | None = None,
    bulk: dict | None = None,
    prepare_rows: Callable[[list], None] | None = None,
) -> HttpResponse:
    page = list_page(
        request,
        queryset,
        filterset_class=filterset_class,
        columns=columns,
        default_sort=default_sort,
    )
    if prepare_rows is not None:
        prepare_rows(page.page.object_list)
    ctx = {"list": page, "page_obj": page.page, **(context or {})}
    if bulk is not None:
        ctx["bulk"] = bulk
    if request.htmx and not request.htmx.boosted:
        return render(request, f"{template}#results", ctx)
    return render(request, template, ctx)


def create_view(
    request: HttpRequest,
    *,
    form_class,
    create: Callable[..., models.Model],
    template: str,
    initial: dict | None = None,
    context: dict[str, Any] | None = None,
    checks_duplicates: bool = False,
) -> HttpResponse:
    duplicates = []
    if request.method == "POST":
        form = form_class(request.POST, user=request.user)
        if form.is_valid():
            kwargs = {"actor": request.user, "data": form.record_data()}
            if checks_duplicates:
                kwargs["allow_duplicates"] = request.POST.get("allow_duplicates") == "1"
            try:
                record = create(**kwargs)
            except DuplicatesFound as found:
                duplicates = found.records
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, _("“%(name)s” is saved.") % {"name": record})
                return redirect(record.get_absolute_url())
    else:
        form = form_class(user=request.user, initial=initial or {})
    return render(
        request,
        template,
        {
            "form": form,
            "duplicates": access.disclosed(request.user, duplicates),
            "is_new": True,
            **(context or {}),
        },
    )


def edit_view(
    request: HttpRequest,
    *,
    record: models.Model,
    form_class,
    update: Callable[..., models.Model],
    template: str,
    record_arg: str,
    context: dict[str, Any] | None = None,
) -> HttpResponse:
    if request.method == "POST":
        form = form_class(request.POST, instance=record, user=request.user)
        if form.is_valid():
            try:
                saved = update(
                    actor=request.user,
                    data=form.record_data(),
                    version=form.submitted_version(),
                    **{record_arg: record},
                )
            except ConflictError as conflict:
                form.add_error(None, str(conflict))
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, _("“%(name)s” is saved.") % {"name": saved})
                return redirect(saved.get_absolute_url())
    else:
        form = form_class(instance=record, user=request.user)
    return render(
        request,
        template,
        {"form": form, "object": record, "is_new": False, **(context or {})},
    )


def delete_view(
    request: HttpRequest,
    *,
    record: models.Model,
    delete: Callable[..., None],
    record_arg: str,
    success_url: str,
    template: str = "ui/confirm_delete.html",
    context: dict[str, Any] | None = None,
) -> HttpResponse:
    if request.method == "POST":
        try:
            delete(actor=request.user, **{record_arg: record})
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return redirect(record.get_absolute_url())
        messages.success(request, _("“%(name)s” is deleted.") % {"name": record})
        return redirect(success_url)
    return render(request, template, {"object": record, **(context or {})})


def autocomplete_response(
    request: HttpRequest,
    queryset: models.QuerySet,
    *,
    order_by: tuple[str, ...],
    label: Callable[[models.Model], str] = str,
    data: Callable[[models.Model], dict] | None = None,
    limit: int = 20,
) -> JsonResponse:
    """JSON for Tom Select: the visible records whose words start with what was typed."""
    queryset = apply_search(access.visible(request.user, queryset), request.GET.get("q", ""))
    return autocomplete_json(queryset.order_by(*order_by)[:limit], label=label, data=data)


def autocomplete_json(
    records: Iterable[models.Model],
    *,
    label: Callable[[models.Model], str] = str,
    data: Callable[[models.Model], dict] | None = None,
) -> JsonResponse:
    """The answer an autocomplete shows, in this order: `value` and `text` of each record,
    and what `data` adds (the company of a deal, say, for the fields that follow it)."""
    results = []
    for obj in records:
        result = {"value": obj.pk, "text": label(obj)}
        if data is not None:
            result |= data(obj)
        results.append(result)
    return JsonResponse({"results": results})
