import csv
import datetime
from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET

from voronka.accounts.access import team_ids_below
from voronka.core import money
from voronka.sales.selectors import deals_visible_to

from . import selectors
from .forms import ReportFilterForm


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
    if pipeline is not None:
        deals = deals.filter(pipeline=pipeline)
        common["pipeline"] = pipeline.pk
    return form, start, end, pipeline, deals, common


def _context(request: HttpRequest, only: str | None = None) -> dict:
    """The filters and every block's bars (or only one block's, for its export), each bar
    linked to the deal list behind it."""
    form, start, end, pipeline, deals, common = _filtered(request)
    blocks = {}

    def wanted(key: str) -> bool:
        return only is None or only == key

    if pipeline is not None and wanted("stages"):
        blocks["stages"] = selectors.pipeline_by_stage(deals, pipeline)
        for bar in blocks["stages"]:
            bar.url = _deals_url(common, stage=bar.key)
    if wanted("months"):
        blocks["months"] = selectors.won_by_month(deals, start, end)
    for bar in blocks.get("months", []):
        first, last = _month_end(bar.key)
        bar.url = _deals_url(common, status="won", closed_from=first, closed_to=last)
    period = {"created_from": start.isoformat(), "created_to": end.isoformat()}
    if wanted("sources"):
        blocks["sources"] = selectors.by_source(deals, start, end)
    for bar in blocks.get("sources", []):
        bar.label = bar.label or _("No source")
        bar.url = _deals_url(common, lead_source=bar.key, **period) if bar.key else ""
    if wanted("lost"):
        blocks["lost"] = selectors.lost_reasons(deals, start, end)
    for bar in blocks.get("lost", []):
        bar.label = bar.label or _("No reason given")
        bar.url = _deals_url(
            common,
            status="lost",
            lost_reason=bar.key,
            closed_from=start.isoformat(),
            closed_to=end.isoformat(),
        )
    if wanted("forecast"):
        blocks["forecast"] = selectors.forecast(deals)
    for bar in blocks.get("forecast", []):
        first, last = _month_end(bar.key)
        bar.url = _deals_url(common, status="open", close_from=first, close_to=last)
    panels = [
        {"key": key, "title": BLOCKS[key], "bars": bars, "weighted": key in ("stages", "forecast")}
        for key, bars in blocks.items()
    ]
    charts = {
        key: {
            "labels": [bar.label for bar in bars],
            "values": [float(bar.total) for bar in bars],
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
        "base_currency": money.base_currency(),
        "won_count": sum(bar.count for bar in blocks.get("months", [])),
        "won_total": sum(bar.total for bar in blocks.get("months", [])),
        "report_query": request.GET.urlencode(),
    }


def _deals_url(common: dict, **params) -> str:
    return f"{reverse('sales:deal-list')}?{urlencode({**common, **params})}"


BLOCKS = {
    "stages": gettext_lazy("Pipeline by stage"),
    "months": gettext_lazy("Won by month"),
    "sources": gettext_lazy("Deals by lead source"),
    "lost": gettext_lazy("Lost reasons"),
    "forecast": gettext_lazy("Forecast by expected close month"),
}


@login_required
@require_GET
def dashboard(request: HttpRequest) -> HttpResponse:
    """Sales dashboards: pipeline, won revenue by month, sources, lost reasons, forecast."""
    return render(request, "analytics/dashboard.html", _context(request))


@login_required
@require_GET
def funnel(request: HttpRequest) -> HttpResponse:
    """The funnel (conversion between stages) and the sales cycle: heavier than the other
    blocks (the stage history of every deal of the period), so loaded after the page."""
    _form, start, end, pipeline, deals, _common = _filtered(request)
    return render(
        request,
        "analytics/_funnel.html",
        {
            "funnel": selectors.funnel(deals, pipeline, start, end) if pipeline else [],
            "cycle": selectors.sales_cycle(deals, start, end),
        },
    )


@login_required
@require_GET
def export(request: HttpRequest, block: str, fmt: str) -> HttpResponse:
    """One block's figures as CSV (UTF-8 with BOM, semicolons: Excel opens it) or XLSX."""
    if block not in BLOCKS or fmt not in ("csv", "xlsx"):
        raise Http404
    context = _context(request, only=block)
    base = context["base_currency"]
    weighted = block in ("stages", "forecast")
    header = [_("Name"), _("Deals"), _("Total, %(currency)s") % {"currency": base}]
    if weighted:
        header.append(_("Weighted, %(currency)s") % {"currency": base})
    rows = [
        [bar.label, bar.count, bar.total, *([bar.weighted] if weighted else [])]
        for bar in context["blocks"].get(block, [])
    ]
    if fmt == "xlsx":
        return _xlsx(block, str(BLOCKS[block]), header, rows)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{block}.csv"'
    response.write("\ufeff")
    writer = csv.writer(response, delimiter=";")
    writer.writerow(header)
    writer.writerows(rows)
    return response


def _xlsx(block: str, title: str, header: list, rows: list) -> HttpResponse:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook()
    sheet = book.active
    sheet.title = title[:31]  # Excel's limit for a sheet name
    sheet.append(header)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in rows:
        sheet.append(row)
    for row in sheet.iter_rows(min_row=2, min_col=3, max_col=len(header)):
        for cell in row:
            cell.number_format = "#,##0.00"
    sheet.column_dimensions["A"].width = 40
    response = HttpResponse(
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    response["Content-Disposition"] = f'attachment; filename="{block}.xlsx"'
    book.save(response)
    return response
