"""Filters shared by list pages and API lists."""

from __future__ import annotations

import datetime

import django_filters
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from voronka.accounts import access
from voronka.accounts.access import team_ids_below
from voronka.accounts.models import Team
from voronka.core.search import apply_search

from .forms import DateInput, IdField, bound_fields


def start_of_day(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


class DayFromFilter(django_filters.DateFilter):
    """Records of this day and later, in the user's time zone (keeps the column's index usable)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", DateInput)
        super().__init__(*args, **kwargs)

    def filter(self, qs, value):
        if not value:
            return qs
        return qs.filter(**{f"{self.field_name}__gte": start_of_day(value)})


class DayToFilter(DayFromFilter):
    def filter(self, qs, value):
        if not value:
            return qs
        return qs.filter(
            **{f"{self.field_name}__lt": start_of_day(value + datetime.timedelta(days=1))}
        )


class YesNoWidget(django_filters.widgets.BooleanWidget):
    """«Все / Да / Нет»: django-filter's own widgets offer "Unknown" for the empty choice,
    which reads as a third state of the record, not as "do not filter"."""

    def __init__(self, attrs=None):
        super().__init__(attrs)
        self.choices = [
            ("", pgettext_lazy("a yes/no filter left empty", "All")),
            ("true", _("Yes")),
            ("false", _("No")),
        ]


class YesNoFilter(django_filters.BooleanFilter):
    """Every yes/no filter of a list: empty shows all, `true`/`false` (or 1/0) filter."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", YesNoWidget)
        super().__init__(*args, **kwargs)


class IdFilter(django_filters.NumberFilter):
    """Records linked to one record by its id (a company's contacts, a deal's activities)."""

    field_class = IdField

    def get_max_validator(self):
        return None  # IdField holds the id's own bounds


class OwnerFilter(django_filters.ModelChoiceFilter):
    """The choice of owners a user may filter by: people whose records they can see."""

    def __init__(self, *args, entity: str, **kwargs):
        kwargs.setdefault("label", _("Owner"))
        kwargs.setdefault("empty_label", _("Anyone"))
        kwargs["queryset"] = lambda request: access.colleagues(request.user, entity).order_by(
            "first_name", "last_name"
        )
        kwargs.setdefault("field_name", "owner")
        super().__init__(*args, **kwargs)


class TeamFilter(django_filters.ModelChoiceFilter):
    """Records whose owner is in a team or one of its sub-teams."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("label", _("Team"))
        kwargs.setdefault("empty_label", _("Any team"))
        kwargs.setdefault("field_name", "owner__team")
        kwargs["queryset"] = Team.objects.order_by("name")
        super().__init__(*args, **kwargs)

    def filter(self, qs, value):
        if not value:
            return qs
        return qs.filter(owner__team_id__in=sorted(team_ids_below(value.pk)))


class BoundedFilterSet(django_filters.FilterSet):
    """A FilterSet whose date and number filters are held to core.bounds: a bad value is a
    form error on the page and a 400 naming the filter in the API."""

    @property
    def form(self):
        form = super().form
        bound_fields(form)
        return form


class RecordFilterSet(BoundedFilterSet):
    """Base of every record list's filters: a search box and whitelisted sort keys.

    `sort_fields` maps a sort key (used as `?sort=key` or `?sort=-key`) to the model fields
    to order by. Anything else in `?sort=` is ignored.
    """

    search = django_filters.CharFilter(method="filter_search", label=_("Search"))
    sort_fields: dict[str, list[str]] = {}
    # Filters by a linked record's id: set by links from a record's page, not typed by hand.
    hidden_filters: tuple[str, ...] = ("company", "contact", "deal")

    def filter_search(self, queryset, name, value):
        return apply_search(queryset, value)
