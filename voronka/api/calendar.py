"""The calendar: the activities of a period, as the calendar page shows them."""

from django.core.exceptions import ValidationError as DjangoValidationError
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field
from rest_framework import serializers, viewsets
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response

from voronka.calendars import selectors


class CalendarEventSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField(source="subject")
    kind = serializers.CharField(help_text="call, meeting, task, email or letter.")
    type = serializers.IntegerField(source="type_id", allow_null=True)
    type_name = serializers.CharField(source="type.name", default="")
    color = serializers.SerializerMethodField(help_text="The activity type's colour.")
    start = serializers.DateTimeField(source="due_at")
    end = serializers.SerializerMethodField(
        help_text="The end, or the start + 30 minutes for an activity without one."
    )
    has_end = serializers.SerializerMethodField(help_text="Whether the activity has an end.")
    done = serializers.BooleanField()
    overdue = serializers.BooleanField(source="is_overdue")
    owner = serializers.IntegerField(source="owner_id")
    owner_name = serializers.CharField(source="owner.display_name")
    company = serializers.IntegerField(source="company_id", allow_null=True)
    deal = serializers.IntegerField(source="deal_id", allow_null=True)
    version = serializers.IntegerField()
    url = serializers.CharField(source="get_absolute_url", help_text="The activity's page.")

    def get_color(self, activity) -> str:
        return activity.type.color if activity.type_id else "#0d6efd"

    @extend_schema_field(OpenApiTypes.DATETIME)
    def get_end(self, activity):
        return serializers.DateTimeField().to_representation(activity.ends_at)

    def get_has_end(self, activity) -> bool:
        return activity.end_at is not None


class CalendarViewSet(viewsets.ViewSet):
    """The calendar (календарь): planned activities (not notes) overlapping a period, at most
    2,000, earliest first. Whose: the user's own (default), a colleague's or a team's."""

    @extend_schema(
        parameters=[
            OpenApiParameter(
                "start",
                OpenApiTypes.DATETIME,
                required=True,
                description="The period's start (ISO 8601; without an offset: the user's zone).",
            ),
            OpenApiParameter(
                "end", OpenApiTypes.DATETIME, required=True, description="The period's end."
            ),
            OpenApiParameter("user", OpenApiTypes.INT, description="A colleague's calendar."),
            OpenApiParameter(
                "team",
                OpenApiTypes.INT,
                description="A team's calendar (the user's team, or for a head one below).",
            ),
        ],
        responses=CalendarEventSerializer(many=True),
    )
    def list(self, request):
        params = request.query_params
        try:
            start, end = selectors.parse_period(params.get("start"), params.get("end"))
        except DjangoValidationError as error:
            raise ValidationError({"detail": error.messages}) from None
        of = selectors.whose(request.user, user_id=params.get("user"), team_id=params.get("team"))
        activities = selectors.events(user=request.user, start=start, end=end, of=of)
        return Response(CalendarEventSerializer(activities, many=True).data)
