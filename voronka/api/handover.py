from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, viewsets
from rest_framework.response import Response

from voronka.accounts import access
from voronka.accounts.models import User
from voronka.contacts.models import Company
from voronka.handover.services import handover

from .fields import IdField, RecordIdField


class HandoverSerializer(serializers.Serializer):
    to_user = RecordIdField(queryset=User.objects.filter(is_active=True))
    from_user = RecordIdField(
        queryset=User.objects.all(),
        required=False,
        help_text="Hand over everything of this manager…",
    )
    companies = serializers.ListField(
        child=IdField(),
        required=False,
        help_text="…or only these companies (with their contacts, open deals and activities).",
    )

    def validate(self, data):
        if bool(data.get("from_user")) == bool(data.get("companies")):
            raise serializers.ValidationError(
                _("Give either from_user (everything of a manager) or companies (chosen ones).")
            )
        return data


class MovedSerializer(serializers.Serializer):
    companies = serializers.IntegerField()
    contacts = serializers.IntegerField()
    deals = serializers.IntegerField()
    activities = serializers.IntegerField()
    leads = serializers.IntegerField()
    summary = serializers.CharField()


class HandoverViewSet(viewsets.ViewSet):
    """Hand clients over to another manager (heads of sales and administrators)."""

    @extend_schema(request=HandoverSerializer, responses=MovedSerializer)
    def create(self, request):
        if not access.can_hand_over(request.user):
            raise PermissionDenied(
                _("Only a head of sales or an administrator hands clients over.")
            )
        serializer = HandoverSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        companies = None
        if data.get("companies"):
            companies = access.visible(
                request.user, Company.objects.filter(pk__in=data["companies"])
            )
        moved = handover(
            actor=request.user,
            to_user=data["to_user"],
            from_user=data.get("from_user"),
            companies=companies,
        )
        return Response(
            {
                "companies": moved.companies,
                "contacts": moved.contacts,
                "deals": moved.deals,
                "activities": moved.activities,
                "leads": moved.leads,
                "summary": moved.sentence(),
            }
        )
