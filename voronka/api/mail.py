"""Letters: read those of the mailboxes the caller may read (`?entity=contact&object_id=5` for
a record's letters, `?thread=` for a thread's), and send one through a mailbox the caller may
send from (the same service as the compose page: queued, sent by a job)."""

from __future__ import annotations

import django_filters
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext as _
from rest_framework import exceptions, mixins, serializers, status, viewsets
from rest_framework.response import Response

from voronka.accounts import access
from voronka.contacts.models import Company, Contact
from voronka.mail import selectors, sending
from voronka.mail.models import Link, Mailbox, Message, Template
from voronka.sales.models import Deal

from .base import VisibleRelatedField


class LetterFilter(django_filters.FilterSet):
    entity = django_filters.ChoiceFilter(
        choices=[("contact", "contact"), ("company", "company"), ("deal", "deal")],
        method="filter_record",
        help_text="With object_id: the letters about that record.",
    )
    object_id = django_filters.NumberFilter(method="filter_nothing", min_value=1)
    thread = django_filters.NumberFilter(min_value=1)
    direction = django_filters.ChoiceFilter(choices=[("in", "in"), ("out", "out")])

    class Meta:
        model = Message
        fields = ["entity", "object_id", "thread", "direction", "mailbox"]

    def filter_nothing(self, queryset, name, value):
        return queryset  # read together with `entity`

    def filter_record(self, queryset, name, value):
        object_id = self.form.cleaned_data.get("object_id")
        if not object_id:
            return queryset
        ids = Link.objects.filter(entity=value, object_id=object_id).values("message_id")
        return queryset.filter(pk__in=ids)


class LetterSerializer(serializers.ModelSerializer):
    class Meta:
        model = Message
        fields = [
            "id",
            "mailbox",
            "thread",
            "direction",
            "message_id",
            "subject",
            "from_name",
            "from_address",
            "to",
            "cc",
            "date",
            "seen",
            "status",
            "send_error",
            "text",
            "has_attachments",
        ]
        read_only_fields = fields


class SendSerializer(serializers.Serializer):
    mailbox = serializers.PrimaryKeyRelatedField(queryset=Mailbox.objects.all())
    to = serializers.ListField(child=serializers.EmailField(), min_length=1, max_length=100)
    cc = serializers.ListField(child=serializers.EmailField(), required=False, max_length=100)
    subject = serializers.CharField(max_length=500, allow_blank=True)
    body = serializers.CharField(max_length=1_000_000)
    reply_to = serializers.IntegerField(required=False, min_value=1)
    contact = VisibleRelatedField(Contact)
    company = VisibleRelatedField(Company)
    deal = VisibleRelatedField(Deal)


class LetterViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):
    filterset_class = LetterFilter
    queryset = Message.objects.none()  # for the schema; get_queryset gives the caller's

    def get_queryset(self):
        return Message.objects.filter(
            mailbox_id__in=selectors.readable_mailbox_ids(user=self.request.user)
        ).order_by("-date", "-id")

    def get_serializer_class(self):
        return SendSerializer if self.action == "create" else LetterSerializer

    def create(self, request, *args, **kwargs):
        serializer = SendSerializer(data=request.data, context={"request": request})
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        reply = None
        if data.get("reply_to"):
            reply = selectors.message_for(user=request.user, pk=data["reply_to"])
        if not access.can_send_from(request.user, data["mailbox"]):
            raise exceptions.PermissionDenied(_("You may not send letters from this mailbox."))
        try:
            message = sending.letter_compose(
                actor=request.user,
                mailbox=data["mailbox"],
                to=[a.lower() for a in data["to"]],
                cc=[a.lower() for a in data.get("cc", [])],
                subject=data["subject"],
                body=data["body"],
                reply_to=reply,
                contact=data.get("contact"),
                company=data.get("company"),
                deal=data.get("deal"),
            )
        except PermissionDenied as error:
            raise exceptions.PermissionDenied(str(error)) from error
        except ValidationError as error:
            raise exceptions.ValidationError(
                error.message_dict if hasattr(error, "error_dict") else error.messages
            ) from error
        return Response(LetterSerializer(message).data, status=status.HTTP_201_CREATED)


class TemplateSerializer(serializers.ModelSerializer):
    class Meta:
        model = Template
        fields = ["id", "name", "subject", "body", "is_shared", "owner"]
        read_only_fields = fields


class LetterTemplateViewSet(viewsets.ReadOnlyModelViewSet):
    """The letter templates the caller may use (their own and the shared ones)."""

    serializer_class = TemplateSerializer
    queryset = Template.objects.none()  # for the schema; get_queryset gives the caller's

    def get_queryset(self):
        return selectors.templates_for(user=self.request.user)
