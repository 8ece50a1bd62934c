import django_filters
from django.utils.translation import gettext_lazy as _

from voronka.accounts.models import Entity
from voronka.ui.filters import (
    DayFromFilter,
    DayToFilter,
    IdFilter,
    OwnerFilter,
    RecordFilterSet,
    YesNoFilter,
)

from .models import Activity, ActivityKind, OutcomeKind


class ActivityFilter(RecordFilterSet):
    kind = django_filters.ChoiceFilter(
        choices=ActivityKind.choices, label=_("Kind"), empty_label=_("Any kind")
    )
    done = YesNoFilter(field_name="done", lookup_expr="is", label=_("Done"))
    owner = OwnerFilter(entity=Entity.ACTIVITY)
    company = IdFilter(field_name="company_id", label=_("Company"))
    contact = IdFilter(field_name="contact_id", label=_("Contact"))
    deal = IdFilter(field_name="deal_id", label=_("Deal"))
    lead = IdFilter(field_name="lead_id", label=_("Lead"))
    case = IdFilter(field_name="case_id", label=_("Case"))
    due_from = DayFromFilter(field_name="due_at", label=_("Due from"))
    due_to = DayToFilter(field_name="due_at", label=_("Due to"))
    # Set by the reports' links (a manager's scorecard): what was done in a period, and how.
    done_from = DayFromFilter(field_name="done_at", label=_("Done from"))
    done_to = DayToFilter(field_name="done_at", label=_("Done to"))
    outcome_kind = django_filters.MultipleChoiceFilter(
        field_name="outcome__kind", choices=OutcomeKind.choices, label=_("Outcome")
    )
    kinds = django_filters.MultipleChoiceFilter(
        field_name="kind", choices=ActivityKind.choices, label=_("Kinds")
    )
    hidden_filters = (
        *RecordFilterSet.hidden_filters,
        "lead",
        "case",
        "done_from",
        "done_to",
        "outcome_kind",
        "kinds",
    )

    sort_fields = {
        "due": ["due_at"],
        "subject": ["subject"],
        "kind": ["kind", "done", "due_at"],  # open ones first within a kind
        "owner": ["owner_id", "done", "due_at"],  # grouped by owner, open first
        "created": ["created_at"],
    }

    class Meta:
        model = Activity
        fields = [
            "search",
            "kind",
            "done",
            "owner",
            "company",
            "contact",
            "deal",
            "due_from",
            "due_to",
            "done_from",
            "done_to",
            "outcome_kind",
            "kinds",
        ]
