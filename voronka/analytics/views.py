import datetime
from dataclasses import dataclass
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods

from voronka.accounts.access import team_ids_below
from voronka.core import money
from voronka.core.export import table_response
from voronka.sales.selectors import deals_visible_to

from . import selectors
from .forms import PERIODS, ReportFilterForm
from .models import DashboardLayout


def _month_end(key: str) -> tuple[str, str]:
    first = datetime.date.fromisoformat(f"{key}-01")
    last = (first + datetime.timedelta(days=32)).replace(day=1) - datetime.timedelta(days=1)
    return first.isoformat(), last.isoformat()


def _filtered(request: HttpRequest):
    """The filter form, the period, the pipeline, the deals they select and the list filters
    that repeat them (for the links behind bars)."""
    form = ReportFilterForm(request.GET or None, user=request.user)
    start, end = form.dates()
    data = form.cleaned_data if form.is_bound and form.is_valid() else {}
    pipelines = form.fields["pipeline"].queryset
    pipeline = data.get("pipeline") or pipelines.first()
    deals = deals_visible_to(user=request.user)
    common = {}
    if data.get("owner"):
        deals = deals.filter(owner=data["owner"])
        common["owner"] = data["owner"].pk
    if data.get("team"):
        deals = deals.filter(owner__team_id__in=sorted(team_ids_below(data["team"].pk)))
        common["team"] = data["team"].pk
    if data.get("direction"):
        deals = deals.filter(direction=data["direction"])
        common["direction"] = data["direction"].pk
    if pipeline is not None:
        deals = deals.filter(pipeline=pipeline)
        common["pipeline"] = pipeline.pk
    return form, start, end, pipeline, deals, common


@dataclass(frozen=True)
class Block:
    """A dashboard block: its title and the figures its table and export show. The page
    loads each block after itself, side by side, so a heavy one delays only itself."""

    title: str
    columns: tuple[str, ...] = ("count", "total")


COLUMN_TITLES = {
    "count": gettext_lazy("Deals"),
    "total": gettext_lazy("Total, %(currency)s"),
    "weighted": gettext_lazy("Weighted, %(currency)s"),
    "extra": gettext_lazy("By win rate, %(currency)s"),
    "units": gettext_lazy("Units"),
    "stays": gettext_lazy("Stays"),
    "days": gettext_lazy("Average days"),
    "of_first": gettext_lazy("Of the first stage, %"),
    "of_previous": gettext_lazy("Of the previous, %"),
}

BLOCKS = {
    "stages": Block(gettext_lazy("Sales stage chart"), ("count", "total", "weighted")),
    "sources": Block(gettext_lazy("All deals by lead source")),
    "months": Block(gettext_lazy("Total by month")),
    "directions": Block(gettext_lazy("Revenue by direction"), ("count", "total", "units")),
    "funnel": Block(
        gettext_lazy("Funnel: conversion between stages"), ("count", "of_first", "of_previous")
    ),
    "forecast": Block(
        gettext_lazy("Forecast by expected close month"), ("count", "total", "weighted", "extra")
    ),
    "lost": Block(gettext_lazy("Lost reasons")),
    "stage_days": Block(gettext_lazy("Average days per stage"), ("stays", "days")),
}
# The seed's list of charts first: out of the box every block is on, in this order.
DEFAULT_LAYOUT = list(BLOCKS)


def layout_of(user) -> list[str]:
    """The blocks of the user's dashboard, in their order (the default until arranged)."""
    stored = DashboardLayout.objects.filter(user=user).values_list("blocks", flat=True).first()
    if stored is None:
        return list(DEFAULT_LAYOUT)
    return [key for key in stored if key in BLOCKS]


