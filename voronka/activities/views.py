from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from voronka.accounts import access
from voronka.accounts.models import Entity
from voronka.contacts.models import Company, Contact
from voronka.core import crud
from voronka.core.export import ExportColumn, export_csv
from voronka.core.listing import Column
from voronka.sales.models import Deal

from . import selectors, services
from .filters import ActivityFilter
from .forms import ActivityForm
from .models import Activity

ACTIVITY_COLUMNS = [
    Column("done", "", sortable=False),
    Column("subject", gettext_lazy("Subject")),
    Column("kind", gettext_lazy("Kind"), classes="d-none d-md-table-cell"),
    Column("related", gettext_lazy("Related to"), sortable=False, classes="d-none d-lg-table-cell"),
    Column("due", gettext_lazy("Date")),
    Column("owner", gettext_lazy("Owner"), classes="d-none d-md-table-cell"),
]


@login_required
@require_GET
def activity_list(request: HttpRequest) -> HttpResponse:
    return crud.render_list(
        request,
        template="activities/activity_list.html",
        queryset=selectors.activities_visible_to(user=request.user),
        filterset_class=ActivityFilter,
        columns=ACTIVITY_COLUMNS,
        default_sort="-due",
        bulk_entity=Entity.ACTIVITY,
    )


ACTIVITY_EXPORT = [
    ExportColumn(gettext_lazy("Kind"), lambda a: a.get_kind_display()),
    ExportColumn(gettext_lazy("Subject"), lambda a: a.subject),
    ExportColumn(gettext_lazy("Date and time"), lambda a: a.due_at),
    ExportColumn(gettext_lazy("Done"), lambda a: a.done),
    ExportColumn(gettext_lazy("Company"), lambda a: a.company.name if a.company else ""),
    ExportColumn(gettext_lazy("Contact"), lambda a: a.contact.full_name if a.contact else ""),
    ExportColumn(gettext_lazy("Deal"), lambda a: a.deal.name if a.deal else ""),
    ExportColumn(gettext_lazy("Owner"), lambda a: a.owner.display_name),
]


@login_required
@require_GET
def activity_export(request: HttpRequest) -> HttpResponse:
    return export_csv(
        request,
        selectors.activities_visible_to(user=request.user),
        filterset_class=ActivityFilter,
        default_sort="-due",
        columns=ACTIVITY_EXPORT,
        filename="activities",
    )


@login_required
@require_GET
def activity_detail(request: HttpRequest, pk: int) -> HttpResponse:
    activity = access.get_visible(
        request.user, selectors.activities_visible_to(user=request.user), pk
    )
    return render(
        request,
        "activities/activity_detail.html",
        {
            "object": activity,
            "can_change": access.can_change(request.user, activity),
            "can_delete": access.can_delete(request.user, activity),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def activity_create(request: HttpRequest) -> HttpResponse:
    initial = {}
    kind = request.GET.get("kind")
    if kind:
        initial["kind"] = kind
    # From the calendar (a selected slot) or a "plan a …" link: start, end, type, subject.
    for name in ("due_at", "end_at", "subject"):
        if request.GET.get(name):
            initial[name] = request.GET[name][:255]
    if request.GET.get("type", "").isdigit():
        initial["type"] = int(request.GET["type"])
    for name, model in (("company", Company), ("contact", Contact), ("deal", Deal)):
        value = request.GET.get(name, "")
        if (
            value.isdigit()
            and access.visible(request.user, model.objects.filter(pk=value)).exists()
        ):
            initial[name] = int(value)
    return crud.create_view(
        request,
        form_class=ActivityForm,
        create=services.activity_create,
        template="activities/activity_form.html",
        initial=initial,
    )


@login_required
@require_http_methods(["GET", "POST"])
def activity_edit(request: HttpRequest, pk: int) -> HttpResponse:
    activity = access.get_changeable(request.user, Activity, pk)
    return crud.edit_view(
        request,
        record=activity,
        form_class=ActivityForm,
        update=services.activity_update,
        template="activities/activity_form.html",
        record_arg="activity",
    )


@login_required
@require_POST
def activity_toggle_done(request: HttpRequest, pk: int) -> HttpResponse:
    activity = access.get_changeable(request.user, Activity, pk)
    activity = services.activity_set_done(
        actor=request.user, activity=activity, done=request.POST.get("done") == "1"
    )
    if request.htmx:
        return render(request, "activities/_done_toggle.html", {"activity": activity})
    messages.success(request, _("“%(name)s” is saved.") % {"name": activity})
    next_url = request.POST.get("next", "")
    if url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()}):
        return redirect(next_url)
    return redirect(activity.get_absolute_url())


@login_required
@require_http_methods(["GET", "POST"])
def activity_delete(request: HttpRequest, pk: int) -> HttpResponse:
    activity = access.get_deletable(request.user, Activity, pk)
    return crud.delete_view(
        request,
        record=activity,
        delete=services.activity_delete,
        record_arg="activity",
        success_url=reverse("activities:activity-list"),
    )
