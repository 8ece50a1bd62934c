"""Cases (`/api/v1/cases/`) and the people around a deal (`/api/v1/stakeholders/`).

A case POSTed with a `team` and no `owner` waits in that team's queue; `POST /cases/{id}/take/`
takes it, `POST /cases/{id}/status/` moves it (waiting for the client stops its deadline clock,
resolved needs a resolution and sends the client a rating link)."""

from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from voronka.accounts import access
from voronka.accounts.models import Team
from voronka.contacts.models import Company, Contact
from voronka.core.bounds import parse_id
from voronka.documents.models import Document
from voronka.sales.models import Deal
from voronka.service import selectors, services
from voronka.service.filters import CaseFilter
from voronka.service.models import Attitude, Case, CaseStatus, Stakeholder, StakeholderRole

from .base import OwnerField, RecordSerializer, RecordViewSet, VisibleRelatedField


class CaseSerializer(RecordSerializer):
    owner = OwnerField(allow_null=True)
    owner_name = serializers.CharField(source="owner.display_name", read_only=True, default=None)
    company = VisibleRelatedField(Company)
    contact = VisibleRelatedField(Contact)
    deal = VisibleRelatedField(Deal)
    document = serializers.PrimaryKeyRelatedField(
        queryset=Document.objects.all(), required=False, allow_null=True
    )
    team = serializers.PrimaryKeyRelatedField(
        queryset=Team.objects.all(), required=False, allow_null=True
    )
    status = serializers.CharField(read_only=True)
    status_display = serializers.CharField(source="get_status_display", read_only=True)
    time_left_seconds = serializers.SerializerMethodField(
        help_text="Working seconds to the nearest deadline; negative once breached; null when "
        "there is none or the clock is stopped."
    )

    class Meta:
        model = Case
        fields = [
            "id",
            "subject",
            "description",
            "kind",
            "priority",
            "channel",
            "status",
            "status_display",
            "company",
            "contact",
            "client_name",
            "client_email",
            "deal",
            "document",
            "product",
            "team",
            "owner",
            "owner_name",
            "resolution",
            "opened_at",
            "first_response_at",
            "resolved_at",
            "closed_at",
            "response_due_at",
            "resolve_due_at",
            "sla_state",
            "breached",
            "time_left_seconds",
            "satisfaction",
            "version",
            "created_at",
            "updated_at",
        ]
        read_only_fields = [
            "resolution",
            "first_response_at",
            "resolved_at",
            "closed_at",
            "response_due_at",
            "resolve_due_at",
            "sla_state",
            "breached",
            "satisfaction",
        ]

    def get_time_left_seconds(self, case) -> int | None:
        return services.time_left(case)

    def validate_document(self, document):
        user = self.context["request"].user
        if document is not None and not access.can_view(user, document.deal):
            raise serializers.ValidationError("No such record, or you have no access to it.")
        return document


class StatusSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=CaseStatus.choices)
    resolution = serializers.CharField(required=False, allow_blank=True, max_length=10000)


class CaseViewSet(RecordViewSet):
    """Cases (обращения): questions, requests, complaints, feedback, thanks."""

    serializer_class = CaseSerializer
    filterset_class = CaseFilter
    selector = staticmethod(selectors.cases_visible_to)
    create_service = staticmethod(services.case_create)
    update_service = staticmethod(services.case_update)
    delete_service = staticmethod(services.case_delete)
    record_arg = "case"
    default_sort = "-opened"

    @extend_schema(request=None, responses=CaseSerializer)
    @action(detail=True, methods=["post"])
    def take(self, request, pk=None):
        """Take a case waiting in your team's queue."""
        case = services.case_take(actor=request.user, case=self.get_object())
        return Response(self.get_serializer(self.get_queryset().get(pk=case.pk)).data)

    @extend_schema(request=StatusSerializer, responses=CaseSerializer)
    @action(detail=True, methods=["post"])
    def status(self, request, pk=None):
        """Move the case: in work, waiting for the client, resolved, closed, reopened."""
        case = self.get_object()
        access.require(request.user, access.Action.CHANGE, case)
        serializer = StatusSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        case = services.case_set_status(actor=request.user, case=case, **serializer.validated_data)
        return Response(self.get_serializer(self.get_queryset().get(pk=case.pk)).data)


class StakeholderSerializer(serializers.ModelSerializer):
    deal = VisibleRelatedField(Deal, allow_null=False, required=True)
    contact = VisibleRelatedField(Contact, allow_null=False, required=True)
    contact_name = serializers.CharField(source="contact.__str__", read_only=True)
    role = serializers.ChoiceField(choices=StakeholderRole.choices)
    role_display = serializers.CharField(source="get_role_display", read_only=True)
    attitude = serializers.ChoiceField(choices=Attitude.choices, required=False)
    influences = serializers.PrimaryKeyRelatedField(
        many=True, queryset=Stakeholder.objects.all(), required=False
    )

    class Meta:
        model = Stakeholder
        fields = [
            "id",
            "deal",
            "contact",
            "contact_name",
            "role",
            "role_display",
            "attitude",
            "note",
            "influences",
        ]


class StakeholderViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.DestroyModelMixin,
    viewsets.GenericViewSet,
):
    """The people around a deal: role in the decision, attitude, whom they influence.
    Filter with `?deal=<id>`; POST for a contact already on the deal updates their row."""

    serializer_class = StakeholderSerializer

    def get_queryset(self):
        deals = access.visible(self.request.user, Deal.objects.all())
        people = Stakeholder.objects.filter(deal__in=deals).select_related("contact")
        deal = parse_id(self.request.query_params.get("deal", ""))
        if deal is not None:
            people = people.filter(deal_id=deal)
        return people.prefetch_related("influences").order_by("deal_id", "role", "pk")

    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        person = services.stakeholder_save(
            actor=request.user,
            deal=data["deal"],
            contact=data["contact"],
            role=data["role"],
            attitude=data.get("attitude", Attitude.NEUTRAL),
            note=data.get("note", ""),
            influences=data.get("influences", []),
        )
        return Response(self.get_serializer(person).data, status=201)

    def destroy(self, request, *args, **kwargs):
        services.stakeholder_delete(actor=request.user, stakeholder=self.get_object())
        return Response(status=204)
