"""Users, teams and roles for administrators (the settings pages' API)."""

from __future__ import annotations

from django.core.exceptions import ValidationError as DjangoValidationError
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.permissions import BasePermission
from rest_framework.response import Response

from voronka.accounts import access
from voronka.accounts.models import (
    RULED_FIELDS,
    Action,
    Entity,
    FieldMode,
    Role,
    Scope,
    Team,
    User,
)
from voronka.staff import selectors, services

from .fields import BoundedModelSerializer, IntegerField


class IsAdministrator(BasePermission):
    message = "Only an administrator can manage users, teams and roles."

    def has_permission(self, request, view):
        return access.can_administer(request.user)


def _refused(error: DjangoValidationError) -> ValidationError:
    if hasattr(error, "error_dict"):
        return ValidationError(error.message_dict)
    return ValidationError({"detail": error.messages})


class UserSerializer(BoundedModelSerializer):
    last_login = serializers.DateTimeField(read_only=True, help_text="The last sign-in.")
    is_active = serializers.BooleanField(read_only=True)

    class Meta:
        model = User
        fields = [
            "id",
            "username",
            "first_name",
            "last_name",
            "middle_name",
            "email",
            "position",
            "phone",
            "team",
            "role",
            "manager",
            "language",
            "timezone",
            "is_active",
            "last_login",
        ]


class ActiveSerializer(serializers.Serializer):
    active = serializers.BooleanField()


