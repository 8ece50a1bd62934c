"""Webhooks, their deliveries, workflow rules and their runs, and the recycle bin through the
API. Webhooks and rules are administrators' (403 for anyone else); the bin shows each caller
what the bin page shows them."""

from django.core.exceptions import ValidationError as DjangoValidationError
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.permissions import BasePermission
from rest_framework.response import Response

from voronka.accounts import access
from voronka.administration import bin, webhooks, workflow
from voronka.administration.forms import event_choices
from voronka.administration.models import BinEntry, Delivery, Rule, RuleRun, Webhook


class IsAdministrator(BasePermission):
    def has_permission(self, request, view):
        return access.can_configure(request.user)


def _django_errors(error: DjangoValidationError) -> ValidationError:
    if hasattr(error, "message_dict"):
        return ValidationError(error.message_dict)
    return ValidationError({"non_field_errors": error.messages})


class WebhookSerializer(serializers.ModelSerializer):
    events = serializers.ListField(
        child=serializers.ChoiceField(choices=[c[0] for c in event_choices()]),
        allow_empty=False,
    )

    class Meta:
        model = Webhook
        fields = ["id", "name", "url", "secret", "events", "is_active", "created_at"]
        read_only_fields = ["id", "secret", "created_at"]


class WebhookViewSet(viewsets.ModelViewSet):
    """Subscriptions: events POSTed to a URL, signed with the secret (HMAC-SHA256)."""

    serializer_class = WebhookSerializer
    permission_classes = [IsAdministrator]

    def get_queryset(self):
        return Webhook.objects.order_by("name", "id")

    def perform_create(self, serializer):
        self._save(Webhook(**serializer.validated_data), serializer)

    def perform_update(self, serializer):
        hook = serializer.instance
        for name, value in serializer.validated_data.items():
            setattr(hook, name, value)
        self._save(hook, serializer)

    def _save(self, hook, serializer):
        try:
            serializer.instance = webhooks.webhook_save(actor=self.request.user, webhook=hook)
        except DjangoValidationError as error:
            raise ValidationError({"url": error.messages}) from None

    def perform_destroy(self, instance):
        webhooks.webhook_delete(actor=self.request.user, webhook=instance)


class DeliverySerializer(serializers.ModelSerializer):
    class Meta:
        model = Delivery
        fields = [
            "id",
            "webhook",
            "event",
            "payload",
            "state",
            "attempts",
            "status_code",
            "response",
            "error",
            "created_at",
            "sent_at",
        ]
        read_only_fields = fields


class DeliveryViewSet(viewsets.ReadOnlyModelViewSet):
    """Every delivery of every webhook with the last answer, newest first."""

    serializer_class = DeliverySerializer
    permission_classes = [IsAdministrator]

    def get_queryset(self):
        return Delivery.objects.order_by("-created_at", "-id")


class WorkflowRuleSerializer(serializers.ModelSerializer):
    trigger = serializers.ChoiceField(choices=[])
    entity = serializers.ChoiceField(choices=[])

    class Meta:
        model = Rule
        fields = [
            "id",
            "name",
            "entity",
            "trigger",
            "trigger_options",
            "conditions",
            "actions",
            "is_active",
            "created_at",
        ]
        read_only_fields = ["id", "created_at"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["trigger"].choices = list(workflow.TRIGGERS)
        self.fields["entity"].choices = list(workflow.ENTITIES)


class RuleViewSet(viewsets.ModelViewSet):
    """Workflow rules: conditions as [{field, op, value}], actions as [{type, …}] data."""

    serializer_class = WorkflowRuleSerializer
    permission_classes = [IsAdministrator]

    def get_queryset(self):
        return Rule.objects.order_by("name", "id")

    def perform_create(self, serializer):
        self._save(Rule(**serializer.validated_data), serializer)

    def perform_update(self, serializer):
        rule = serializer.instance
        for name, value in serializer.validated_data.items():
            setattr(rule, name, value)
        self._save(rule, serializer)

    def _save(self, rule, serializer):
        try:
            serializer.instance = workflow.rule_save(actor=self.request.user, rule=rule)
        except DjangoValidationError as error:
            raise _django_errors(error) from None

    def perform_destroy(self, instance):
        workflow.rule_delete(actor=self.request.user, rule=instance)


class RuleRunSerializer(serializers.ModelSerializer):
    class Meta:
        model = RuleRun
        fields = ["id", "rule", "entity", "object_id", "outcome", "message", "depth", "ran_at"]
        read_only_fields = fields


class RuleRunViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = RuleRunSerializer
    permission_classes = [IsAdministrator]

    def get_queryset(self):
        return RuleRun.objects.order_by("-ran_at", "-id")


class BinEntrySerializer(serializers.ModelSerializer):
    deleted_by_name = serializers.CharField(
        source="deleted_by.display_name", read_only=True, default=None
    )

    class Meta:
        model = BinEntry
        fields = [
            "id",
            "entity",
            "kind",
            "object_id",
            "label",
            "owner",
            "deleted_by",
            "deleted_by_name",
            "deleted_at",
            "count",
        ]
        read_only_fields = fields


class BinViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """The recycle bin (корзина): restore (POST …/restore/); delete for good (DELETE,
    administrators)."""

    serializer_class = BinEntrySerializer

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # the schema's generator
            return BinEntry.objects.none()
        return bin.entries_visible_to(self.request.user).order_by("-deleted_at", "-id")

    @extend_schema(request=None, responses={204: None})
    @action(detail=True, methods=["post"])
    def restore(self, request, pk=None):
        entry = self.get_object()
        try:
            bin.bin_restore(actor=request.user, entry=entry)
        except DjangoValidationError as error:
            raise _django_errors(error) from None
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(responses={204: None})
    def destroy(self, request, *args, **kwargs):
        entry = self.get_object()
        bin.bin_purge(actor=request.user, entries=[entry])
        return Response(status=status.HTTP_204_NO_CONTENT)
