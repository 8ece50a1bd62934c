from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, viewsets
from rest_framework.response import Response

from voronka.accounts.models import Entity
from voronka.audit import selectors as audit
from voronka.audit.models import StreamEvent
from voronka.audit.templatetags.audit import event_sentence
from voronka.core import bounds


class StreamEventSerializer(serializers.ModelSerializer):
    actor_name = serializers.CharField(source="actor.display_name", default="", read_only=True)
    text = serializers.SerializerMethodField(help_text="The event as a sentence (HTML links).")

    class Meta:
        model = StreamEvent
        fields = [
            "id",
            "verb",
            "actor",
            "actor_name",
            "entity",
            "object_id",
            "label",
            "owner",
            "company_id",
            "company_label",
            "amount",
            "currency",
            "data",
            "created_at",
            "text",
        ]

    def get_text(self, event) -> str:
        return str(event_sentence(event))


class StreamViewSet(viewsets.ViewSet):
    """The activity stream (лента событий): business events the user may see."""

    @extend_schema(
        parameters=[
            OpenApiParameter("scope", OpenApiTypes.STR, enum=["mine", "team", "all"]),
            OpenApiParameter("entity", OpenApiTypes.STR, enum=list(Entity.values)),
            OpenApiParameter("object_id", OpenApiTypes.INT),
            OpenApiParameter("limit", OpenApiTypes.INT, description="At most 100 (default 20)."),
        ],
        responses=StreamEventSerializer(many=True),
    )
    def list(self, request):
        entity = request.query_params.get("entity")
        object_id = bounds.parse_id(request.query_params.get("object_id", ""))
        limit = bounds.parse_id(request.query_params.get("limit", ""))
        limit = min(limit, 100) if limit is not None else 20
        if entity not in Entity.values or object_id is None:
            entity, object_id = None, None
        events = audit.stream(
            user=request.user,
            scope=request.query_params.get("scope", audit.StreamScope.ALL),
            entity=entity,
            object_id=object_id,
            limit=limit,
        )
        return Response(StreamEventSerializer(events, many=True).data)
