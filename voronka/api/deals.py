from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.decorators import action
from rest_framework.response import Response

from voronka.accounts import access
from voronka.contacts.models import Company, Contact
from voronka.core import money
from voronka.sales import selectors, services
from voronka.sales.filters import DealFilter
from voronka.sales.models import Deal, Direction, LeadSource, LostReason, Stage, StageChecklistItem

from .base import RecordSerializer, RecordViewSet, VisibleRelatedField
from .fields import IntegerField, RecordIdField


class DealSerializer(RecordSerializer):
    company = VisibleRelatedField(Company)
    company_name = serializers.CharField(source="company.name", read_only=True, default=None)
    contact = VisibleRelatedField(Contact)
    stage = RecordIdField(queryset=Stage.objects.all(), required=False)
    stage_name = serializers.CharField(source="stage.name", read_only=True)
    pipeline = RecordIdField(read_only=True)
    lead_source = RecordIdField(queryset=LeadSource.objects.all(), required=False, allow_null=True)
    direction = RecordIdField(queryset=Direction.objects.all(), required=False, allow_null=True)
    lost_reason = RecordIdField(queryset=LostReason.objects.all(), required=False, allow_null=True)
    lost_to = VisibleRelatedField(Company)
    amount_base = serializers.SerializerMethodField(
        help_text="The amount in the base currency at the rate of the closing day (closed "
        "deals) or of today (open ones); null without a rate."
    )
    base_currency = serializers.SerializerMethodField()
    stage_entered_at = serializers.DateTimeField(read_only=True)
    closed_at = serializers.DateTimeField(read_only=True)
    probability = serializers.IntegerField(
        min_value=0,
        max_value=100,
        required=False,
        allow_null=True,
        help_text="Chance to win, %. Omit to take the stage's probability.",
    )

    derived_fields = {"amount": ("amount_base",)}

    def get_amount_base(self, deal) -> str | None:
        return _base_amount(deal)

    def get_base_currency(self, deal) -> str:
        return money.base_currency()

    class Meta:
        model = Deal
        fields = [
            "id",
            "name",
            "company",
            "company_name",
            "contact",
            "pipeline",
            "stage",
            "stage_name",
            "amount",
            "currency",
            "amount_base",
            "base_currency",
            "probability",
            "expected_close_date",
            "type",
            "lead_source",
            "direction",
            "quantity",
            "next_step",
            "stage_entered_at",
            "closed_at",
            "lost_reason",
            "lost_to",
            "owner",
            "owner_name",
            "description",
            "version",
            "created_at",
            "updated_at",
        ]


def _base_amount(deal) -> str | None:
    if not hasattr(deal, "amount_base"):
        selectors.attach_base_amounts([deal])
    return None if deal.amount_base is None else str(deal.amount_base)


class MoveSerializer(serializers.Serializer):
    stage = RecordIdField(queryset=Stage.objects.all())
    lost_reason = RecordIdField(queryset=LostReason.objects.all(), required=False, allow_null=True)
    lost_to = VisibleRelatedField(Company)
    version = IntegerField(required=False)


class TickSerializer(serializers.Serializer):
    item = RecordIdField(queryset=StageChecklistItem.objects.all())
    done = serializers.BooleanField()


class DealViewSet(RecordViewSet):
    """Deals (сделки). The pipeline follows the stage; probability defaults from the stage."""

    serializer_class = DealSerializer
    filterset_class = DealFilter
    selector = staticmethod(selectors.deals_visible_to)
    create_service = staticmethod(services.deal_create)
    update_service = staticmethod(services.deal_update)
    delete_service = staticmethod(services.deal_delete)
    record_arg = "deal"
    default_sort = "-created"

    def paginate_queryset(self, queryset):
        page = super().paginate_queryset(queryset)
        if page is not None:
            selectors.attach_base_amounts(page)  # one rate query for the whole page
        return page

    @extend_schema(request=MoveSerializer, responses=DealSerializer)
    @action(detail=True, methods=["post"])
    def move(self, request, pk=None):
        """Move the deal to a stage (or close it won or lost: a lost deal needs a
        lost_reason). Refused with 400 and the missing fields or checklist items named."""
        deal = self.get_object()
        access.require(request.user, access.Action.CHANGE, deal)
        serializer = MoveSerializer(data=request.data, context=self.get_serializer_context())
        serializer.is_valid(raise_exception=True)
        deal = services.deal_move_stage(actor=request.user, deal=deal, **serializer.validated_data)
        return Response(self.get_serializer(self.get_queryset().get(pk=deal.pk)).data)

    @extend_schema(request=TickSerializer, responses=DealSerializer)
    @action(detail=True, methods=["post"])
    def checklist(self, request, pk=None):
        """Tick (done=true) or untick a checklist item of one of the pipeline's stages."""
        deal = self.get_object()
        serializer = TickSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.deal_set_tick(
            actor=request.user,
            deal=deal,
            item=serializer.validated_data["item"],
            ticked=serializer.validated_data["done"],
        )
        return Response(self.get_serializer(deal).data)
