"""The sales dashboard as data: its blocks, each user's arrangement of them, the filters and
the figures of each block with the deal lists behind its bars. The pages (`views`), the
exports and the API read it; it reads `selectors` with the user's rights."""

from dataclasses import dataclass
from urllib.parse import urlencode

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from voronka.accounts import access
from voronka.accounts.access import team_ids_below
from voronka.accounts.models import Entity
from voronka.core import dates, money
from voronka.marketing import reports
from voronka.sales.models import Deal

from . import selectors
from .forms import PERIODS, ReportFilterForm
from .models import DashboardLayout


def _month_end(key: str) -> tuple[str, str]:
    first = dates.month_from_key(key)
    return first.isoformat(), dates.month_end(first).isoformat()


def filtered(user, params):
    """The filter form (over the query `params`), the period, the pipeline, the deals they
    select (with the user's rights) and the list filters that repeat them (for the links
    behind bars)."""
    # Every block sums deal amounts: refused to a role that hides them.
    access.require_field(user, Entity.DEAL, "amount")
    form = ReportFilterForm(params or None, user=user)
    start, end = form.dates()
    data = form.cleaned_data if form.is_bound and form.is_valid() else {}
    pipelines = form.fields["pipeline"].queryset
    pipeline = data.get("pipeline") or pipelines.first()
    # A role allowed the company's reports sums every deal; others what they may see.
    deals = access.reportable(
        user, Deal.objects.select_related("owner", "company", "stage", "pipeline")
    )
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
    "leads": gettext_lazy("Leads"),
    "revenue": gettext_lazy("Won revenue, %(currency)s"),
    "cost": gettext_lazy("Cost, %(currency)s"),
    "roi": gettext_lazy("ROI, %"),
    "lost_count": gettext_lazy("Deals lost to it"),
    "lost_total": gettext_lazy("Lost revenue, %(currency)s"),
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
    # The marketing's blocks (voronka.marketing.reports): seed 000's «ROI кампаний», the
    # revenue by source with the campaigns' costs beside it, and the competitors.
    "campaign_roi": Block(gettext_lazy("Campaign ROI"), ("leads", "revenue", "cost", "roi")),
    "source_costs": Block(
        gettext_lazy("Revenue by source with costs"), ("count", "revenue", "cost")
    ),
    "competitors": Block(gettext_lazy("Competitors"), ("lost_count", "lost_total")),
}
# The seed's list of charts first: out of the box every block is on, in this order.
DEFAULT_LAYOUT = list(BLOCKS)


def layout_of(user) -> list[str]:
    """The blocks of the user's dashboard, in their order (the default until arranged)."""
    stored = DashboardLayout.objects.filter(user=user).values_list("blocks", flat=True).first()
    if stored is None:
        return list(DEFAULT_LAYOUT)
    return [key for key in stored if key in BLOCKS]


def bars(key: str, deals, pipeline, start, end, common: dict) -> list:
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
    elif key == "campaign_roi":
        bars = reports.campaign_roi(start, end)
        for bar in bars:
            bar.url = reverse("marketing:campaign-detail", args=[bar.key])
    elif key == "source_costs":
        bars = reports.source_costs(selectors.by_source(deals, start, end), start, end)
        for bar in bars:
            bar.label = bar.label or _("No source")
            bar.url = _deals_url(common, lead_source=bar.key, **period) if bar.key else ""
    elif key == "competitors":
        bars = reports.competitors(deals, start, end)
        for bar in bars:
            bar.url = reverse("marketing:competitor-detail", args=[bar.key])
    elif key == "funnel":
        steps = selectors.funnel(deals, pipeline, start, end) if pipeline else []
        bars = [
            selectors.Bar(label=step.label, count=step.count, key=step.key, color=step.color)
            for step in steps
        ]
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
        "leads": bar.count,
        "revenue": bar.total,
        "cost": bar.weighted,
        "roi": bar.extra,
        "lost_count": bar.count,
        "lost_total": bar.total,
    }
    return [values[column] for column in BLOCKS[key].columns]


MONEY_COLUMNS = {"total", "weighted", "extra", "revenue", "cost", "lost_total"}


def _column_title(column: str, currency: str) -> str:
    title = str(COLUMN_TITLES[column])
    return title % {"currency": currency} if column in MONEY_COLUMNS else title


def _money_flags(key: str) -> list[bool]:
    return [column in MONEY_COLUMNS and key != "stage_days" for column in BLOCKS[key].columns]


def context(user, params, only: str | None = None) -> dict:
    """The filters and the user's blocks; with `only`, that block's bars (for the block
    itself, loaded after the page, its export and the API)."""
    form, start, end, pipeline, deals, common = filtered(user, params)
    layout = [only] if only else layout_of(user)
    blocks = {only: bars(only, deals, pipeline, start, end, common)} if only else {}
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
            # The blocks by stage draw each bar in its stage's colour (as on the board).
            "colors": [bar.color for bar in bars] if any(bar.color for bar in bars) else None,
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
        "report_query": params.urlencode(),
        "quick_periods": [
            (value, label) for value, label in PERIODS if value not in ("custom", "this_year")
        ],
        "period": form.cleaned_data.get("period") if form.is_bound and form.is_valid() else "",
    }


def _deals_url(common: dict, **params) -> str:
    return f"{reverse('sales:deal-list')}?{urlencode({**common, **params})}"
