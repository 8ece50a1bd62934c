"""Sales plans: the plan-vs-fact page of a month or a quarter, and the plans' editing."""

import datetime

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from voronka.accounts import access
from voronka.accounts.models import Entity, Team
from voronka.core import bounds, dates, money
from voronka.sales.models import Direction
from voronka.ui.forms import StyledFormMixin

from . import plans, services
from .models import PlanPeriod, SalesPlan


class SalesPlanForm(StyledFormMixin, forms.ModelForm):
    start = forms.DateField(
        label=gettext_lazy("Month"),
        input_formats=["%Y-%m", "%Y-%m-%d"],
        widget=forms.DateInput(attrs={"type": "month"}, format="%Y-%m"),
        help_text=gettext_lazy("For a quarter: its first month."),
    )

    class Meta:
        model = SalesPlan
        fields = ["period", "start", "owner", "team", "direction", "amount", "quantity"]
        help_texts = {
            "owner": gettext_lazy("Leave both the manager and the team empty: the department."),
        }

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.fields["owner"].queryset = (
            access.colleagues(user, Entity.DEAL)
            .filter(is_active=True)
            .order_by("first_name", "last_name")
        )
        self.fields["team"].queryset = Team.objects.order_by("name")
        self.fields["direction"].queryset = Direction.objects.filter(is_active=True)
        currency = money.base_currency()
        self.fields["amount"].label = _("Revenue target, %(currency)s") % {"currency": currency}

    def clean(self):
        cleaned = super().clean()
        owner, team = cleaned.get("owner"), cleaned.get("team")
        if not self.errors and not access.can_plan(self.user, owner=owner, team=team):
            raise forms.ValidationError(_("You may not set this plan."))
        return cleaned


def _period(request: HttpRequest) -> tuple[str, datetime.date]:
    """The period asked for; a start that is not a date within core.bounds (the month after
    9999-12 does not exist) shows the current one, saying why."""
    kind = request.GET.get("period")
    if kind not in PlanPeriod.values:
        kind = PlanPeriod.MONTH
    typed = request.GET.get("start", "")
    day = bounds.parse_day(typed)
    if day is None:
        day = timezone.localdate()
        if typed:
            try:
                datetime.date.fromisoformat(typed)
            except ValueError:
                messages.error(request, _("Enter a valid date."))
            else:
                messages.error(request, bounds.day_range_error().messages[0])
    return kind, dates.period_bounds(kind, day)[0]


@login_required
@require_http_methods(["GET"])
def plan_list(request: HttpRequest) -> HttpResponse:
    """Plan vs fact of a month or a quarter."""
    kind, start = _period(request)
    lines, end = plans.plan_lines(request.user, kind, start)
    return render(
        request,
        "analytics/plans.html",
        {
            "lines": lines,
            "period": kind,
            "start": start,
            "end": end,
            "previous": dates.shift_period(kind, start, -1),
            "next": dates.shift_period(kind, start, 1),
            "periods": PlanPeriod.choices,
            "base_currency": money.base_currency(),
            "may_plan": access.can_configure(request.user)
            or bool(request.user.team_id and access.can_plan(request.user, team=request.user.team)),
            "today": timezone.localdate(),
        },
    )


def _back(plan: SalesPlan) -> str:
    return f"{reverse('reports:plans')}?period={plan.period}&start={plan.start.isoformat()}"


@login_required
@require_http_methods(["GET", "POST"])
def plan_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    plan = None
    if pk is not None:
        plan = get_object_or_404(access.plans_visible(request.user, SalesPlan.objects), pk=pk)
        if not access.can_plan(request.user, owner=plan.owner, team=plan.team):
            raise PermissionDenied(_("You may not change this plan."))
    initial = {}
    if plan is None:
        kind, start = _period(request)
        initial = {"period": kind, "start": start}
    form = SalesPlanForm(request.POST or None, instance=plan, initial=initial, user=request.user)
    if request.method == "POST" and form.is_valid():
        saved = form.save(commit=False)
        saved.updated_by = request.user
        services.plan_save(actor=request.user, plan=saved)
        messages.success(request, _("The plan is saved."))
        return redirect(_back(saved))
    return render(request, "analytics/plan_form.html", {"form": form, "object": plan})


@login_required
@require_POST
def plan_delete(request: HttpRequest, pk: int) -> HttpResponse:
    plan = get_object_or_404(access.plans_visible(request.user, SalesPlan.objects), pk=pk)
    if not access.can_plan(request.user, owner=plan.owner, team=plan.team):
        raise PermissionDenied(_("You may not change this plan."))
    back = _back(plan)
    services.plan_delete(actor=request.user, plan=plan)
    messages.success(request, _("The plan is deleted."))
    return redirect(back)
