"""The managers' scorecard through the API: the rows the page shows (managers, team subtotals,
the department's total), over the same filters, with the caller's rights."""

from drf_spectacular.utils import extend_schema
from rest_framework import serializers, viewsets
from rest_framework.response import Response

from voronka.analytics import scorecard
from voronka.core import money

from .dashboard import FILTERS, _valid

SCORECARD_FILTERS = [p for p in FILTERS if p.name not in ("pipeline", "direction")]


def _money(**kwargs):
    return serializers.DecimalField(max_digits=20, decimal_places=2, **kwargs)


def _share(help_text: str):
    return serializers.FloatField(allow_null=True, help_text=help_text)


class ScorecardRowSerializer(serializers.Serializer):
    label = serializers.CharField(help_text="The manager's or the team's name; empty: total.")
    level = serializers.ChoiceField(choices=["manager", "team", "total"])
    owner_id = serializers.IntegerField(allow_null=True)
    team_id = serializers.IntegerField(allow_null=True)
    activities = serializers.DictField(
        child=serializers.IntegerField(), help_text="Done in the period, by kind."
    )
    contacts = serializers.IntegerField(help_text="Calls and meetings done with an outcome.")
    positive = serializers.IntegerField()
    effectiveness = _share("positive / contacts, %.")
    postponed = serializers.IntegerField()
    postponed_clients = serializers.IntegerField()
    postponed_per_client = serializers.FloatField(allow_null=True)
    clients_without_step = serializers.IntegerField(help_text="Now, not in the period.")
    deals_without_step = serializers.IntegerField(help_text="Now, not in the period.")
    company_completeness = _share("Key fields filled on the companies, % (nightly).")
    contact_completeness = _share("Key fields filled on the contacts, % (nightly).")
    became_regular = serializers.IntegerField()
    became_lost = serializers.IntegerField()
    customers_at_start = serializers.IntegerField()
    customers_lost = serializers.IntegerField()
    retention = _share("Customers lost in the period / customers at its start, %.")
    won = serializers.IntegerField()
    lost = serializers.IntegerField()
    revenue = _money(help_text="Won, in the base currency.")
    average_deal = _money(allow_null=True)
    plan = _money(allow_null=True)
    plan_done = _share("revenue / plan, %.")
    ratings = serializers.IntegerField(help_text="Clients' ratings answered in the period.")
    rating = serializers.FloatField(allow_null=True, help_text="Their average, 1–5.")
    unconverted = serializers.ListField(
        child=serializers.CharField(), help_text="Currencies without a rate, left out."
    )
    urls = serializers.DictField(
        child=serializers.CharField(), help_text="The lists behind the figures."
    )


class ScorecardSerializer(serializers.Serializer):
    start = serializers.DateField()
    end = serializers.DateField()
    base_currency = serializers.CharField()
    rows = ScorecardRowSerializer(many=True)


class ScorecardViewSet(viewsets.ViewSet):
    """Managers side by side for a period (seeds 003 and 004)."""

    @extend_schema(parameters=SCORECARD_FILTERS, responses=ScorecardSerializer)
    def list(self, request):
        form, start, end, rows = scorecard.filtered_rows(request.user, request.query_params)
        _valid(form)
        for row in rows:
            row.unconverted = sorted(row.unconverted)
        data = {"start": start, "end": end, "base_currency": money.base_currency(), "rows": rows}
        return Response(ScorecardSerializer(data).data)
