import django_filters
from django.utils.translation import gettext_lazy as _

from voronka.accounts.models import Entity
from voronka.sales.models import LeadSource
from voronka.ui.filters import (
    DayFromFilter,
    DayToFilter,
    OwnerFilter,
    RecordFilterSet,
    TeamFilter,
    YesNoFilter,
)

from .models import Lead, LeadStatus
from .selectors import overdue


class LeadFilter(RecordFilterSet):
    status = django_filters.ChoiceFilter(
        choices=LeadStatus.choices, label=_("Status"), empty_label=_("Any status")
    )
    source = django_filters.ModelChoiceFilter(
        queryset=LeadSource.objects.all(), label=_("Lead source"), empty_label=_("Any source")
    )
    owner = OwnerFilter(entity=Entity.LEAD)
    team = TeamFilter()
    requested_from = DayFromFilter(field_name="requested_at", label=_("Requested from"))
    requested_to = DayToFilter(field_name="requested_at", label=_("Requested to"))
    overdue = YesNoFilter(method="filter_overdue", label=_("Overdue: no first contact"))
    in_queue = YesNoFilter(label=_("In a team's queue"))

    sort_fields = {
        "requested": ["requested_at"],
        "name": ["person_name", "company_name"],
        "status": ["status", "requested_at"],
        "owner": ["owner_id", "requested_at"],
    }

    class Meta:
        model = Lead
        fields = [
            "search",
            "status",
            "source",
            "owner",
            "team",
            "requested_from",
            "requested_to",
            "overdue",
            "in_queue",
        ]

    def __init__(self, *args, overdue_hours: int = 4, **kwargs):
        super().__init__(*args, **kwargs)
        self.overdue_hours = overdue_hours

    def filter_overdue(self, queryset, name, value):
        if not value:
            return queryset
        return overdue(queryset, self.overdue_hours)
