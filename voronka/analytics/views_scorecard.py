"""The manager scorecard page and its export."""

from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from voronka.activities.models import ActivityKind
from voronka.core import money
from voronka.core.export import table_response

from . import scorecard
from .forms import ReportFilterForm
from .views import filters_refused


class ScorecardFilterForm(ReportFilterForm):
    """Period, team and manager: the scorecard is about people, not a pipeline."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        del self.fields["pipeline"]
        del self.fields["direction"]


def _url(name: str, **params) -> str:
    return f"{reverse(name)}?{urlencode(params, doseq=True)}"


def _links(row: scorecard.Row, start, end) -> dict[str, str]:
    """The lists behind a manager's figures (a team's: the deal lists, by team)."""
    period = {"done_from": start.isoformat(), "done_to": end.isoformat()}
    closed = {"closed_from": start.isoformat(), "closed_to": end.isoformat()}
    if row.level == "team" and row.team_id:
        who = {"team": row.team_id}
        return {
            "deals_without_step": _url("sales:deal-list", no_next_step="true", **who),
            "won": _url("sales:deal-list", status="won", **closed, **who),
            "lost": _url("sales:deal-list", status="lost", **closed, **who),
        }
    if row.level != "manager":
        return {}
    who = {"owner": row.owner_id}
    links = {
        f"kind_{kind}": _url("activities:activity-list", done="true", kind=kind, **period, **who)
        for kind in scorecard.KINDS
    }
    links.update(
        contacts=_url(
            "activities:activity-list",
            done="true",
            kinds=scorecard.CONTACT_KINDS,
            **period,
            **who,
        ),
        positive=_url(
            "activities:activity-list",
            done="true",
            kinds=scorecard.CONTACT_KINDS,
            outcome_kind=scorecard.POSITIVE,
            **period,
            **who,
        ),
        postponed=_url(
            "activities:activity-list", done="true", outcome_kind="postponed", **period, **who
        ),
        clients_without_step=_url("contacts:company-list", no_next_step="true", **who),
        deals_without_step=_url("sales:deal-list", no_next_step="true", **who),
        regular=_url("contacts:company-list", relationship_stage="regular", **who),
        lost_customers=_url("contacts:company-list", relationship_stage="lost", **who),
        won=_url("sales:deal-list", status="won", **closed, **who),
        lost=_url("sales:deal-list", status="lost", **closed, **who),
    )
    return links


def _rows(request: HttpRequest):
    form = ScorecardFilterForm(request.GET or None, user=request.user)
    start, end = form.dates()
    data = form.cleaned_data if form.is_bound and form.is_valid() else {}
    rows = scorecard.scorecard(
        request.user, start, end, team=data.get("team"), owner=data.get("owner")
    )
    for row in rows:
        row.urls = _links(row, start, end)
    return form, start, end, rows


@login_required
@require_GET
def scorecard_page(request: HttpRequest) -> HttpResponse:
    """Managers side by side for a period: what they did, how it went, plan vs fact."""
    form, start, end, rows = _rows(request)
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
    refused = filters_refused(ScorecardFilterForm(request.GET or None, user=request.user))
    if refused is not None:
        return refused
    _form, _start, _end, rows = _rows(request)
    header, body = _table(rows, money.base_currency())
    return table_response(fmt, filename="scorecard", title=_("Managers"), header=header, rows=body)
