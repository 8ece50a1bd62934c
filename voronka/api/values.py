"""The editable lists of values, one API shape for all five: `/api/v1/lead-sources/`,
`lost-reasons/`, `directions/`, `activity-types/`, `outcomes/`.

Everyone signed in reads a list (`?active=true` for the entries still offered); administrators
add, change and delete. DELETE of an entry that records use deactivates it instead and answers
200 with the entry (`is_active: false`); an unused entry is deleted (204)."""

from __future__ import annotations

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers, status, viewsets
from rest_framework.response import Response

from voronka.activities.models import ActivityType, Outcome
from voronka.audit import values
from voronka.sales.models import Direction, LeadSource, LostReason

COMMON_FIELDS = ["id", "name", "order", "is_active"]


def value_viewset(model, *, extra_fields=(), doc: str) -> type[viewsets.ModelViewSet]:
    class Serializer(serializers.ModelSerializer):
        class Meta:
            fields = [*COMMON_FIELDS, *extra_fields]

    Serializer.Meta.model = model
    Serializer.__name__ = f"{model.__name__}Serializer"

    @extend_schema(
        parameters=[
            OpenApiParameter(
                "active", OpenApiTypes.BOOL, description="Only the entries still offered."
            )
        ]
    )
    class ViewSet(viewsets.ModelViewSet):
        serializer_class = Serializer
        pagination_class = None

        def get_queryset(self):
            entries = model._default_manager.all()
            if self.request.query_params.get("active") in ("true", "1"):
                entries = entries.filter(is_active=True)
            return entries

        def perform_create(self, serializer):
            serializer.instance = values.value_save(
                actor=self.request.user, value=model(**serializer.validated_data)
            )

        def perform_update(self, serializer):
            entry = serializer.instance
            for field, value in serializer.validated_data.items():
                setattr(entry, field, value)
            serializer.instance = values.value_save(actor=self.request.user, value=entry)

        @extend_schema(
            responses={
                204: OpenApiResponse(description="Deleted: nothing used it."),
                200: OpenApiResponse(Serializer, description="In use: deactivated instead."),
            }
        )
        def destroy(self, request, *args, **kwargs):
            entry = self.get_object()
            if values.value_delete(actor=request.user, value=entry):
                return Response(status=status.HTTP_204_NO_CONTENT)
            return Response(self.get_serializer(entry).data, status=status.HTTP_200_OK)

    ViewSet.__doc__ = doc
    ViewSet.__name__ = f"{model.__name__}ViewSet"
    return ViewSet


LeadSourceViewSet = value_viewset(LeadSource, doc="Where deals and leads come from.")
LostReasonViewSet = value_viewset(LostReason, doc="Why deals are lost.")
DirectionViewSet = value_viewset(Direction, doc="Projects / directions deals are sold in.")
ActivityTypeViewSet = value_viewset(
    ActivityType,
    extra_fields=("kind", "direction", "color"),
    doc="The types of activities (calls, meetings, tasks…) and their colours.",
)
OutcomeViewSet = value_viewset(
    Outcome, extra_fields=("kind",), doc="The outcomes an activity is completed with."
)
