from rest_framework import serializers

from voronka.contacts import selectors, services
from voronka.contacts.filters import ContactFilter
from voronka.contacts.models import Company, Contact

from .base import RecordSerializer, RecordViewSet, VisibleRelatedField


class ContactSerializer(RecordSerializer):
    company = VisibleRelatedField(Company)
    company_name = serializers.CharField(source="company.name", read_only=True, default=None)
    full_name = serializers.CharField(read_only=True)
    phones = serializers.ListField(child=serializers.CharField(max_length=64), required=False)
    emails = serializers.ListField(child=serializers.CharField(max_length=254), required=False)

    class Meta:
        model = Contact
        fields = [
            "id",
            "full_name",
            "last_name",
            "first_name",
            "middle_name",
            "company",
            "company_name",
            "position",
            "phones",
            "emails",
            "birthday",
            "mailing_consent",
            "notes",
            "owner",
            "owner_name",
            "version",
            "created_at",
            "updated_at",
        ]


class ContactViewSet(RecordViewSet):
    """Contacts (контактные лица): people, usually at a company."""

    serializer_class = ContactSerializer
    filterset_class = ContactFilter
    selector = staticmethod(selectors.contacts_visible_to)
    create_service = staticmethod(services.contact_create)
    update_service = staticmethod(services.contact_update)
    delete_service = staticmethod(services.contact_delete)
    record_arg = "contact"
    default_sort = "name"
    checks_duplicates = True