def _bars(key: str, deals, pipeline, start, end, common: dict) -> list:
    """One block's bars, each linked to the deal list behind it."""
    period = {"created_from": start.isoformat(), "created_to": end.isoformat()}
    closed = {"closed_from": start.isoformat(), "closed_to": end.isoformat()}
    if key == "stages":
        bars = selectors.pipeline_by_stage(deals, pipeline) if pipeline else []
        for bar in bars:
            bar.url = _deals_url(common, stage=bar.key)
    elif key == "months":
        bars = selectors.won_by_month(deals, start, end)
        for bar in bars:
            first, last = _month_end(bar.key)
            bar.url = _deals_url(common, status="won", closed_from=first, closed_to=last)
    elif key == "sources":
        bars = selectors.by_source(deals, start, end)
        for bar in bars:
            bar.label = bar.label or _("No source")
            bar.url = _deals_url(common, lead_source=bar.key, **period) if bar.key else ""
    elif key == "directions":
        bars = selectors.by_direction(deals, start, end)
        for bar in bars:
            bar.label = bar.label or _("No direction")
            bar.url = (
                _deals_url({**common, "direction": bar.key}, status="won", **closed)
                if bar.key
                else ""
            )
    elif key == "lost":
        bars = selectors.lost_reasons(deals, start, end)
        for bar in bars:
            bar.label = bar.label or _("No reason given")
            bar.url = _deals_url(common, status="lost", lost_reason=bar.key, **closed)
    elif key == "forecast":
        bars = selectors.forecast(deals)
        if pipeline is not None:
            rates = selectors.win_rates(deals, pipeline)
            selectors.forecast_by_win_rate(deals, pipeline, bars, rates)
        for bar in bars:
            first, last = _month_end(bar.key)
            bar.url = _deals_url(common, status="open", close_from=first, close_to=last)
    elif key == "stage_days":
        bars = selectors.days_per_stage(deals, pipeline, start, end) if pipeline else []
        for bar in bars:
            bar.url = _deals_url(common, stage=bar.key)
    elif key == "funnel":
        steps = selectors.funnel(deals, pipeline, start, end) if pipeline else []
        bars = [selectors.Bar(label=step.label, count=step.count, key=step.key) for step in steps]
        for bar, step in zip(bars, steps, strict=True):
            bar.of_first, bar.of_previous = step.of_first, step.of_previous
    else:
        raise KeyError(key)
    return bars


def _cells(key: str, bar) -> list:
    """The figures of a bar in its block's columns."""
    values = {
        "count": bar.count,
        "total": bar.total,
        "weighted": bar.weighted,
        "extra": bar.extra,
        "units": bar.weighted,  # by direction: the units sold ride in `weighted`
        "stays": bar.count,
        "days": bar.total,
        "of_first": getattr(bar, "of_first", None),
        "of_previous": getattr(bar, "of_previous", None),
    }
    return [values[column] for column in BLOCKS[key].columns]


MONEY_COLUMNS = {"total", "weighted", "extra"}


def _column_title(column: str, currency: str) -> str:
    title = str(COLUMN_TITLES[column])
    return title % {"currency": currency} if column in MONEY_COLUMNS else title


def _money_flags(key: str) -> list[bool]:
    return [column in MONEY_COLUMNS and key != "stage_days" for column in BLOCKS[key].columns]


def _context(request: HttpRequest, only: str | None = None) -> dict:
    """The filters and the user's blocks; with `only`, that block's bars (for the block
    itself, loaded after the page, and for its export)."""
    form, start, end, pipeline, deals, common = _filtered(request)
    layout = [only] if only else layout_of(request.user)
    blocks = {only: _bars(only, deals, pipeline, start, end, common)} if only else {}
    base = money.base_currency()
    panels = [
        {
            "key": key,
            "title": BLOCKS[key].title,
            "bars": blocks.get(key),
            "columns": [_column_title(column, base) for column in BLOCKS[key].columns],
            "rows": [
                (bar, list(zip(_cells(key, bar), _money_flags(key), strict=True)))
                for bar in blocks.get(key, [])
            ],
        }
        for key in layout
    ]
    charts = {
        key: {
            "labels": [bar.label for bar in bars],
            "values": [float(bar.count if key == "funnel" else bar.total) for bar in bars],
            "counts": [bar.count for bar in bars],
            "urls": [bar.url for bar in bars],
        }
        for key, bars in blocks.items()
    }
    return {
        "panels": panels,
        "charts": charts,
        "form": form,
        "start": start,
        "end": end,
        "pipeline": pipeline,
        "blocks": blocks,
        "base_currency": base,
        "won_url": _deals_url(
            common, status="won", closed_from=start.isoformat(), closed_to=end.isoformat()
        ),
        "deals": deals,
        "report_query": request.GET.urlencode(),
        "quick_periods": [
            (value, label) for value, label in PERIODS if value not in ("custom", "this_year")
        ],
        "period": form.cleaned_data.get("period") if form.is_bound and form.is_valid() else "",
    }


