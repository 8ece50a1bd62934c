from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from voronka.accounts import access
from voronka.accounts.models import Entity
from voronka.audit.services import record_view
from voronka.catalog.models import PriceListLine, Product
from voronka.catalog.selectors import search_price_lines
from voronka.contacts.models import Company, Contact
from voronka.core import bounds, money
from voronka.core.errors import ConflictError
from voronka.core.money import format_money
from voronka.ui import crud
from voronka.ui.bulk import bulk_context
from voronka.ui.export import ExportColumn, export_csv
from voronka.ui.forms import style_widgets
from voronka.ui.listing import Column
from voronka.ui.values import ValueList

from . import board, selectors, services
from .filters import DealFilter
from .forms import (
    DealForm,
    DealLineForm,
    DirectionForm,
    LeadSourceForm,
    LostReasonForm,
    MoveForm,
    PipelineForm,
    StageFormSet,
)
from .models import (
    Deal,
    DealLine,
    Direction,
    LeadSource,
    LostReason,
    Pipeline,
    Stage,
    StageChecklistItem,
)

DEAL_COLUMNS = [
    Column("name", gettext_lazy("Deal")),
    # Sorting by the company's name would join and sort the whole table: not offered.
    Column("company", gettext_lazy("Company"), sortable=False, classes="d-none d-md-table-cell"),
    # The stage's order lives in another table: sorting by it joins every deal. Filter by
    # stage or status instead (the board of a later issue shows deals by stage).
    Column("stage", gettext_lazy("Stage"), sortable=False),
    Column("amount", gettext_lazy("Amount"), classes="text-end"),
    Column("close", gettext_lazy("Expected close"), classes="d-none d-lg-table-cell"),
    Column("owner", gettext_lazy("Owner"), classes="d-none d-md-table-cell"),
]


@login_required
@require_GET
def deal_list(request: HttpRequest) -> HttpResponse:
    return crud.render_list(
        request,
        template="sales/deal_list.html",
        queryset=selectors.deals_visible_to(user=request.user),
        filterset_class=DealFilter,
        columns=DEAL_COLUMNS,
        default_sort="-created",
        bulk=bulk_context(
            request.user,
            Entity.DEAL,
            stages=Stage.objects.filter(pipeline__is_active=True)
            .select_related("pipeline")
            .order_by("pipeline__order", "pipeline_id", "order"),
            lost_reasons=LostReason.objects.filter(is_active=True),
        ),
        prepare_rows=selectors.attach_base_amounts,
        context={"base_currency": money.base_currency()},
    )


DEAL_EXPORT = [
    ExportColumn(gettext_lazy("Deal name"), lambda d: d.name),
    ExportColumn(gettext_lazy("Company"), lambda d: d.company.name if d.company else ""),
    ExportColumn(gettext_lazy("Pipeline"), lambda d: d.pipeline.name),
    ExportColumn(gettext_lazy("Stage"), lambda d: d.stage.name),
    ExportColumn(gettext_lazy("Amount"), lambda d: d.amount, field="amount"),
    ExportColumn(gettext_lazy("Currency"), lambda d: d.currency),
    ExportColumn(gettext_lazy("Probability, %"), lambda d: d.probability),
    ExportColumn(gettext_lazy("Expected close date"), lambda d: d.expected_close_date),
    ExportColumn(gettext_lazy("Type"), lambda d: d.get_type_display()),
    ExportColumn(gettext_lazy("Next step"), lambda d: d.next_step),
    ExportColumn(gettext_lazy("Owner"), lambda d: d.owner.display_name),
    ExportColumn(gettext_lazy("Created"), lambda d: d.created_at),
]


@login_required
@require_GET
def deal_export(request: HttpRequest) -> HttpResponse:
    return export_csv(
        request,
        selectors.deals_visible_to(user=request.user),
        filterset_class=DealFilter,
        default_sort="-created",
        columns=DEAL_EXPORT,
        filename="deals",
    )


@login_required
@require_GET
def deal_detail(request: HttpRequest, pk: int) -> HttpResponse:
    deal = access.get_visible(
        request.user,
        Deal.objects.select_related(
            "owner",
            "company",
            "contact",
            "stage",
            "pipeline",
            "lead_source",
            "direction",
            "lost_reason",
            "lost_to",
        ),
        pk,
    )
    record_view(user=request.user, record=deal)
    selectors.attach_base_amounts([deal])
    return render(
        request,
        "sales/deal_detail.html",
        {
            "object": deal,
            **_lines_panel(request, deal),
            "base_currency": money.base_currency(),
            "can_change": access.can_change(request.user, deal),
            "can_delete": access.can_delete(request.user, deal),
            "company_visible": deal.company is not None
            and access.can_view(request.user, deal.company),
            "contact_visible": deal.contact is not None
            and access.can_view(request.user, deal.contact),
            **selectors.stage_panel(deal=deal),
        },
    )


