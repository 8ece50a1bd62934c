from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from voronka.accounts import access
from voronka.accounts.models import Entity
from voronka.audit.services import record_view
from voronka.core.errors import ConflictError
from voronka.ui import crud
from voronka.ui.bulk import bulk_context
from voronka.ui.export import ExportColumn, export_csv
from voronka.ui.forms import style_widgets
from voronka.ui.listing import Column
from voronka.ui.values import ValueList

from . import selectors, services
from .filters import LeadFilter
from .forms import (
    DisqualificationReasonForm,
    DisqualifyForm,
    LeadForm,
    LeadSettingsForm,
    WebFormForm,
)
from .models import FORM_FIELDS, DisqualificationReason, Lead, LeadStatus, WebForm
from .public import HONEYPOT, MAX_LENGTHS, REDIRECT_PARAM

LEAD_COLUMNS = [
    Column("name", gettext_lazy("Lead")),
    Column("status", gettext_lazy("Status"), classes="d-none d-sm-table-cell"),
    Column("source", gettext_lazy("Source"), sortable=False, classes="d-none d-md-table-cell"),
    Column(
        "contacts", gettext_lazy("Phone, e-mail"), sortable=False, classes="d-none d-lg-table-cell"
    ),
    Column("owner", gettext_lazy("Owner"), classes="d-none d-md-table-cell"),
    Column("requested", gettext_lazy("Requested"), classes="d-none d-sm-table-cell"),
]

BOARD_LIMIT = 30


def _filter_kwargs() -> dict:
    return {"overdue_hours": services.lead_settings().overdue_hours}


def _mark_overdue(leads, hours: int) -> None:
    now = timezone.now()
    for lead in leads:
        lead.overdue = lead.is_overdue(hours, now)


@login_required
@require_GET
def lead_list(request: HttpRequest) -> HttpResponse:
    hours = services.lead_settings().overdue_hours
    return crud.render_list(
        request,
        template="leads/lead_list.html",
        queryset=selectors.leads_visible_to(user=request.user),
        filterset_class=lambda *a, **kw: LeadFilter(*a, overdue_hours=hours, **kw),
        columns=LEAD_COLUMNS,
        default_sort="-requested",
        bulk=bulk_context(request.user, Entity.LEAD),
        prepare_rows=lambda rows: _mark_overdue(rows, hours),
        context={"overdue_hours": hours},
    )


@login_required
@require_GET
def lead_board(request: HttpRequest) -> HttpResponse:
    """The leads by status: a column each, the newest requests first."""
    hours = services.lead_settings().overdue_hours
    filterset = LeadFilter(
        request.GET or None,
        queryset=selectors.leads_visible_to(user=request.user),
        request=request,
        overdue_hours=hours,
    )
    style_widgets(filterset.form, small=True)
    leads = filterset.qs if filterset.is_bound and filterset.is_valid() else filterset.queryset
    columns = []
    for status, label in LeadStatus.choices:
        in_status = leads.filter(status=status)
        cards = list(in_status.order_by("-requested_at", "-pk")[:BOARD_LIMIT])
        _mark_overdue(cards, hours)
        columns.append(
            {"status": status, "label": label, "cards": cards, "count": in_status.count()}
        )
    params = request.GET.copy()
    return render(
        request,
        "leads/lead_board.html",
        {
            "columns": columns,
            "filterset": filterset,
            "querystring": params.urlencode(),
            "statuses": [c for c in LeadStatus.choices if c[0] != LeadStatus.CONVERTED],
            "reasons": DisqualificationReason.objects.filter(is_active=True),
            "board_limit": BOARD_LIMIT,
        },
    )


LEAD_EXPORT = [
    ExportColumn(gettext_lazy("Person"), lambda x: x.person_name),
    ExportColumn(gettext_lazy("Company name as typed"), lambda x: x.company_name),
    ExportColumn(gettext_lazy("Phone"), lambda x: x.phone),
    ExportColumn(gettext_lazy("E-mail"), lambda x: x.email),
    ExportColumn(gettext_lazy("Lead source"), lambda x: str(x.source or "")),
    ExportColumn(gettext_lazy("What was asked"), lambda x: x.question),
    ExportColumn(gettext_lazy("Status"), lambda x: x.get_status_display()),
    ExportColumn(gettext_lazy("Disqualification reason"), lambda x: str(x.disqualify_reason or "")),
    ExportColumn(gettext_lazy("Owner"), lambda x: x.owner.display_name),
    ExportColumn(gettext_lazy("Date of the request"), lambda x: x.requested_at),
    ExportColumn(gettext_lazy("First contact"), lambda x: x.first_contact_at),
    ExportColumn(gettext_lazy("Converted at"), lambda x: x.converted_at),
]


