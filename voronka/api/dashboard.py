"""The dashboard's blocks through the API: the same figures the reports page draws, over the
same filters, for the deals the caller may see."""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, viewsets
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.response import Response

from voronka.analytics import dashboard, selectors
from voronka.core import money

FILTERS = [
    OpenApiParameter(
        "period",
        OpenApiTypes.STR,
        description="this_month, last_month, this_quarter, last_quarter, q1…q4 (of this "
        "year), this_year (default), last_year or custom (then start and end).",
    ),
    OpenApiParameter("start", OpenApiTypes.DATE, description="The first day (custom period)."),
    OpenApiParameter("end", OpenApiTypes.DATE, description="The last day (custom period)."),
    OpenApiParameter("pipeline", OpenApiTypes.INT, description="Default: the first one."),
    OpenApiParameter("team", OpenApiTypes.INT, description="The team and the teams below it."),
    OpenApiParameter("owner", OpenApiTypes.INT, description="One manager's deals."),
    OpenApiParameter("direction", OpenApiTypes.INT, description="One project / direction."),
]


class BarSerializer(serializers.Serializer):
    label = serializers.CharField()
    key = serializers.CharField(help_text="A stage id, a month (YYYY-MM), a source id…")
    count = serializers.IntegerField(help_text="Deals (stays, for stage_days).")
    total = serializers.DecimalField(
        max_digits=20,
        decimal_places=2,
        help_text="In the base currency (average days, for stage_days).",
    )
    weighted = serializers.DecimalField(
        max_digits=20,
        decimal_places=2,
        help_text="Weighted by probability (stages, forecast); units sold (directions).",
    )
    extra = serializers.DecimalField(
        max_digits=20,
        decimal_places=2,
        allow_null=True,
        help_text="Forecast: weighted by each stage's historical win rate.",
    )
    unconverted = serializers.ListField(
        child=serializers.CharField(), help_text="Currencies without a rate, left out of total."
    )
    of_first = serializers.FloatField(
        allow_null=True, help_text="Funnel: share of the first stage's deals, %."
    )
    of_previous = serializers.FloatField(
        allow_null=True, help_text="Funnel: share of the previous stage's deals, %."
    )
    url = serializers.CharField(help_text="The deal list behind the bar.")
    color = serializers.CharField(help_text="The stage's colour (blocks by stage), else empty.")


class BlockSerializer(serializers.Serializer):
    block = serializers.CharField()
    title = serializers.CharField()
    start = serializers.DateField()
    end = serializers.DateField()
    base_currency = serializers.CharField()
    bars = BarSerializer(many=True)


class DashboardSerializer(serializers.Serializer):
    blocks = serializers.ListField(
        child=serializers.CharField(), help_text="The caller's blocks, in their order."
    )
    available = serializers.DictField(
        child=serializers.CharField(), help_text="Every block: key → title."
    )
    start = serializers.DateField()
    end = serializers.DateField()
    base_currency = serializers.CharField()
    won_count = serializers.IntegerField(help_text="Deals won in the period.")
    won_total = serializers.DecimalField(
        max_digits=20, decimal_places=2, help_text="Their amount in the base currency."
    )


def _valid(form) -> None:
    if form.is_bound and not form.is_valid():
        raise ValidationError(form.errors.get_json_data())


class DashboardViewSet(viewsets.ViewSet):
    """The sales dashboard (отчёты): the period's won deals and each block's figures."""

    lookup_value_regex = "[a-z_]+"

    @extend_schema(parameters=FILTERS, responses=DashboardSerializer)
    def list(self, request):
        form, start, end, _pipeline, deals, _common = dashboard.filtered(
            request.user, request.query_params
        )
        _valid(form)
        won = selectors.won_total(deals, start, end)
        data = {
            "blocks": dashboard.layout_of(request.user),
            "available": {key: str(block.title) for key, block in dashboard.BLOCKS.items()},
            "start": start,
            "end": end,
            "base_currency": money.base_currency(),
            "won_count": won.count,
            "won_total": won.total,
        }
        return Response(DashboardSerializer(data).data)

    @extend_schema(parameters=FILTERS, responses=BlockSerializer)
    def retrieve(self, request, pk=None):
        if pk not in dashboard.BLOCKS:
            raise NotFound()
        context = dashboard.context(request.user, request.query_params, only=pk)
        _valid(context["form"])
        bars = [
            {
                "label": bar.label,
                "key": bar.key,
                "count": bar.count,
                "total": bar.total,
                "weighted": bar.weighted,
                "extra": bar.extra,
                "unconverted": sorted(bar.unconverted),
                "of_first": getattr(bar, "of_first", None),
                "of_previous": getattr(bar, "of_previous", None),
                "url": bar.url,
                "color": bar.color,
            }
            for bar in context["blocks"][pk]
        ]
        data = {
            "block": pk,
            "title": str(dashboard.BLOCKS[pk].title),
            "start": context["start"],
            "end": context["end"],
            "base_currency": context["base_currency"],
            "bars": bars,
        }
        return Response(BlockSerializer(data).data)
