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

from .models import AbcClass, Company, CompanyKind, Contact, RelationshipStage, XyzClass


class CompanyFilter(RecordFilterSet):
    kind = django_filters.ChoiceFilter(
        choices=CompanyKind.choices,
        method="filter_kind",
        label=_("Kind"),
        empty_label=_("Any kind"),
    )
    owner = OwnerFilter(entity=Entity.COMPANY)
    city = django_filters.CharFilter(field_name="city", lookup_expr="exact", label=_("City"))
    region = django_filters.CharFilter(
        field_name="region", lookup_expr="exact", label=_("Region"), max_length=150
    )
    industry = django_filters.CharFilter(
        field_name="industry", lookup_expr="exact", label=_("Industry"), max_length=150
    )
    created_from = DayFromFilter(field_name="created_at", label=_("Created from"))
    created_to = DayToFilter(field_name="created_at", label=_("Created to"))
    no_next_step = YesNoFilter(
        method="filter_no_next_step",
        label=_("Customers without a next step"),
    )
    abc_class = django_filters.ChoiceFilter(
        choices=AbcClass.choices, label=_("ABC class"), empty_label=_("Any ABC class")
    )
    xyz_class = django_filters.ChoiceFilter(
        choices=XyzClass.choices, label=_("XYZ class"), empty_label=_("Any XYZ class")
    )
    relationship_stage = django_filters.ChoiceFilter(
        choices=RelationshipStage.choices,
        label=_("Relationship stage"),
        empty_label=_("Any stage"),
    )

    sort_fields = {
        "name": ["name"],
        "city": ["city", "name"],
        "owner": ["owner_id", "name"],  # grouped by owner: (owner, name, id) index
        "created": ["created_at"],
    }

    class Meta:
        model = Company
        fields = [
            "search",
            "kind",
            "owner",
            "city",
            "region",
            "industry",
            "created_from",
            "created_to",
            "no_next_step",
            "abc_class",
            "xyz_class",
            "relationship_stage",
        ]

    def filter_no_next_step(self, queryset, name, value):
        """Customers with nothing planned with them: no call, meeting or task not yet done
        (`next_activity_at`, kept by the activities' services)."""
        if not value:
            return queryset
        return queryset.filter(is_customer__is=True, next_activity_at__isnull=True)

    def filter_kind(self, queryset, name, value):
        if value in CompanyKind.values:
            return queryset.filter(**{f"is_{value}": True})
        return queryset


class ContactFilter(RecordFilterSet):
    owner = OwnerFilter(entity=Entity.CONTACT)
    company = IdFilter(field_name="company_id", label=_("Company"))
    mailing_consent = YesNoFilter(label=_("Agrees to mailings"))
    created_from = DayFromFilter(field_name="created_at", label=_("Created from"))
    created_to = DayToFilter(field_name="created_at", label=_("Created to"))

    sort_fields = {
        "name": ["last_name", "first_name"],
        "owner": ["owner_id", "last_name", "first_name"],
        "created": ["created_at"],
    }

    class Meta:
        model = Contact
        fields = ["search", "owner", "company", "mailing_consent", "created_from", "created_to"]