class UserViewSet(viewsets.ModelViewSet):
    """Users. Creating one invites them: a letter with a link to set the password."""

    serializer_class = UserSerializer
    permission_classes = [IsAdministrator]
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_queryset(self):
        return selectors.users().order_by("last_name", "first_name", "pk")

    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        if not serializer.validated_data.get("email"):
            raise ValidationError({"email": ["An invitation needs an e-mail address."]})
        try:
            user, _link = services.invite_user(
                actor=request.user,
                data=dict(serializer.validated_data),
                base_url=request.build_absolute_uri("/"),
            )
        except DjangoValidationError as error:
            raise _refused(error) from None
        return Response(self.get_serializer(user).data, status=status.HTTP_201_CREATED)

    def partial_update(self, request, *args, **kwargs):
        user = self.get_object()
        serializer = self.get_serializer(user, data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        try:
            services.update_user(actor=request.user, user=user, data=serializer.validated_data)
        except DjangoValidationError as error:
            raise _refused(error) from None
        return Response(self.get_serializer(user).data)

    @extend_schema(request=ActiveSerializer, responses=UserSerializer)
    @action(detail=True, methods=["post"])
    def active(self, request, pk=None):
        """Deactivate (`{"active": false}`; their records stay) or activate again."""
        user = self.get_object()
        serializer = ActiveSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        try:
            services.set_active(
                actor=request.user, user=user, active=serializer.validated_data["active"]
            )
        except DjangoValidationError as error:
            raise _refused(error) from None
        return Response(self.get_serializer(user).data)


class TeamSerializer(BoundedModelSerializer):
    class Meta:
        model = Team
        fields = ["id", "name", "parent", "head", "order"]
        read_only_fields = ["order"]


class TeamMoveSerializer(serializers.Serializer):
    parent = serializers.PrimaryKeyRelatedField(queryset=Team.objects.all(), allow_null=True)
    position = IntegerField(min_value=0)


class TeamViewSet(viewsets.ModelViewSet):
    """Teams: a tree (parent) with heads; `move` reorders and reparents."""

    serializer_class = TeamSerializer
    permission_classes = [IsAdministrator]
    queryset = Team.objects.order_by("order", "name", "pk")

    def _save(self, request, team, partial: bool, created: bool):
        serializer = self.get_serializer(team, data=request.data, partial=partial)
        serializer.is_valid(raise_exception=True)
        try:
            services.save_team(actor=request.user, team=team, data=serializer.validated_data)
        except DjangoValidationError as error:
            raise _refused(error) from None
        return Response(
            self.get_serializer(team).data,
            status=status.HTTP_201_CREATED if created else status.HTTP_200_OK,
        )

    def create(self, request, *args, **kwargs):
        return self._save(request, Team(), partial=False, created=True)

    def update(self, request, *args, **kwargs):
        return self._save(
            request, self.get_object(), partial=kwargs.get("partial", False), created=False
        )

    def destroy(self, request, *args, **kwargs):
        try:
            services.delete_team(actor=request.user, team=self.get_object())
        except DjangoValidationError as error:
            raise _refused(error) from None
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(request=TeamMoveSerializer, responses=TeamSerializer)
    @action(detail=True, methods=["post"])
    def move(self, request, pk=None):
        team = self.get_object()
        serializer = TeamMoveSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        try:
            services.move_team(actor=request.user, team=team, **serializer.validated_data)
        except DjangoValidationError as error:
            raise _refused(error) from None
        return Response(self.get_serializer(team).data)


class PermissionRuleSerializer(serializers.Serializer):
    entity = serializers.ChoiceField(choices=Entity.choices)
    action = serializers.ChoiceField(choices=Action.choices)
    scope = serializers.ChoiceField(choices=Scope.choices)


class FieldRuleSerializer(serializers.Serializer):
    entity = serializers.ChoiceField(choices=sorted(RULED_FIELDS))
    field = serializers.CharField(max_length=50)
    mode = serializers.ChoiceField(choices=FieldMode.choices)

    def validate(self, attrs):
        if attrs["field"] not in RULED_FIELDS[attrs["entity"]]:
            raise ValidationError({"field": ["No rule can be set on this field."]})
        return attrs


class RoleSerializer(BoundedModelSerializer):
    # Written here, read back by to_representation.
    permissions = PermissionRuleSerializer(
        many=True,
        required=False,
        write_only=True,
        help_text="The matrix: entity × action → scope.",
    )
    field_rules = FieldRuleSerializer(
        many=True,
        required=False,
        write_only=True,
        help_text="Fields the role hides or makes read-only.",
    )

    class Meta:
        model = Role
        fields = [
            "id",
            *(f for f in services.ROLE_FIELDS if f != "field_modes"),
            "permissions",
            "field_rules",
        ]

    def to_representation(self, role):
        data = super().to_representation(role)
        data["permissions"] = [
            {"entity": r.entity, "action": r.action, "scope": r.scope}
            for r in role.permissions.all()
        ]
        data["field_rules"] = [
            {"entity": entity, "field": name, "mode": mode}
            for (entity, name), mode in role.field_rules().items()
        ]
        return data


class RoleViewSet(viewsets.ModelViewSet):
    """Roles: abilities, the matrix and the field rules; `copy` makes a copy."""

    serializer_class = RoleSerializer
    permission_classes = [IsAdministrator]
    queryset = Role.objects.prefetch_related("permissions").order_by("name", "pk")

    def _save(self, request, role, partial: bool, created: bool):
        serializer = self.get_serializer(role, data=request.data, partial=partial)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        rules = data.pop("permissions", None)
        field_rules = data.pop("field_rules", None)
        if field_rules is None:
            current = role.field_rules() if role.pk else {}
            field_rules = [{"entity": e, "field": f, "mode": m} for (e, f), m in current.items()]
        try:
            services.save_role(
                actor=request.user,
                role=role,
                data=data,
                rules={(r["entity"], r["action"]): r["scope"] for r in rules or []},
                field_rules={(r["entity"], r["field"]): r["mode"] for r in field_rules},
            )
        except DjangoValidationError as error:
            raise _refused(error) from None
        role = self.get_queryset().get(pk=role.pk)
        return Response(
            self.get_serializer(role).data,
            status=status.HTTP_201_CREATED if created else status.HTTP_200_OK,
        )

    def create(self, request, *args, **kwargs):
        return self._save(request, Role(), partial=False, created=True)

    def update(self, request, *args, **kwargs):
        return self._save(
            request, self.get_object(), partial=kwargs.get("partial", False), created=False
        )

    def destroy(self, request, *args, **kwargs):
        try:
            services.delete_role(actor=request.user, role=self.get_object())
        except DjangoValidationError as error:
            raise _refused(error) from None
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(request=None, responses=RoleSerializer)
    @action(detail=True, methods=["post"])
    def copy(self, request, pk=None):
        copy = services.copy_role(actor=request.user, role=self.get_object())
        return Response(
            self.get_serializer(self.get_queryset().get(pk=copy.pk)).data,
            status=status.HTTP_201_CREATED,
        )
