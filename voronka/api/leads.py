"""Leads (`/api/v1/leads/`): inbound requests. A POST without an owner goes through the
distribution of the lead settings (a chosen owner, a team's queue or in turn); the new owner
is notified. `POST /leads/{id}/convert/` turns one into a company, a contact and a deal."""

from decimal import Decimal

from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.decorators import action
from rest_framework.response import Response

from voronka.accounts import access
from voronka.contacts.models import Company, Contact
from voronka.leads import selectors, services
from voronka.leads.filters import LeadFilter
from voronka.leads.models import DisqualificationReason, Lead
from voronka.merging import conversion
from voronka.sales.models import LeadSource, Pipeline

from .base import RecordSerializer, RecordViewSet, VisibleRelatedField
from .values import value_viewset


class LeadSerializer(RecordSerializer):
    source = serializers.PrimaryKeyRelatedField(
        queryset=LeadSource.objects.all(), required=False, allow_null=True
    )
    source_name = serializers.CharField(source="source.name", read_only=True, default=None)
    disqualify_reason = serializers.PrimaryKeyRelatedField(
        queryset=DisqualificationReason.objects.all(), required=False, allow_null=True
    )
    status_display = serializers.CharField(source="get_status_display", read_only=True)
    company = serializers.PrimaryKeyRelatedField(read_only=True)
    contact = serializers.PrimaryKeyRelatedField(read_only=True)
    deal = serializers.PrimaryKeyRelatedField(read_only=True)
    web_form = serializers.PrimaryKeyRelatedField(read_only=True)
    in_queue = serializers.BooleanField(read_only=True)
    first_contact_at = serializers.DateTimeField(read_only=True)
    converted_at = serializers.DateTimeField(read_only=True)
    requested_at = serializers.DateTimeField(required=False)

    class Meta:
        model = Lead
        fields = [
            "id",
            "person_name",
            "company_name",
            "phone",
            "email",
            "source",
            "source_name",
            "web_form",
            "question",
            "status",
            "status_display",
            "disqualify_reason",
            "requested_at",
            "first_contact_at",
            "in_queue",
            "owner",
            "owner_name",
            "company",
            "contact",
            "deal",
            "converted_at",
            "version",
            "created_at",
            "updated_at",
        ]


class ConvertSerializer(serializers.Serializer):
    company = VisibleRelatedField(Company, help_text="Link this company (else one is created).")
    company_name = serializers.CharField(max_length=255, required=False, allow_blank=True)
    contact = VisibleRelatedField(Contact, help_text="Link this person.")
    create_contact = serializers.BooleanField(default=True)
    last_name = serializers.CharField(max_length=150, required=False, allow_blank=True)
    first_name = serializers.CharField(max_length=150, required=False, allow_blank=True)
    pipeline = serializers.PrimaryKeyRelatedField(
        queryset=Pipeline.objects.filter(is_active=True),
        required=False,
        allow_null=True,
        help_text="Create a deal in this pipeline.",
    )
    deal_name = serializers.CharField(max_length=255, required=False, allow_blank=True)
    amount = serializers.DecimalField(
        max_digits=16, decimal_places=2, min_value=Decimal("0"), required=False
    )


class LeadViewSet(RecordViewSet):
    """Leads (предварительные контакты): requests from the site, the phone, exhibitions."""

    serializer_class = LeadSerializer
    filterset_class = LeadFilter
    selector = staticmethod(selectors.leads_visible_to)
    create_service = staticmethod(services.lead_create)
    update_service = staticmethod(services.lead_update)
    delete_service = staticmethod(services.lead_delete)
    record_arg = "lead"
    default_sort = "-requested"

    @extend_schema(request=ConvertSerializer, responses=LeadSerializer)
    @action(detail=True, methods=["post"])
    def convert(self, request, pk=None):
        """Convert the lead into a company (or link one), a contact and optionally a deal."""
        lead = self.get_object()
        access.require(request.user, access.Action.CHANGE, lead)
        serializer = ConvertSerializer(data=request.data, context={"request": request})
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        last, first, middle = conversion.split_person(lead.person_name)
        contact_data = None
        if data.get("contact") is None and data["create_contact"]:
            contact_data = {
                "last_name": data.get("last_name") or last or lead.company_name or str(lead),
                "first_name": data.get("first_name", first),
                "middle_name": middle,
                "phones": [lead.phone] if lead.phone else [],
                "emails": [lead.email] if lead.email else [],
            }
        company = data.get("company")
        converted = conversion.lead_convert(
            actor=request.user,
            lead=lead,
            company=company,
            company_data=None
            if company
            else {"name": data.get("company_name") or lead.company_name or lead.title},
            contact=data.get("contact"),
            contact_data=contact_data,
            deal_data={
                "name": data.get("deal_name") or lead.company_name or lead.title,
                "pipeline": data["pipeline"],
                "amount": data.get("amount"),
            }
            if data.get("pipeline")
            else None,
        )
        lead = self.get_queryset().get(pk=converted.lead.pk)
        return Response(self.get_serializer(lead).data, status=status.HTTP_200_OK)


DisqualificationReasonViewSet = value_viewset(
    DisqualificationReason, doc="Why leads are disqualified."
)
