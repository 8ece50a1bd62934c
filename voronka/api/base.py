"""What every record endpoint shares: the access layer, the services, sorting, duplicates."""

from __future__ import annotations

from django.utils.translation import gettext as _
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import filters, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from voronka.accounts import access
from voronka.accounts.models import User
from voronka.audit import selectors as audit
from voronka.core.errors import DuplicatesFound
from voronka.ui.listing import order_for

from .fields import BoundedModelSerializer, IntegerField, RecordIdField


class VisibleRelatedField(RecordIdField):
    """A link to another record, accepted only if the requesting user may see that record."""

    def __init__(self, model=None, **kwargs):
        self.model = model
        kwargs.setdefault("allow_null", True)
        kwargs.setdefault("required", False)
        if not kwargs.get("read_only"):
            kwargs["queryset"] = model.objects.all()
        super().__init__(**kwargs)

    def get_queryset(self):
        request = self.context.get("request")
        return access.visible(request.user, self.model.objects.all())


class OwnerField(RecordIdField):
    """The owner's user id; who may be made an owner is checked by the service."""

    def __init__(self, **kwargs):
        kwargs.setdefault("queryset", User.objects.filter(is_active=True))
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)


class SortBackend(filters.BaseFilterBackend):
    """`?sort=name` or `?sort=-name`, with the keys the list page allows (its FilterSet's)."""

    def filter_queryset(self, request, queryset, view):
        allowed = getattr(view.filterset_class, "sort_fields", {})
        entity = getattr(queryset.model, "access_entity", None)
        if entity:
            hidden = access.hidden_fields(request.user, entity)
            allowed = {k: v for k, v in allowed.items() if k not in hidden}
        sort = request.query_params.get("sort") or view.default_sort
        if sort.lstrip("-") not in allowed:
            sort = view.default_sort
        return queryset.order_by(*order_for(sort, allowed))

    def get_schema_operation_parameters(self, view):
        keys = sorted(getattr(view.filterset_class, "sort_fields", {}))
        return [
            {
                "name": "sort",
                "required": False,
                "in": "query",
                "description": "Sort by one of: "
                + ", ".join(keys)
                + "; a leading '-' sorts in descending order.",
                "schema": {"type": "string"},
            }
        ]


class HistorySerializer(serializers.Serializer):
    field = serializers.CharField(help_text="The model field's name, e.g. stage, amount.")
    label = serializers.CharField(help_text="The field's name in the reader's language.")
    old = serializers.CharField()
    new = serializers.CharField()
    actor = serializers.CharField()
    username = serializers.CharField()
    changed_at = serializers.DateTimeField()


class RecordViewSet(viewsets.ModelViewSet):
    """List, read, create, update and delete owned records through services and access rules.

    Subclasses set `selector`, `create_service`, `update_service`, `delete_service`,
    `record_arg` (the service's keyword for the record) and `filterset_class`.
    """

    selector = None
    create_service = None
    update_service = None
    delete_service = None
    record_arg = ""
    default_sort = "-created"
    checks_duplicates = False
    filter_backends = [DjangoFilterBackend, SortBackend]

    def get_queryset(self):
        return type(self).selector(user=self.request.user)

    def get_object(self):
        obj = access.get_visible(self.request.user, self.get_queryset(), self.kwargs["pk"])
        self.check_object_permissions(self.request, obj)
        return obj

    def _service_data(self, serializer) -> tuple[dict, int | None]:
        data = dict(serializer.validated_data)
        version = data.pop("version", None)
        return data, version

    @extend_schema(
        parameters=[
            OpenApiParameter(
                "allow_duplicates",
                OpenApiTypes.BOOL,
                description="Save even if records with the same e-mail, phone or tax id exist "
                "(otherwise 409 with the list of them).",
            )
        ]
    )
    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data, _version = self._service_data(serializer)
        kwargs = {"actor": request.user, "data": data}
        if self.checks_duplicates:
            flag = str(request.query_params.get("allow_duplicates", "")).lower()
            kwargs["allow_duplicates"] = flag in {"1", "true", "yes"}
        try:
            record = type(self).create_service(**kwargs)
        except DuplicatesFound as found:
            return Response(
                {
                    "detail": _("Possible duplicates exist."),
                    "code": "duplicates",
                    "duplicates": [
                        self._duplicate(r, visible)
                        for r, visible in access.disclosed(request.user, found.records)
                    ],
                },
                status=status.HTTP_409_CONFLICT,
            )
        record = self.get_queryset().get(pk=record.pk)
        return Response(self.get_serializer(record).data, status=status.HTTP_201_CREATED)

    def _duplicate(self, record, visible: bool) -> dict:
        if visible:
            return {"id": record.pk, "name": str(record), "owner": record.owner_id}
        return {"id": None, "name": None, "owner": None}

    def update(self, request, *args, **kwargs):
        partial = kwargs.pop("partial", False)
        record = self.get_object()
        access.require(request.user, access.Action.CHANGE, record)
        serializer = self.get_serializer(record, data=request.data, partial=partial)
        serializer.is_valid(raise_exception=True)
        data, version = self._service_data(serializer)
        record = type(self).update_service(
            actor=request.user, data=data, version=version, **{self.record_arg: record}
        )
        record = self.get_queryset().get(pk=record.pk)
        return Response(self.get_serializer(record).data)

    def destroy(self, request, *args, **kwargs):
        record = self.get_object()
        type(self).delete_service(actor=request.user, **{self.record_arg: record})
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(responses=HistorySerializer(many=True))
    @action(detail=True, methods=["get"], pagination_class=None, filter_backends=[])
    def history(self, request, pk=None):
        """The record's change history (журнал изменений), newest first."""
        record = self.get_object()
        entity = access.entity_of(record)
        rows = audit.history(
            entity=entity,
            object_id=record.pk,
            hidden=access.hidden_fields(request.user, entity),
        )
        return Response(HistorySerializer(rows, many=True).data)


class RecordSerializer(BoundedModelSerializer):
    """Common fields: owner (id), owner_name, version for safe concurrent edits, timestamps."""

    owner = OwnerField()
    owner_name = serializers.CharField(source="owner.display_name", read_only=True)
    version = IntegerField(
        required=False,
        help_text="The version you read; if the record changed since, the update is refused "
        "with 409. Omit to overwrite.",
    )
    created_at = serializers.DateTimeField(read_only=True)
    updated_at = serializers.DateTimeField(read_only=True)

    # Fields computed from another: hidden with it (a role that hides the deal's amount).
    derived_fields: dict[str, tuple[str, ...]] = {}

    def get_fields(self):
        fields = super().get_fields()
        request = self.context.get("request")
        entity = getattr(self.Meta.model, "access_entity", None)
        if request is None or entity is None:
            return fields
        hidden = access.hidden_fields(request.user, entity)
        for name in access.readonly_fields(request.user, entity):
            if name in hidden:
                for dropped in (name, *self.derived_fields.get(name, ())):
                    fields.pop(dropped, None)
            elif name in fields:
                fields[name].read_only = True
        return fields

    def build_standard_field(self, field_name, model_field):
        # The model's own validators (ИНН check digits, …) run in the service's full_clean(),
        # which reports every bad field at once with the messages the pages show. Checking
        # them here too would stop at the first and hide the rest.
        field_class, field_kwargs = super().build_standard_field(field_name, model_field)
        field_kwargs.pop("validators", None)
        return field_class, field_kwargs