@login_required
@require_GET
def lead_export(request: HttpRequest) -> HttpResponse:
    hours = services.lead_settings().overdue_hours
    return export_csv(
        request,
        selectors.leads_visible_to(user=request.user),
        filterset_class=lambda *a, **kw: LeadFilter(*a, overdue_hours=hours, **kw),
        default_sort="-requested",
        columns=LEAD_EXPORT,
        filename="leads",
    )


@login_required
@require_GET
def lead_detail(request: HttpRequest, pk: int) -> HttpResponse:
    lead = access.get_visible(
        request.user,
        selectors.leads_visible_to(user=request.user).select_related(
            "company", "contact", "deal", "web_form", "team"
        ),
        pk,
    )
    record_view(user=request.user, record=lead)
    hours = services.lead_settings().overdue_hours
    links = [
        (label, record, access.can_view(request.user, record))
        for label, record in (
            (_("Company"), lead.company),
            (_("Contact"), lead.contact),
            (_("Deal"), lead.deal),
        )
        if record is not None
    ]
    return render(
        request,
        "leads/lead_detail.html",
        {
            "object": lead,
            "can_change": access.can_change(request.user, lead),
            "can_delete": access.can_delete(request.user, lead),
            "can_take": services.can_take(request.user, lead),
            "overdue": lead.is_overdue(hours),
            "overdue_hours": hours,
            "became": links,
            "statuses": [c for c in LeadStatus.choices if c[0] != LeadStatus.CONVERTED],
            "disqualify_form": DisqualifyForm(),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def lead_create(request: HttpRequest) -> HttpResponse:
    return crud.create_view(
        request,
        form_class=LeadForm,
        create=services.lead_create,
        template="leads/lead_form.html",
    )


@login_required
@require_http_methods(["GET", "POST"])
def lead_edit(request: HttpRequest, pk: int) -> HttpResponse:
    lead = access.get_changeable(request.user, Lead, pk)
    return crud.edit_view(
        request,
        record=lead,
        form_class=LeadForm,
        update=services.lead_update,
        template="leads/lead_form.html",
        record_arg="lead",
    )


@login_required
@require_http_methods(["GET", "POST"])
def lead_delete(request: HttpRequest, pk: int) -> HttpResponse:
    lead = access.get_deletable(request.user, Lead, pk)
    return crud.delete_view(
        request,
        record=lead,
        delete=services.lead_delete,
        record_arg="lead",
        success_url=reverse("leads:lead-list"),
        context={
            "consequences": [_("Its activities stay, without the link to this lead.")],
        },
    )


def _back(request: HttpRequest, lead: Lead):
    next_url = request.POST.get("next", "")
    if url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()}):
        return redirect(next_url)
    return redirect(lead.get_absolute_url())


@login_required
@require_POST
def lead_status(request: HttpRequest, pk: int) -> HttpResponse:
    """A status button on the page or the board: in work, qualified, disqualified, new."""
    lead = access.get_changeable(request.user, Lead, pk)
    status = request.POST.get("status", "")
    reason = None
    if status == LeadStatus.DISQUALIFIED:
        form = DisqualifyForm(request.POST)
        if not form.is_valid():
            messages.error(request, _("Say why the lead is disqualified."))
            return _back(request, lead)
        reason = form.cleaned_data["reason"]
    if status not in LeadStatus.values:
        messages.error(request, _("Choose the status."))
        return _back(request, lead)
    try:
        lead = services.lead_set_status(actor=request.user, lead=lead, status=status, reason=reason)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    except ConflictError as conflict:
        messages.error(request, str(conflict))
    else:
        messages.success(request, _("“%(name)s” is saved.") % {"name": lead})
    return _back(request, lead)


