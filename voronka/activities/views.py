from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from voronka.accounts import access
from voronka.accounts.models import Entity
from voronka.contacts.models import Company, Contact
from voronka.core import bounds
from voronka.core.errors import ConflictError
from voronka.leads.models import Lead
from voronka.sales.models import Deal
from voronka.ui import crud
from voronka.ui.bulk import bulk_context
from voronka.ui.export import ExportColumn, export_csv
from voronka.ui.listing import Column

from . import selectors, services
from .filters import ActivityFilter
from .forms import ActivityForm, CompleteForm, QuickForm
from .models import Activity, ActivityKind, Outcome, OutcomeKind

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
        bulk=bulk_context(request.user, Entity.ACTIVITY),
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


_LINKED = (
    ("company", Company),
    ("contact", Contact),
    ("deal", Deal),
    ("lead", Lead),
    # The service's cases, through the link (the service app sits above this one).
    ("case", Activity._meta.get_field("case").related_model),
)


@login_required
@require_http_methods(["GET", "POST"])
def activity_create(request: HttpRequest) -> HttpResponse:
    initial = {}
    kind = request.GET.get("kind")
    if kind in ActivityKind.values:
        initial["kind"] = kind
    # From the calendar (a selected slot) or a "plan a …" link: start, end, type, subject.
    for name in ("due_at", "end_at", "subject"):
        if request.GET.get(name):
            initial[name] = request.GET[name][:255]
    if bounds.parse_id(request.GET.get("type", "")) is not None:
        initial["type"] = bounds.parse_id(request.GET["type"])
    for name, model in _LINKED:
        value = bounds.parse_id(request.GET.get(name, ""))
        if (
            value is not None
            and access.visible(request.user, model.objects.filter(pk=value)).exists()
        ):
            initial[name] = value
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


@login_required
@require_http_methods(["GET", "POST"])
def activity_complete(request: HttpRequest, pk: int) -> HttpResponse:
    """Complete an activity with its outcome; a postponement plans the follow-up at once."""
    activity = access.get_changeable(request.user, Activity, pk)
    if activity.done or activity.kind == ActivityKind.NOTE:
        messages.info(request, _("This activity is already done."))
        return redirect(activity.get_absolute_url())
    form = CompleteForm(
        request.POST or None,
        initial={"version": activity.version, "plan_next": bool(activity.deal_id)},
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            done, follow_up = services.activity_complete(
                actor=request.user,
                activity=activity,
                outcome=data["outcome"],
                note=data["note"],
                new_due=data["new_due"],
                version=data["version"],
            )
        except ValidationError as error:
            for field, errors in error.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        except ConflictError:
            form.add_error(
                None, _("Someone changed this activity meanwhile. Reload the page and try again.")
            )
        else:
            if follow_up is not None:
                messages.success(
                    request,
                    _("Postponed: the follow-up is planned for %(day)s.")
                    % {
                        "day": formats.date_format(
                            timezone.localtime(follow_up.due_at), "SHORT_DATETIME_FORMAT"
                        )
                    },
                )
                return redirect(follow_up.get_absolute_url())
            messages.success(request, _("“%(name)s” is done.") % {"name": done})
            if data["plan_next"]:
                params = {
                    name: getattr(done, f"{name}_id")
                    for name in ("company", "contact", "deal", "lead", "case")
                    if getattr(done, f"{name}_id")
                }
                params["kind"] = ActivityKind.CALL
                return redirect(f"{reverse('activities:activity-create')}?{urlencode(params)}")
            next_url = request.POST.get("next", "")
            if url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()}):
                return redirect(next_url)
            return redirect(done.get_absolute_url())
    return render(
        request,
        "activities/activity_complete.html",
        {
            "object": activity,
            "form": form,
            "next": request.GET.get("next", request.POST.get("next", "")),
            "postponed_kind": OutcomeKind.POSTPONED,
        },
    )


QUICK_KINDS = {
    "log_call": ActivityKind.CALL,
    "plan_call": ActivityKind.CALL,
    "plan_meeting": ActivityKind.MEETING,
    "note": ActivityKind.NOTE,
}


def _quick_links(request: HttpRequest, form: QuickForm) -> dict:
    """The record the quick form is about, each id through the access layer."""
    links = {}
    for name, model in _LINKED:
        pk = form.cleaned_data.get(name)
        if pk:
            links[name] = access.get_visible(request.user, model.objects.all(), pk)
    return links


@login_required
@require_POST
def activity_quick(request: HttpRequest) -> HttpResponse:
    """Log a call, plan a call or a meeting, or leave a note from a record's timeline."""
    form = QuickForm(request.POST)
    next_url = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()}):
        next_url = reverse("web:home")
    if form.is_valid():
        data = form.cleaned_data
        what = data["what"]
        kind = QUICK_KINDS[what]
        try:
            with transaction.atomic():
                activity = _quick_save(request, form, what, kind)
        except ValidationError as error:
            for field, errors in error.message_dict.items():
                field = {"note": "text", "due_at": "when"}.get(field, field)
                form.add_error(field if field in form.fields else None, errors)
        else:
            messages.success(request, _("“%(name)s” is saved.") % {"name": activity})
            return redirect(next_url)
    return render(request, "activities/activity_quick.html", {"form": form, "next": next_url})


def _quick_save(request: HttpRequest, form: QuickForm, what: str, kind: str) -> Activity:
    data = form.cleaned_data
    now_if_past = timezone.now() if what in ("log_call", "note") else None
    activity = services.activity_create(
        actor=request.user,
        data={
            "kind": kind,
            "type": services.default_type(kind),
            "subject": data["subject"],
            "due_at": data["when"] or now_if_past,
            "description": data["text"] if what != "log_call" else "",
            **_quick_links(request, form),
        },
    )
    if what == "log_call":
        outcome = (
            data["outcome"]
            or Outcome.objects.filter(kind=OutcomeKind.SUCCESS, is_active=True).first()
        )
        activity, _follow_up = services.activity_complete(
            actor=request.user, activity=activity, outcome=outcome, note=data["text"]
        )
    return activity
