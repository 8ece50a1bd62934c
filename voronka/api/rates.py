"""Exchange rates: everyone reads them and converts with them; administrators change them."""

from __future__ import annotations

import datetime
from decimal import Decimal

import django_filters
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import permissions, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from voronka.accounts import access
from voronka.core import money
from voronka.core.models import ExchangeRate
from voronka.core.rates import services
from voronka.ui.filters import BoundedFilterSet

from .fields import BoundedModelSerializer, DateField


class ConfigureToChange(permissions.BasePermission):
    """Reading for every signed-in user; writing for administrators only."""

    message = gettext_lazy("Only an administrator can change exchange rates.")

    def has_permission(self, request, view):
        if request.method in permissions.SAFE_METHODS:
            return True
        return access.can_configure(request.user)


class ExchangeRateFilter(BoundedFilterSet):
    currency = django_filters.CharFilter(method="filter_currency", help_text="ISO code, e.g. USD")
    date_from = django_filters.DateFilter(field_name="date", lookup_expr="gte")
    date_to = django_filters.DateFilter(field_name="date", lookup_expr="lte")

    class Meta:
        model = ExchangeRate
        fields = ["currency", "date_from", "date_to"]

    def filter_currency(self, queryset, name, value):
        return queryset.filter(currency=value.strip().upper())


class ExchangeRateSerializer(BoundedModelSerializer):
    rate = serializers.DecimalField(
        max_digits=20,
        decimal_places=8,
        help_text="Units of the base currency one unit of `currency` is worth on `date`.",
    )
    created_by = serializers.PrimaryKeyRelatedField(read_only=True)

    class Meta:
        model = ExchangeRate
        fields = ["id", "currency", "date", "rate", "source", "created_at", "created_by"]
        read_only_fields = ["source", "created_at", "created_by"]
        # A rate entered by hand replaces the one of the same currency and date: the pair is
        # not refused as a duplicate here (the service decides, as on the page).
        validators = []

    def build_standard_field(self, field_name, model_field):
        # The model's rules run once, in the service's full_clean(), with the page's messages.
        field_class, field_kwargs = super().build_standard_field(field_name, model_field)
        field_kwargs.pop("validators", None)
        return field_class, field_kwargs


class ConvertQuerySerializer(serializers.Serializer):
    amount = serializers.DecimalField(max_digits=20, decimal_places=2)
    currency = serializers.CharField(max_length=3)
    date = DateField(required=False)


class ExchangeRateViewSet(viewsets.ModelViewSet):
    """Dated exchange rates, newest first, in the base currency (`?currency=`, `?date_from=`,
    `?date_to=`). A rate created by an administrator replaces that day's rate of the currency
    and is never overwritten by the banks' feeds."""

    serializer_class = ExchangeRateSerializer
    permission_classes = [permissions.IsAuthenticated, ConfigureToChange]
    filterset_class = ExchangeRateFilter
    queryset = ExchangeRate.objects.order_by("-date", "currency")

    def perform_create(self, serializer):
        serializer.instance = services.manual_rate_save(
            actor=self.request.user, data=dict(serializer.validated_data)
        )

    def perform_update(self, serializer):
        serializer.instance = services.rate_update(
            actor=self.request.user,
            record=serializer.instance,
            data=dict(serializer.validated_data),
        )

    def perform_destroy(self, instance):
        services.rate_delete(actor=self.request.user, record=instance)

    @extend_schema(
        parameters=[
            OpenApiParameter("amount", OpenApiTypes.DECIMAL, required=True),
            OpenApiParameter("currency", OpenApiTypes.STR, required=True, description="ISO code"),
            OpenApiParameter(
                "date", OpenApiTypes.DATE, description="The day of the rate (default: today)."
            ),
        ],
        responses={
            200: inline_serializer(
                "Conversion",
                {
                    "amount": serializers.DecimalField(max_digits=20, decimal_places=2),
                    "currency": serializers.CharField(),
                    "date": serializers.DateField(),
                    "base_currency": serializers.CharField(),
                    "rate": serializers.DecimalField(max_digits=20, decimal_places=8),
                    "rate_date": serializers.DateField(),
                    "base_amount": serializers.DecimalField(max_digits=32, decimal_places=2),
                },
            )
        },
        filters=False,
    )
    @action(detail=False, methods=["get"], pagination_class=None, filterset_class=None)
    def convert(self, request):
        """An amount in the base currency at the latest rate on or before `date`."""
        query = ConvertQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        amount: Decimal = query.validated_data["amount"]
        currency = query.validated_data["currency"].strip().upper()
        on: datetime.date = query.validated_data.get("date") or timezone.localdate()
        quote = money.quotes_on(on, [currency]).get(currency)
        if quote is None:
            return Response(
                {
                    "detail": _("No rate of %(currency)s on or before %(date)s is known.")
                    % {"currency": currency, "date": on.isoformat()},
                    "code": "no_rate",
                },
                status=status.HTTP_400_BAD_REQUEST,
            )
        return Response(
            {
                "amount": str(amount),
                "currency": currency,
                "date": on.isoformat(),
                "base_currency": money.base_currency(),
                "rate": str(quote.rate),
                "rate_date": quote.date.isoformat(),
                "base_amount": str(money.to_base(amount, currency, on, {currency: quote.rate})),
            }
        )
