from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.decorators import action
from rest_framework.response import Response

from voronka.accounts import access
from voronka.accounts.models import User
from voronka.activities import selectors, services
from voronka.activities.filters import ActivityFilter
from voronka.activities.models import Activity, ActivityType, Outcome
from voronka.contacts.models import Company, Contact
from voronka.sales.models import Deal

from .base import RecordSerializer, RecordViewSet, VisibleRelatedField
from .fields import DateTimeField, IntegerField, RecordIdField


class ActivitySerializer(RecordSerializer):
    company = VisibleRelatedField(Company)
    contact = VisibleRelatedField(Contact)
    deal = VisibleRelatedField(Deal)
    type = RecordIdField(
        queryset=ActivityType.objects.filter(is_active=True),
        required=False,
        help_text="An activity type (see /api/v1/activity-types/); the kind follows from it.",
    )
    type_name = serializers.CharField(source="type.name", read_only=True, default="")
    kind = serializers.CharField(
        required=False, help_text="call, meeting, task, email, letter or note; or give a type."
    )
    participants = RecordIdField(
        queryset=User.objects.filter(is_active=True), many=True, required=False
    )
    outcome_name = serializers.CharField(source="outcome.name", read_only=True, default="")

    class Meta:
        model = Activity
        fields = [
            "id",
            "type",
            "type_name",
            "kind",
            "subject",
            "purpose",
            "due_at",
            "end_at",
            "remind_before",
            "done",
            "done_at",
            "outcome",
            "outcome_name",
            "outcome_note",
            "follow_up",
            "company",
            "contact",
            "deal",
            "participants",
            "description",
            "owner",
            "owner_name",
            "assigned_by",
            "version",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["done_at", "outcome", "outcome_note", "follow_up", "assigned_by"]

    def validate(self, data):
        data = super().validate(data)
        if data.get("type") is not None:
            data["kind"] = data["type"].kind
        elif self.instance is None and not data.get("kind"):
            raise serializers.ValidationError({"type": _("Give a type (or a kind).")})
        return data


class CompleteSerializer(serializers.Serializer):
    outcome = RecordIdField(queryset=Outcome.objects.filter(is_active=True))
    note = serializers.CharField(
        required=False, allow_blank=True, help_text="The reason (postponed, refused) or text."
    )
    new_due = DateTimeField(
        required=False, help_text="For a postponement: when the follow-up is planned."
    )
    version = IntegerField(required=False)


class ActivityViewSet(RecordViewSet):
    """Activities (мероприятия): calls, meetings, tasks and notes."""

    serializer_class = ActivitySerializer
    filterset_class = ActivityFilter
    selector = staticmethod(selectors.activities_visible_to)
    create_service = staticmethod(services.activity_create)
    update_service = staticmethod(services.activity_update)
    delete_service = staticmethod(services.activity_delete)
    record_arg = "activity"
    default_sort = "-due"

    def get_queryset(self):
        return super().get_queryset().prefetch_related("participants")

    @extend_schema(request=CompleteSerializer, responses=ActivitySerializer(many=True))
    @action(detail=True, methods=["post"])
    def complete(self, request, pk=None):
        """Complete the activity with an outcome. A postponement needs `new_due` and a `note`
        (the reason) and plans the follow-up; a refusal needs a `note`. Answers the activity
        and, after a postponement, the follow-up."""
        activity = self.get_object()
        access.require(request.user, access.Action.CHANGE, activity)
        serializer = CompleteSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        done, follow_up = services.activity_complete(
            actor=request.user,
            activity=activity,
            outcome=data["outcome"],
            note=data.get("note", ""),
            new_due=data.get("new_due"),
            version=data.get("version"),
        )
        rows = [r for r in (done, follow_up) if r is not None]
        fresh = {r.pk: r for r in self.get_queryset().filter(pk__in=[r.pk for r in rows])}
        return Response(self.get_serializer([fresh[r.pk] for r in rows], many=True).data)
