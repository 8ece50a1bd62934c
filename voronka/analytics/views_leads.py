from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from voronka.accounts import access
from voronka.accounts.access import team_ids_below
from voronka.accounts.models import Entity
from voronka.leads.models import Lead

from . import leads as figures
from .forms import ScorecardFilterForm


class LeadReportForm(ScorecardFilterForm):
    """Period, team and manager: the owners to choose from are those whose leads one sees."""

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, user=user, **kwargs)
        self.fields["owner"].queryset = access.colleagues(user, Entity.LEAD).order_by(
            "first_name", "last_name"
        )


@login_required
@require_GET
def lead_report(request: HttpRequest) -> HttpResponse:
    """Leads per source and per manager: how many came, converted (%), disqualified, and the
    average days from the request to the conversion."""
    form = LeadReportForm(request.GET or None, user=request.user)
    start, end = form.dates()
    data = form.cleaned_data if form.is_bound and form.is_valid() else {}
    leads = figures.in_period(access.visible(request.user, Lead.objects.all()), start, end)
    if data.get("owner"):
        leads = leads.filter(owner=data["owner"])
    if data.get("team"):
        leads = leads.filter(owner__team_id__in=sorted(team_ids_below(data["team"].pk)))
    sources = figures.by_source(leads)
    managers = figures.by_manager(leads)
    return render(
        request,
        "analytics/leads.html",
        {
            "form": form,
            "start": start,
            "end": end,
            "sources": sources,
            "managers": managers,
            "total": figures.total(sources),
        },
    )
