from django import forms
from django.utils.translation import gettext_lazy as _

from voronka.accounts import access
from voronka.accounts.models import Entity
from voronka.ui.forms import (
    AutocompleteSelect,
    DateInput,
    ListField,
    RecordForm,
)

from .models import Company, Contact


class CompanyForm(RecordForm):
    entity = Entity.COMPANY
    phones = ListField(label=_("Phones"), input_type="tel")
    emails = ListField(label=_("E-mails"), input_type="email")
    website = forms.URLField(
        label=_("Website"), required=False, max_length=300, assume_scheme="https"
    )

    class Meta:
        model = Company
        fields = [
            "name",
            "is_customer",
            "is_supplier",
            "is_partner",
            "is_competitor",
            "industry",
            "region",
            "city",
            "address",
            "phones",
            "emails",
            "website",
            "inn",
            "kpp",
            "ogrn",
            "bin",
            "owner",
            "description",
        ]
        widgets = {
            "address": forms.Textarea(attrs={"rows": 2}),
            "description": forms.Textarea(attrs={"rows": 4}),
        }


class ContactForm(RecordForm):
    entity = Entity.CONTACT
    phones = ListField(label=_("Phones"), input_type="tel")
    emails = ListField(label=_("E-mails"), input_type="email")

    class Meta:
        model = Contact
        fields = [
            "last_name",
            "first_name",
            "middle_name",
            "company",
            "position",
            "phones",
            "emails",
            "birthday",
            "owner",
            "mailing_consent",
            "notes",
        ]
        widgets = {
            "company": AutocompleteSelect("contacts:company-autocomplete"),
            "birthday": DateInput(),
            "notes": forms.Textarea(attrs={"rows": 4}),
        }

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, user=user, **kwargs)
        self.fields["company"].queryset = access.visible(user, Company.objects.all())