def _lines_panel(request: HttpRequest, deal: Deal) -> dict:
    """The deal's lines, their totals and margin, and what the price-list search found."""
    lines = list(deal.lines.select_related("product"))
    query = request.GET.get("pl", "")[:200].strip()
    margins = [line.margin for line in lines if line.margin is not None]
    return {
        "lines": lines,
        "lines_margin": sum(margins) if margins else None,
        "price_query": query,
        "price_results": list(search_price_lines(query, limit=20)) if query else [],
        "products": Product.objects.filter(is_active=True).select_related("unit")[:200],
    }


@login_required
@require_POST
def deal_line_add(request: HttpRequest, pk: int) -> HttpResponse:
    """Put a product, a price-list line or a typed line on the deal."""
    deal = access.get_changeable(request.user, Deal, pk)
    form = DealLineForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        product = price_line = None
        if data.get("price_line"):
            price_line = get_object_or_404(
                PriceListLine.objects.select_related("price_list__supplier"),
                pk=data["price_line"],
            )
        elif data.get("product"):
            product = get_object_or_404(Product.objects.select_related("unit"), pk=data["product"])
        try:
            services.deal_line_add(
                actor=request.user, deal=deal, data=data, product=product, price_line=price_line
            )
            messages.success(request, _("The line is on the deal."))
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
    else:
        messages.error(request, _("Check the line: %(errors)s") % {"errors": form.errors.as_text()})
    # Back to the same price-list search, to add the next line.
    query = request.POST.get("pl", "")[:200]
    suffix = "?" + urlencode({"pl": query}) if query else ""
    return redirect(reverse("sales:deal-detail", args=[deal.pk]) + suffix + "#lines")


@login_required
@require_POST
def deal_line_edit(request: HttpRequest, pk: int, line_pk: int) -> HttpResponse:
    deal = access.get_changeable(request.user, Deal, pk)
    line = get_object_or_404(DealLine, pk=line_pk, deal=deal)
    if request.POST.get("delete"):
        services.deal_line_delete(actor=request.user, line=line)
        messages.success(request, _("The line is removed."))
        return redirect(reverse("sales:deal-detail", args=[deal.pk]) + "#lines")
    form = DealLineForm(request.POST)
    if form.is_valid():
        try:
            services.deal_line_update(actor=request.user, line=line, data=form.cleaned_data)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
    else:
        messages.error(request, _("Check the line: %(errors)s") % {"errors": form.errors.as_text()})
    return redirect(reverse("sales:deal-detail", args=[deal.pk]) + "#lines")


def _wants_json(request: HttpRequest) -> bool:
    return "application/json" in request.headers.get("Accept", "")


@login_required
@require_POST
def deal_move(request: HttpRequest, pk: int) -> HttpResponse:
    """Move a deal to a stage: from the deal page's stage buttons or the board's drag and
    drop (which asks for JSON). Refusals name what is missing."""
    deal = access.get_changeable(request.user, Deal, pk)
    form = MoveForm(request.POST, user=request.user, deal=deal)
    if form.is_valid():
        try:
            deal = services.deal_move_stage(
                actor=request.user,
                deal=deal,
                stage=form.cleaned_data["stage"],
                lost_reason=form.cleaned_data.get("lost_reason"),
                lost_to=form.cleaned_data.get("lost_to"),
                version=form.cleaned_data.get("version"),
            )
        except ValidationError as error:
            form.add_error(None, error)
        except ConflictError as conflict:
            form.add_error(None, str(conflict))
    problems = [str(m) for errors in form.errors.values() for m in errors]
    needs_reason = "lost_reason" in form.errors
    if _wants_json(request):
        if problems:
            return JsonResponse(
                {"ok": False, "problems": problems, "needs_lost_reason": needs_reason}, status=422
            )
        return JsonResponse({"ok": True, "stage": deal.stage_id, "version": deal.version})
    if problems:
        for problem in problems:
            messages.error(request, problem)
    else:
        messages.success(request, _("The deal is at «%(stage)s» now.") % {"stage": deal.stage.name})
    return redirect(deal.get_absolute_url())