@login_required
@require_POST
def lead_take(request: HttpRequest, pk: int) -> HttpResponse:
    lead = access.get_visible(request.user, selectors.leads_visible_to(user=request.user), pk)
    lead = services.lead_take(actor=request.user, lead=lead)
    messages.success(request, _("The lead “%(name)s” is yours now.") % {"name": lead})
    return redirect(lead.get_absolute_url())


@login_required
@require_GET
def lead_autocomplete(request: HttpRequest) -> HttpResponse:
    return crud.autocomplete_response(
        request, Lead.objects.all(), order_by=("-requested_at", "-pk")
    )


@login_required
@require_http_methods(["GET", "POST"])
def lead_settings(request: HttpRequest) -> HttpResponse:
    """Distribution of new leads and when one is overdue (administrators change them)."""
    current = services.lead_settings()
    may_change = access.can_configure(request.user)
    form = LeadSettingsForm(request.POST or None, instance=current)
    if request.method == "POST":
        access.require_configure(request.user)
        if form.is_valid():
            services.settings_save(
                actor=request.user,
                data={name: form.cleaned_data[name] for name in form.Meta.fields},
            )
            messages.success(request, _("The lead settings are saved."))
            return redirect("leads:settings")
    if not may_change:
        for field in form.fields.values():
            field.disabled = True
    return render(request, "leads/settings.html", {"form": form, "can_configure": may_change})


DISQUALIFICATION_REASONS = ValueList(
    model=DisqualificationReason,
    form_class=DisqualificationReasonForm,
    app="leads",
    name="disqualify-reason",
    title=gettext_lazy("Disqualification reasons"),
    new_title=gettext_lazy("New disqualification reason"),
    empty=gettext_lazy("No disqualification reasons yet."),
)


# Web forms: the administrators' pages.


@login_required
@require_GET
def form_list(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "leads/form_list.html",
        {
            "forms": WebForm.objects.select_related("source", "owner"),
            "can_configure": access.can_configure(request.user),
        },
    )


def _snippets(request: HttpRequest, web_form: WebForm) -> dict:
    """The link, the iframe and the plain HTML form to put on the site."""
    url = request.build_absolute_uri(web_form.public_url())
    plain = {
        "action_url": url,
        "honeypot": HONEYPOT,
        "submit_label": web_form.submit_label or _("Send"),
        "fields": [
            {
                "name": spec["name"],
                "label": spec.get("label") or FORM_FIELDS[spec["name"]],
                "required": spec.get("required"),
                "length": MAX_LENGTHS[spec["name"]],
            }
            for spec in web_form.fields
        ],
    }
    return {
        "public_link": url,
        "iframe_snippet": format_html(
            '<iframe src="{}" title="{}" width="100%" height="560" style="border:0" '
            'loading="lazy"></iframe>',
            url,
            web_form.title or web_form.name,
        ),
        # Shown as text to copy: rendered here, escaped again where it is shown.
        "plain_snippet": render_to_string("leads/_plain_snippet.html", plain),
        "redirect_param": REDIRECT_PARAM,
    }


@login_required
@require_http_methods(["GET", "POST"])
def form_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    access.require_configure(request.user)
    web_form = get_object_or_404(WebForm, pk=pk) if pk else WebForm()
    form = WebFormForm(request.POST or None, instance=web_form)
    if request.method == "POST" and form.is_valid():
        try:
            saved = services.web_form_save(actor=request.user, form=form.instance)
        except ValidationError as error:
            crud.add_service_errors(form, error)
        else:
            messages.success(request, _("“%(name)s” is saved.") % {"name": saved})
            return redirect("leads:form-edit", pk=saved.pk)
    context = {"form": form, "object": web_form if web_form.pk else None}
    if web_form.pk:
        context |= _snippets(request, web_form)
        context["leads_count"] = web_form.leads.count()
    return render(request, "leads/form_edit.html", context)


@login_required
@require_POST
def form_delete(request: HttpRequest, pk: int) -> HttpResponse:
    access.require_configure(request.user)
    web_form = get_object_or_404(WebForm, pk=pk)
    name = str(web_form)
    services.web_form_delete(actor=request.user, form=web_form)
    messages.success(request, _("“%(name)s” is deleted.") % {"name": name})
    return redirect("leads:form-list")
