"""The manager scorecard page and its export."""

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from voronka.activities.models import ActivityKind
from voronka.core import money
from voronka.core.export import table_response

from . import scorecard
from .views import filters_refused


@login_required
@require_GET
def scorecard_page(request: HttpRequest) -> HttpResponse:
    """Managers side by side for a period: what they did, how it went, plan vs fact."""
    form, start, end, rows = scorecard.filtered_rows(request.user, request.GET)
    return render(
        request,
        "analytics/scorecard.html",
        {
            "form": form,
            "start": start,
            "end": end,
            "rows": rows,
            "kinds": [(kind, ActivityKind(kind).label) for kind in scorecard.KINDS],
            "base_currency": money.base_currency(),
            "report_query": request.GET.urlencode(),
        },
    )


def _table(rows, base: str) -> tuple[list, list]:
    header = [
        _("Manager / team"),
        *[capfirst(str(ActivityKind(kind).label)) for kind in scorecard.KINDS],
        _("Effectiveness, %"),
        _("Postponements"),
        _("Postponements per client"),
        _("Customers without a next step"),
        _("Deals without a next step"),
        _("Companies: key fields filled, %"),
        _("Contacts: key fields filled, %"),
        _("Became regular"),
        _("Lost customers"),
        _("Retention ratio, %"),
        _("Won"),
        _("Lost"),
        _("Revenue, %(currency)s") % {"currency": base},
        _("Average deal, %(currency)s") % {"currency": base},
        _("Plan, %(currency)s") % {"currency": base},
        _("Plan done, %"),
    ]
    body = [
        [
            row.label or _("Department"),
            *[row.activities[kind] for kind in scorecard.KINDS],
            row.effectiveness,
            row.postponed,
            row.postponed_per_client,
            row.clients_without_step,
            row.deals_without_step,
            row.company_completeness,
            row.contact_completeness,
            row.became_regular,
            row.customers_lost,
            row.retention,
            row.won,
            row.lost,
            row.revenue,
            row.average_deal,
            row.plan,
            row.plan_done,
        ]
        for row in rows
    ]
    return header, body


@login_required
@require_GET
def scorecard_export(request: HttpRequest, fmt: str) -> HttpResponse:
    if fmt not in ("csv", "xlsx"):
        raise Http404
    form, _start, _end, rows = scorecard.filtered_rows(request.user, request.GET)
    refused = filters_refused(form)
    if refused is not None:
        return refused
    header, body = _table(rows, money.base_currency())
    return table_response(fmt, filename="scorecard", title=_("Managers"), header=header, rows=body)
