"""The requesting user's own notifications: list them (`?unread=true`) and mark them read."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from voronka.notifications import selectors, services
from voronka.notifications.models import Notification
from voronka.ui.filters import BoundedFilterSet, YesNoFilter

from .fields import IdField


class NotificationFilter(BoundedFilterSet):
    unread = YesNoFilter(
        method="filter_unread", help_text="true: only the unread ones; false: only the read ones."
    )

    class Meta:
        model = Notification
        fields = ["unread", "kind"]

    def filter_unread(self, queryset, name, value):
        return queryset.filter(read_at__isnull=value)


class NotificationSerializer(serializers.ModelSerializer):
    actor_name = serializers.CharField(source="actor.display_name", default="", read_only=True)
    is_read = serializers.BooleanField(read_only=True)

    class Meta:
        model = Notification
        fields = [
            "id",
            "kind",
            "title",
            "body",
            "url",
            "actor",
            "actor_name",
            "entity",
            "object_id",
            "created_at",
            "read_at",
            "is_read",
        ]
        read_only_fields = fields


class MarkReadSerializer(serializers.Serializer):
    ids = serializers.ListField(
        child=IdField(),
        required=False,
        help_text="The notifications to mark read; omit to mark all of them. "
        "Ids of other users' notifications are ignored.",
    )


class NotificationViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    """Your notifications (the bell), newest first; nobody sees another user's."""

    serializer_class = NotificationSerializer
    filterset_class = NotificationFilter
    queryset = Notification.objects.none()  # the schema's model; the rows are the user's

    def get_queryset(self):
        return selectors.notifications_for(user=self.request.user)

    @extend_schema(
        request=MarkReadSerializer,
        responses={
            200: inline_serializer("NotificationsMarked", {"marked": serializers.IntegerField()})
        },
        filters=False,
    )
    @action(
        detail=False,
        methods=["post"],
        url_path="read",
        pagination_class=None,
        filterset_class=None,
    )
    def read(self, request):
        """Mark your notifications read: `{"ids": [1, 2]}`, or `{}` for all of them."""
        query = MarkReadSerializer(data=request.data)
        query.is_valid(raise_exception=True)
        marked = services.mark_read(user=request.user, ids=query.validated_data.get("ids"))
        return Response({"marked": marked})
