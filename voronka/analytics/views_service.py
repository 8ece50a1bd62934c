from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from voronka.accounts import access
from voronka.accounts.access import team_ids_below
from voronka.accounts.models import Entity
from voronka.service.selectors import cases_visible_to

from . import service as figures
from .forms import ScorecardFilterForm
from .selectors import _moments


class ServiceReportForm(ScorecardFilterForm):
    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, user=user, **kwargs)
        self.fields["owner"].queryset = access.colleagues(user, Entity.CASE).order_by(
            "first_name", "last_name"
        )


@login_required
@require_GET
def service_report(request: HttpRequest) -> HttpResponse:
    """The «Service» block: open cases, breaches, average times, complaints by type and by
    product, satisfaction."""
    form = ServiceReportForm(request.GET or None, user=request.user)
    start, end = form.dates()
    data = form.cleaned_data if form.is_bound and form.is_valid() else {}
    cases = cases_visible_to(user=request.user)
    if data.get("owner"):
        cases = cases.filter(owner=data["owner"])
    if data.get("team"):
        cases = cases.filter(team_id__in=sorted(team_ids_below(data["team"].pk)))
    first, after = _moments(start, end)
    opened = cases.filter(opened_at__gte=first, opened_at__lt=after)
    return render(
        request,
        "analytics/service.html",
        {"form": form, "start": start, "end": end, **figures.figures(cases, opened)},
    )
