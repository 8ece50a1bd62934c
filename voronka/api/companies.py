from rest_framework import serializers

from voronka.contacts import selectors, services
from voronka.contacts.filters import CompanyFilter
from voronka.contacts.models import Company

from .base import RecordSerializer, RecordViewSet


class CompanySerializer(RecordSerializer):
    phones = serializers.ListField(child=serializers.CharField(max_length=64), required=False)
    emails = serializers.ListField(child=serializers.CharField(max_length=254), required=False)
    kinds = serializers.ListField(child=serializers.CharField(), read_only=True)

    class Meta:
        model = Company
        fields = [
            "id",
            "name",
            "kinds",
            "is_customer",
            "is_supplier",
            "is_partner",
            "is_competitor",
            "industry",
            "region",
            "city",
            "address",
            "phones",
            "emails",
            "website",
            "inn",
            "kpp",
            "ogrn",
            "bin",
            "owner",
            "owner_name",
            "description",
            "abc_class",
            "xyz_class",
            "relationship_stage",
            "classified_on",
            "version",
            "created_at",
            "updated_at",
        ]


class CompanyViewSet(RecordViewSet):
    """Companies (контрагенты): customers, suppliers, partners, competitors."""

    serializer_class = CompanySerializer
    filterset_class = CompanyFilter
    selector = staticmethod(selectors.companies_visible_to)
    create_service = staticmethod(services.company_create)
    update_service = staticmethod(services.company_update)
    delete_service = staticmethod(services.company_delete)
    record_arg = "company"
    default_sort = "name"
    checks_duplicates = True
