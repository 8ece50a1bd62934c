import django_filters
from django.utils.translation import gettext_lazy as _

from voronka.accounts.models import Entity
from voronka.core.money import currency_choices
from voronka.ui.filters import (
    DayFromFilter,
    DayToFilter,
    IdFilter,
    OwnerFilter,
    RecordFilterSet,
    TeamFilter,
    YesNoFilter,
)
from voronka.ui.forms import DateInput

from .models import Deal, DealType, Direction, LeadSource, Pipeline, Stage, StageKind
from .selectors import without_next_step


class DealFilter(RecordFilterSet):
    pipeline = django_filters.ModelChoiceFilter(
        queryset=Pipeline.objects.all(), label=_("Pipeline"), empty_label=_("Any pipeline")
    )
    stage = django_filters.ModelChoiceFilter(
        queryset=Stage.objects.select_related("pipeline"),
        label=_("Stage"),
        empty_label=_("Any stage"),
    )
    status = django_filters.ChoiceFilter(
        choices=StageKind.choices,
        field_name="stage__kind",
        label=_("Status"),
        empty_label=_("Any status"),
    )
    owner = OwnerFilter(entity=Entity.DEAL)
    team = TeamFilter()
    company = IdFilter(field_name="company_id", label=_("Company"))
    contact = IdFilter(field_name="contact_id", label=_("Contact"))
    type = django_filters.ChoiceFilter(
        choices=DealType.choices, label=_("Type"), empty_label=_("Any type")
    )
    lead_source = django_filters.ModelChoiceFilter(
        queryset=LeadSource.objects.all(), label=_("Lead source"), empty_label=_("Any source")
    )
    direction = django_filters.ModelChoiceFilter(
        queryset=Direction.objects.all(),
        label=_("Project / direction"),
        empty_label=_("Any direction"),
    )
    currency = django_filters.ChoiceFilter(
        choices=currency_choices, label=_("Currency"), empty_label=_("Any currency")
    )
    close_from = django_filters.DateFilter(
        field_name="expected_close_date",
        lookup_expr="gte",
        label=_("Closes from"),
        widget=DateInput,
    )
    close_to = django_filters.DateFilter(
        field_name="expected_close_date", lookup_expr="lte", label=_("Closes to"), widget=DateInput
    )
    created_from = DayFromFilter(field_name="created_at", label=_("Created from"))
    created_to = DayToFilter(field_name="created_at", label=_("Created to"))
    closed_from = DayFromFilter(field_name="closed_at", label=_("Closed from"))
    closed_to = DayToFilter(field_name="closed_at", label=_("Closed to"))
    # Set by the reports' links (a bar of lost reasons), like company and contact.
    lost_reason = IdFilter(field_name="lost_reason_id", label=_("Lost reason"))
    hidden_filters = (*RecordFilterSet.hidden_filters, "lost_reason")
    no_next_step = YesNoFilter(
        method="filter_no_next_step",
        label=_("Without a next step"),
    )

    def filter_no_next_step(self, queryset, name, value):
        return without_next_step(queryset) if value else queryset

    sort_fields = {
        "name": ["name"],
        "amount": ["amount"],
        "close": ["expected_close_date"],
        "owner": ["owner_id", "-created_at"],  # grouped by owner, newest first
        "created": ["created_at"],
    }

    class Meta:
        model = Deal
        fields = [
            "search",
            "pipeline",
            "stage",
            "status",
            "owner",
            "team",
            "company",
            "contact",
            "type",
            "lead_source",
            "direction",
            "currency",
            "close_from",
            "close_to",
            "created_from",
            "created_to",
            "closed_from",
            "closed_to",
            "lost_reason",
            "no_next_step",
        ]