def _deals_url(common: dict, **params) -> str:
    return f"{reverse('sales:deal-list')}?{urlencode({**common, **params})}"


@login_required
@require_GET
def dashboard(request: HttpRequest) -> HttpResponse:
    """The user's dashboard: the filters, the period's won deals (the answer to "how many,
    for how much", whatever the layout) and the places of the blocks the user chose, in
    their order; each block loads itself."""
    context = _context(request)
    won = selectors.won_total(context.pop("deals"), context["start"], context["end"])
    context.update(won_count=won.count, won_total=won.total, won_unconverted=won.unconverted)
    return render(request, "analytics/dashboard.html", context)


@login_required
@require_GET
def block(request: HttpRequest, block: str) -> HttpResponse:
    """One block of the dashboard, loaded by the page after itself (the funnel with the
    sales cycle)."""
    if block not in BLOCKS:
        raise Http404
    context = _context(request, only=block)
    context["panel"] = context["panels"][0]
    context["chart"] = context["charts"][block]
    if block == "funnel":
        context["cycle"] = selectors.sales_cycle(
            context.pop("deals"), context["start"], context["end"]
        )
    return render(request, "analytics/_late_block.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def layout(request: HttpRequest) -> HttpResponse:
    """Arrange the dashboard: which blocks, in what order (drag them; without script the
    checked ones keep the listed order)."""
    current = layout_of(request.user)
    if request.method == "POST":
        if "reset" in request.POST:
            DashboardLayout.objects.filter(user=request.user).delete()
        else:
            chosen = [key for key in request.POST.getlist("blocks") if key in BLOCKS]
            DashboardLayout.objects.update_or_create(
                user=request.user, defaults={"blocks": list(dict.fromkeys(chosen))}
            )
        messages.success(request, _("The dashboard is arranged."))
        return redirect("reports:dashboard")
    rest = [key for key in BLOCKS if key not in current]
    return render(
        request,
        "analytics/layout.html",
        {"items": [(key, BLOCKS[key].title, key in current) for key in [*current, *rest]]},
    )


def filters_refused(form) -> HttpResponse | None:
    """A file of figures over other filters than the ones asked for would mislead: a bad
    filter refuses the export (400), saying what is wrong, where the page shows the default
    period beside the form's errors."""
    if not form.is_bound or form.is_valid():
        return None
    lines = [
        f"{form.fields[name].label}: {message}" if name in form.fields else message
        for name, messages in form.errors.items()
        for message in messages
    ]
    return HttpResponseBadRequest("\n".join(lines), content_type="text/plain; charset=utf-8")


@login_required
@require_GET
def export(request: HttpRequest, block: str, fmt: str) -> HttpResponse:
    """One block's figures as CSV (UTF-8 with BOM, semicolons: Excel opens it) or XLSX."""
    if block not in BLOCKS or fmt not in ("csv", "xlsx"):
        raise Http404
    refused = filters_refused(ReportFilterForm(request.GET or None, user=request.user))
    if refused is not None:
        return refused
    context = _context(request, only=block)
    panel = context["panels"][0]
    header = [_("Name"), *[str(title) for title in panel["columns"]]]
    rows = [[bar.label, *(value for value, _money in cells)] for bar, cells in panel["rows"]]
    return table_response(
        fmt,
        filename=block,
        title=str(BLOCKS[block].title),
        header=header,
        rows=rows,
        money_from=2,
    )
