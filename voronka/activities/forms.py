from django import forms

from voronka.accounts import access
from voronka.accounts.models import Entity
from voronka.contacts.models import Company, Contact
from voronka.core.forms import AutocompleteSelect, DateTimeInput, RecordForm
from voronka.sales.models import Deal

from .models import Activity


class ActivityForm(RecordForm):
    entity = Entity.ACTIVITY

    class Meta:
        model = Activity
        fields = [
            "kind",
            "subject",
            "due_at",
            "done",
            "company",
            "contact",
            "deal",
            "owner",
            "description",
        ]
        widgets = {
            "due_at": DateTimeInput(),
            "company": AutocompleteSelect("contacts:company-autocomplete"),
            "contact": AutocompleteSelect("contacts:contact-autocomplete"),
            "deal": AutocompleteSelect("sales:deal-autocomplete"),
            "description": forms.Textarea(attrs={"rows": 4}),
        }

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, user=user, **kwargs)
        self.fields["due_at"].input_formats = [
            "%Y-%m-%dT%H:%M",
            "%Y-%m-%d %H:%M",
            "%Y-%m-%d %H:%M:%S",
        ]
        self.fields["company"].queryset = access.visible(user, Company.objects.all())
        self.fields["contact"].queryset = access.visible(user, Contact.objects.all())
        self.fields["deal"].queryset = access.visible(user, Deal.objects.all())
