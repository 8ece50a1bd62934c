import django_filters
from django.utils.translation import gettext_lazy as _

from voronka.ui.filters import BoundedFilterSet, DayFromFilter, DayToFilter

from .models import BinEntry


def _entity_choices():
    return [
        ("company", _("Companies")),
        ("contact", _("Contacts")),
        ("deal", _("Deals")),
        ("lead", _("Leads")),
        ("activity", _("Activities")),
        ("file", _("Files")),
    ]


class BinFilter(BoundedFilterSet):
    what = django_filters.ChoiceFilter(
        choices=_entity_choices, method="filter_what", label=_("What"), empty_label=_("Anything")
    )
    deleted_from = DayFromFilter(field_name="deleted_at", label=_("Deleted from"))
    deleted_to = DayToFilter(field_name="deleted_at", label=_("Deleted to"))

    sort_fields = {"deleted": ["deleted_at"], "name": ["label"]}

    class Meta:
        model = BinEntry
        fields = ["what", "deleted_from", "deleted_to"]

    def filter_what(self, queryset, name, value):
        if value == "file":
            return queryset.filter(kind="documents.attachment")
        return queryset.filter(entity=value).exclude(kind="documents.attachment")
