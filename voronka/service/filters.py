import django_filters
from django.utils.translation import gettext_lazy as _

from voronka.accounts.models import Entity, Team
from voronka.ui.filters import OwnerFilter, RecordFilterSet, YesNoFilter

from .models import OPEN_STATUSES, Case, CaseKind, CaseStatus, Priority
from .selectors import overdue


class CaseFilter(RecordFilterSet):
    status = django_filters.ChoiceFilter(
        choices=CaseStatus.choices, label=_("Status"), empty_label=_("Any status")
    )
    kind = django_filters.ChoiceFilter(
        choices=CaseKind.choices, label=_("Type"), empty_label=_("Any type")
    )
    priority = django_filters.ChoiceFilter(
        choices=Priority.choices, label=_("Priority"), empty_label=_("Any priority")
    )
    owner = OwnerFilter(entity=Entity.CASE)
    team = django_filters.ModelChoiceFilter(
        queryset=Team.objects.order_by("name"), label=_("Team queue"), empty_label=_("Any team")
    )
    open = YesNoFilter(method="filter_open", label=_("Open"))
    overdue = YesNoFilter(method="filter_overdue", label=_("Overdue"))
    mine = YesNoFilter(method="filter_mine", label=_("Mine"))
    my_team = YesNoFilter(method="filter_my_team", label=_("My team's queue"))

    sort_fields = {
        "opened": ["opened_at"],
        "subject": ["subject"],
        "status": ["status", "opened_at"],
        "priority": ["priority", "opened_at"],
        "due": ["resolve_due_at", "opened_at"],
        "owner": ["owner_id", "opened_at"],
    }

    class Meta:
        model = Case
        fields = [
            "search",
            "status",
            "kind",
            "priority",
            "owner",
            "team",
            "open",
            "overdue",
            "mine",
            "my_team",
        ]

    def filter_open(self, queryset, name, value):
        if value is None:
            return queryset
        if value:
            return queryset.filter(status__in=OPEN_STATUSES)
        return queryset.exclude(status__in=OPEN_STATUSES)

    def filter_overdue(self, queryset, name, value):
        return overdue(queryset) if value else queryset

    def filter_mine(self, queryset, name, value):
        return queryset.filter(owner_id=self.request.user.pk) if value else queryset

    def filter_my_team(self, queryset, name, value):
        if not value:
            return queryset
        return queryset.filter(team_id=self.request.user.team_id, owner__isnull=True)
