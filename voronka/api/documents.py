"""/api/v1/documents/ (a deal's documents, with the caller's rights: read, make one, record a
payment) and /api/v1/price-lines/?q= (the price-list search)."""

from __future__ import annotations

from decimal import Decimal

from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response

from voronka.accounts import access
from voronka.catalog.models import PriceListLine
from voronka.catalog.selectors import search_price_lines
from voronka.core.bounds import parse_id
from voronka.documents import services
from voronka.documents.models import Document, DocumentType
from voronka.documents.selectors import documents_visible_to
from voronka.sales.models import Deal


class DocumentSerializer(serializers.ModelSerializer):
    type_name = serializers.CharField(source="type.name", read_only=True)
    kind = serializers.CharField(source="type.kind", read_only=True)
    display_number = serializers.CharField(read_only=True)
    balance = serializers.DecimalField(max_digits=16, decimal_places=2, read_only=True)
    amount_in_words = serializers.SerializerMethodField()

    class Meta:
        model = Document
        fields = [
            "id",
            "type",
            "type_name",
            "kind",
            "number",
            "display_number",
            "year",
            "date",
            "deal",
            "company",
            "contact",
            "amount",
            "vat_amount",
            "currency",
            "status",
            "due_date",
            "paid_amount",
            "balance",
            "amount_in_words",
            "created_at",
        ]
        read_only_fields = fields

    def get_amount_in_words(self, document) -> str:
        return document.content.get("totals", {}).get("words", "")


class DocumentCreateSerializer(serializers.Serializer):
    deal = serializers.IntegerField(min_value=1, max_value=2**62)
    type = serializers.PrimaryKeyRelatedField(queryset=DocumentType.objects.filter(is_active=True))
    date = serializers.DateField(required=False)
    due_date = serializers.DateField(required=False)


class PaymentSerializer(serializers.Serializer):
    amount = serializers.DecimalField(max_digits=16, decimal_places=2, min_value=Decimal("0.01"))
    date = serializers.DateField(required=False)
    reference = serializers.CharField(max_length=100, required=False, default="")
    imported = serializers.BooleanField(required=False, default=False)


class DocumentViewSet(viewsets.ReadOnlyModelViewSet):
    """Documents of the deals the caller may see. Filter with ?deal=, ?company=, ?status=."""

    serializer_class = DocumentSerializer

    def get_queryset(self):
        documents = documents_visible_to(self.request.user).select_related("type")
        for name in ("deal", "company"):
            value = parse_id(self.request.query_params.get(name, ""))
            if value is not None:
                documents = documents.filter(**{f"{name}_id": value})
        if self.request.query_params.get("status"):
            documents = documents.filter(status=self.request.query_params["status"][:20])
        return documents.order_by("-date", "-id")

    @extend_schema(request=DocumentCreateSerializer, responses=DocumentSerializer)
    def create(self, request, *args, **kwargs):
        """Make a document from a deal (numbered, its PDF stored)."""
        data = DocumentCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        deal = access.get_changeable(request.user, Deal, data.validated_data["deal"])
        try:
            document = services.document_create(
                actor=request.user,
                deal=deal,
                doc_type=data.validated_data["type"],
                day=data.validated_data.get("date"),
                due_date=data.validated_data.get("due_date"),
            )
        except DjangoValidationError as error:
            raise ValidationError(error.messages) from error
        return Response(DocumentSerializer(document).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=PaymentSerializer, responses=DocumentSerializer)
    @action(detail=True, methods=["post"])
    def payments(self, request, pk=None):
        """Record a payment against an invoice."""
        document = self.get_object()
        data = PaymentSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            services.payment_add(
                actor=request.user,
                document=document,
                amount=data.validated_data["amount"],
                day=data.validated_data.get("date"),
                reference=data.validated_data["reference"],
                imported=data.validated_data["imported"],
            )
        except DjangoValidationError as error:
            raise ValidationError(error.messages) from error
        document.refresh_from_db()
        return Response(DocumentSerializer(document).data)


class PriceLineSerializer(serializers.ModelSerializer):
    supplier = serializers.CharField(source="price_list.supplier.name", default="")
    price_list_name = serializers.CharField(source="price_list.name")

    class Meta:
        model = PriceListLine
        fields = [
            "id",
            "price_list",
            "price_list_name",
            "supplier",
            "attributes",
            "label",
            "price",
            "currency",
        ]


class PriceLineViewSet(viewsets.ViewSet):
    """Current lines of current price lists matching ?q= («Лондон, 2 взрослых, завтрак, до
    150 $»), cheapest first."""

    @extend_schema(
        parameters=[OpenApiParameter("q", OpenApiTypes.STR, required=True)],
        responses=PriceLineSerializer(many=True),
    )
    def list(self, request):
        query = request.query_params.get("q", "")[:200]
        if not query.strip():
            raise Http404(_("Give a query: ?q=…"))
        return Response(PriceLineSerializer(search_price_lines(query), many=True).data)
