import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from voronka.accounts.models import Role, SignInEvent, Team, User
from voronka.audit.models import HistoryEntry
from voronka.ui.filters import BoundedFilterSet, DayFromFilter, DayToFilter, YesNoFilter


class UserFilter(BoundedFilterSet):
    search = django_filters.CharFilter(method="filter_search", label=_("Search"))
    team = django_filters.ModelChoiceFilter(
        queryset=Team.objects.all(), label=_("Team"), empty_label=_("Any team")
    )
    role = django_filters.ModelChoiceFilter(
        queryset=Role.objects.all(), label=_("Role"), empty_label=_("Any role")
    )
    is_active = YesNoFilter(label=_("Active"))

    sort_fields = {
        "name": ["last_name", "first_name", "username"],
        "username": ["username"],
        "last_login": ["last_login"],
        "joined": ["date_joined"],
    }

    class Meta:
        model = User
        fields = []

    def filter_search(self, queryset, name, value):
        value = (value or "").strip()[:100]
        if not value:
            return queryset
        return queryset.filter(
            Q(username__icontains=value)
            | Q(first_name__icontains=value)
            | Q(last_name__icontains=value)
            | Q(email__icontains=value)
        )


class SignInFilter(BoundedFilterSet):
    search = django_filters.CharFilter(method="filter_search", label=_("User name"))
    outcome = django_filters.ChoiceFilter(
        choices=SignInEvent.Outcome.choices, label=_("Outcome"), empty_label=_("Any outcome")
    )
    day_from = DayFromFilter(field_name="at", label=_("From"))
    day_to = DayToFilter(field_name="at", label=_("To"))

    sort_fields = {"at": ["at"]}

    class Meta:
        model = SignInEvent
        fields = []

    def filter_search(self, queryset, name, value):
        value = (value or "").strip()[:150]
        return queryset.filter(username__icontains=value) if value else queryset


class JournalFilter(BoundedFilterSet):
    kind = django_filters.ChoiceFilter(
        choices=[
            ("accounts.user", _("users")),
            ("accounts.team", _("teams")),
            ("accounts.role", _("roles")),
            ("accounts.rolepermission", _("role permissions")),
        ],
        field_name="entity",
        label=_("What"),
        empty_label=_("Everything"),
    )
    day_from = DayFromFilter(field_name="changed_at", label=_("From"))
    day_to = DayToFilter(field_name="changed_at", label=_("To"))

    sort_fields = {"changed": ["changed_at", "batch", "position"]}

    class Meta:
        model = HistoryEntry
        fields = []
