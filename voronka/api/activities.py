from voronka.activities import selectors, services
from voronka.activities.filters import ActivityFilter
from voronka.activities.models import Activity
from voronka.contacts.models import Company, Contact
from voronka.sales.models import Deal

from .base import RecordSerializer, RecordViewSet, VisibleRelatedField


class ActivitySerializer(RecordSerializer):
    company = VisibleRelatedField(Company)
    contact = VisibleRelatedField(Contact)
    deal = VisibleRelatedField(Deal)

    class Meta:
        model = Activity
        fields = [
            "id",
            "kind",
            "subject",
            "due_at",
            "done",
            "done_at",
            "company",
            "contact",
            "deal",
            "description",
            "owner",
            "owner_name",
            "version",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["done_at"]


class ActivityViewSet(RecordViewSet):
    """Activities (мероприятия): calls, meetings, tasks and notes."""

    serializer_class = ActivitySerializer
    filterset_class = ActivityFilter
    selector = staticmethod(selectors.activities_visible_to)
    create_service = staticmethod(services.activity_create)
    update_service = staticmethod(services.activity_update)
    delete_service = staticmethod(services.activity_delete)
    record_arg = "activity"
    default_sort = "-due"
