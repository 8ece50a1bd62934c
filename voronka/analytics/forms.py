"""The filters every dashboard block shares: period, pipeline, team, manager and direction."""

from __future__ import annotations

import datetime

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from voronka.accounts import access
from voronka.accounts.models import Entity, Team
from voronka.core import dates
from voronka.sales.models import Direction, Pipeline
from voronka.ui.forms import DateInput, bound_fields, style_widgets

PERIODS = [
    ("this_month", _("This month")),
    ("last_month", _("Last month")),
    ("this_quarter", _("This quarter")),
    ("last_quarter", _("Last quarter")),
    ("q1", _("Q1 of this year")),
    ("q2", _("Q2 of this year")),
    ("q3", _("Q3 of this year")),
    ("q4", _("Q4 of this year")),
    ("this_year", _("This year")),
    ("last_year", _("Last year")),
    ("custom", _("Dates below")),
]


def period_dates(period: str, today: datetime.date) -> tuple[datetime.date, datetime.date]:
    """The first and last day of a preset period around `today`."""
    if period in ("q1", "q2", "q3", "q4"):
        return dates.period_bounds(dates.QUARTER, today.replace(month=int(period[1]) * 3 - 2))
    if period == "last_month":
        return dates.period_bounds(dates.MONTH, dates.month_start(today, back=1))
    if period == "this_quarter":
        return dates.period_bounds(dates.QUARTER, today)
    if period == "last_quarter":
        return dates.period_bounds(dates.QUARTER, dates.add_months(today, -3))
    if period == "this_year":
        return datetime.date(today.year, 1, 1), datetime.date(today.year, 12, 31)
    if period == "last_year":
        return datetime.date(today.year - 1, 1, 1), datetime.date(today.year - 1, 12, 31)
    return dates.period_bounds(dates.MONTH, today)


class ReportFilterForm(forms.Form):
    period = forms.ChoiceField(label=_("Period"), choices=PERIODS, initial="this_year")
    start = forms.DateField(label=_("From"), required=False, widget=DateInput)
    end = forms.DateField(label=_("To"), required=False, widget=DateInput)
    pipeline = forms.ModelChoiceField(
        label=_("Pipeline"), queryset=Pipeline.objects.none(), required=False
    )
    team = forms.ModelChoiceField(
        label=_("Team"),
        queryset=Team.objects.order_by("name"),
        required=False,
        empty_label=_("Any team"),
    )
    owner = forms.ModelChoiceField(
        label=_("Owner"), queryset=None, required=False, empty_label=_("Anyone")
    )
    direction = forms.ModelChoiceField(
        label=_("Project / direction"),
        queryset=Direction.objects.order_by("order", "name"),
        required=False,
        empty_label=_("Any direction"),
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["pipeline"].queryset = Pipeline.objects.filter(is_active=True).order_by(
            "order", "id"
        )
        self.fields["pipeline"].empty_label = None
        self.fields["owner"].queryset = access.colleagues(user, Entity.DEAL).order_by(
            "first_name", "last_name"
        )
        style_widgets(self, small=True)
        bound_fields(self)

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("period") == "custom" and not {"start", "end"} & set(self.errors):
            if not cleaned.get("start") or not cleaned.get("end"):
                raise forms.ValidationError(_("Give both dates of the period."))
            if cleaned["start"] > cleaned["end"]:
                raise forms.ValidationError(_("The period ends before it starts."))
        return cleaned

    def dates(self) -> tuple[datetime.date, datetime.date]:
        data = self.cleaned_data if self.is_bound and self.is_valid() else {}
        period = data.get("period") or "this_year"
        if period == "custom":
            return data["start"], data["end"]
        return period_dates(period, timezone.localdate())


class ScorecardFilterForm(ReportFilterForm):
    """Period, team and manager: the scorecard is about people, not a pipeline."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        del self.fields["pipeline"]
        del self.fields["direction"]