@login_required
@require_POST
def deal_tick(request: HttpRequest, pk: int, item_pk: int) -> HttpResponse:
    deal = access.get_changeable(request.user, Deal, pk)
    item = get_object_or_404(StageChecklistItem.objects.select_related("stage"), pk=item_pk)
    try:
        services.deal_set_tick(
            actor=request.user, deal=deal, item=item, ticked=request.POST.get("done") == "1"
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return redirect(deal.get_absolute_url() + "#steps")


def _initial_from_query(request: HttpRequest) -> dict:
    initial = {}
    for name, model in (("company", Company), ("contact", Contact)):
        value = bounds.parse_id(request.GET.get(name, ""))
        if value is not None:
            record = access.visible(request.user, model.objects.all()).filter(pk=value).first()
            if record is not None:
                initial[name] = record.pk
                if name == "contact" and record.company_id and "company" not in initial:
                    initial["company"] = record.company_id
    return initial


@login_required
@require_http_methods(["GET", "POST"])
def deal_create(request: HttpRequest) -> HttpResponse:
    return crud.create_view(
        request,
        form_class=DealForm,
        create=services.deal_create,
        template="sales/deal_form.html",
        initial=_initial_from_query(request),
    )


@login_required
@require_http_methods(["GET", "POST"])
def deal_edit(request: HttpRequest, pk: int) -> HttpResponse:
    deal = access.get_changeable(request.user, Deal, pk)
    return crud.edit_view(
        request,
        record=deal,
        form_class=DealForm,
        update=services.deal_update,
        template="sales/deal_form.html",
        record_arg="deal",
    )


@login_required
@require_http_methods(["GET", "POST"])
def deal_delete(request: HttpRequest, pk: int) -> HttpResponse:
    deal = access.get_deletable(request.user, Deal, pk)
    return crud.delete_view(
        request,
        record=deal,
        delete=services.deal_delete,
        record_arg="deal",
        success_url=reverse("sales:deal-list"),
        context={"consequences": [_("Its activities stay, without the link to this deal.")]},
    )


@login_required
@require_GET
def deal_autocomplete(request: HttpRequest) -> HttpResponse:
    deals = selectors.deals_to_choose(user=request.user, query=request.GET.get("q", ""))
    return crud.autocomplete_json(
        deals, data=lambda deal: selectors.deal_links(deal, user=request.user)
    )


@login_required
@require_GET
def pipeline_list(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "sales/pipeline_list.html",
        {
            "pipelines": selectors.pipelines_with_stages(),
            "can_configure": access.can_configure(request.user),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def pipeline_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    access.require_configure(request.user)
    pipeline = get_object_or_404(Pipeline, pk=pk) if pk else Pipeline()
    initial = (
        [
            {
                "id": s.pk,
                "name": s.name,
                "probability": s.probability,
                "kind": s.kind,
                "color": s.color,
                "required_fields": s.required_fields,
                "required_invoice": s.required_invoice,
                "requires_decision_maker": s.requires_decision_maker,
                "checklist": "\n".join(item.text for item in s.checklist.all()),
                "playbook": s.playbook,
                "ORDER": i,
            }
            for i, s in enumerate(
                pipeline.stages.prefetch_related("checklist").order_by("order", "id"), start=1
            )
        ]
        if pk
        else []
    )
    if request.method == "POST":
        form = PipelineForm(request.POST, instance=pipeline)
        formset = StageFormSet(request.POST, initial=initial, prefix="stages")
        if form.is_valid() and formset.is_valid():
            stages = [
                f.cleaned_data
                for f in formset.ordered_forms
                if f.cleaned_data and not f.cleaned_data.get("DELETE")
            ]
            try:
                services.pipeline_save(actor=request.user, pipeline=form.instance, stages=stages)
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(request, _("“%(name)s” is saved.") % {"name": form.instance})
                return redirect("sales:pipeline-list")
    else:
        form = PipelineForm(instance=pipeline)
        formset = StageFormSet(initial=initial, prefix="stages")
    return render(
        request, "sales/pipeline_form.html", {"form": form, "formset": formset, "object": pipeline}
    )


@login_required
@require_http_methods(["GET", "POST"])
def pipeline_delete(request: HttpRequest, pk: int) -> HttpResponse:
    access.require_configure(request.user)
    pipeline = get_object_or_404(Pipeline, pk=pk)
    if request.method == "POST":
        try:
            services.pipeline_delete(actor=request.user, pipeline=pipeline)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("“%(name)s” is deleted.") % {"name": pipeline})
        return redirect("sales:pipeline-list")
    return render(
        request,
        "ui/confirm_delete.html",
        {"object": pipeline, "cancel_url": reverse("sales:pipeline-list")},
    )


LOST_REASONS = ValueList(
    model=LostReason,
    form_class=LostReasonForm,
    app="sales",
    name="lost-reason",
    title=gettext_lazy("Lost reasons"),
    new_title=gettext_lazy("New lost reason"),
    empty=gettext_lazy("No lost reasons yet."),
)
LEAD_SOURCES = ValueList(
    model=LeadSource,
    form_class=LeadSourceForm,
    app="sales",
    name="lead-source",
    title=gettext_lazy("Lead sources"),
    new_title=gettext_lazy("New lead source"),
    empty=gettext_lazy("No lead sources yet."),
)
DIRECTIONS = ValueList(
    model=Direction,
    form_class=DirectionForm,
    app="sales",
    name="direction",
    title=gettext_lazy("Projects / directions"),
    new_title=gettext_lazy("New project / direction"),
    empty=gettext_lazy("No projects or directions yet."),
)


BOARD_FILTERS = ("search", "owner", "team", "lead_source", "close_from", "close_to", "no_next_step")


def _board_filter(request: HttpRequest) -> tuple[DealFilter, QuerySet]:
    """The board's filters are the list's (the same FilterSet), minus what the columns are."""
    deals = selectors.deals_visible_to(user=request.user)
    # The pipeline is the board's own choice and the columns are its stages, so neither is a
    # filter here: the columns select by stage ids, which the (stage, close date) index serves.
    data = request.GET.copy()
    for name in ("pipeline", "stage", "status"):
        data.pop(name, None)
    filterset = DealFilter(data or None, queryset=deals, request=request)
    style_widgets(filterset.form, small=True)
    if not filterset.is_bound:
        return filterset, deals
    if not filterset.is_valid():
        return filterset, deals.none()
    return filterset, filterset.qs


def _board_pipeline(request: HttpRequest) -> Pipeline | None:
    pipelines = Pipeline.objects.filter(is_active=True).order_by("order", "id")
    chosen = bounds.parse_id(request.GET.get("pipeline", ""))
    if chosen is not None:
        return pipelines.filter(pk=chosen).first() or pipelines.first()
    return pipelines.first()


@login_required
@require_GET
def deal_board(request: HttpRequest) -> HttpResponse:
    """The kanban board of a pipeline; drag a card to move the deal (same rules as the form)."""
    pipeline = _board_pipeline(request)
    filterset, deals = _board_filter(request)
    params = request.GET.copy()
    params.pop("pipeline", None)
    columns = board.columns(deals, pipeline) if pipeline else []
    more = params.copy()
    more["pipeline"] = pipeline.pk if pipeline else ""
    more["offset"] = board.CARDS_PER_PAGE
    for column in columns:
        more["stage"] = column.stage.pk
        column.more_url = (
            f"{reverse('sales:deal-board-column')}?{more.urlencode()}" if column.has_more else ""
        )
    return render(
        request,
        "sales/deal_board.html",
        {
            "pipeline": pipeline,
            "pipelines": Pipeline.objects.filter(is_active=True).order_by("order", "id"),
            "columns": columns,
            "now": timezone.now(),
            "filterset": filterset,
            "board_filters": BOARD_FILTERS,
            "querystring": params.urlencode(),
            "base_currency": money.base_currency(),
            "lost_reasons": LostReason.objects.filter(is_active=True),
            "can_configure": access.can_configure(request.user),
            "closed_days": board.CLOSED_DAYS,
        },
    )


@login_required
@require_GET
def deal_board_column(request: HttpRequest) -> HttpResponse:
    """More cards of one column, as the column scrolls."""
    pipeline = _board_pipeline(request)
    stage_id = bounds.parse_id(request.GET.get("stage", ""))
    offset = bounds.parse_offset(request.GET.get("offset"))
    if stage_id is None or offset is None:
        # The board builds these links itself: a bad one was made by hand.
        return HttpResponseBadRequest(
            str(bounds.NO_SUCH_ID)
            if stage_id is None
            else bounds.BAD_OFFSET % {"max": bounds.MAX_OFFSET}
        )
    stage = get_object_or_404(Stage, pk=stage_id, pipeline=pipeline)
    _filterset, deals = _board_filter(request)
    cards = board.cards(deals, stage, offset=offset)
    params = request.GET.copy()
    params["offset"] = offset + board.CARDS_PER_PAGE
    return render(
        request,
        "sales/_board_cards.html",
        {
            "cards": cards,
            "now": timezone.now(),
            "more_url": f"{request.path}?{params.urlencode()}"
            if len(cards) == board.CARDS_PER_PAGE
            else "",
        },
    )


@login_required
@require_GET
def deal_board_stats(request: HttpRequest) -> HttpResponse:
    """The columns' counts and totals after a card moved."""
    pipeline = _board_pipeline(request)
    _filterset, deals = _board_filter(request)
    if pipeline is None:
        return JsonResponse({"columns": {}})
    columns = board.columns(deals, pipeline, with_cards=False)
    base = money.base_currency()
    sees = access.can_see_field(request.user, Entity.DEAL, "amount")
    return JsonResponse(
        {
            "columns": {
                str(c.stage.pk): {
                    "count": c.count,
                    "total": format_money(c.total, base) if sees else "",
                    "weighted": format_money(c.weighted, base) if sees else "",
                }
                for c in columns
            }
        }
    )
