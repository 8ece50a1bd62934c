from django import forms
from django.utils.translation import gettext_lazy as _

from voronka.accounts import access
from voronka.accounts.models import Entity
from voronka.ui.forms import (
    AutocompleteSelect,
    DateInput,
    ListField,
    RecordForm,
    StyledFormMixin,
)

from .models import Company, Contact, Industry, Region


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

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Region and industry come from their editable lists once those have entries.
        for name, model in (("region", Region), ("industry", Industry)):
            choices = _listed(model, getattr(self.instance, name, "") or "")
            if choices is not None:
                field = self.fields[name]
                self.fields[name] = forms.ChoiceField(
                    label=field.label, required=False, choices=choices
                )
                self.fields[name].widget.attrs["class"] = "form-select"


def _listed(model, current: str) -> list[tuple[str, str]] | None:
    """The choices of an editable list (the record's own value kept even when it is no longer
    listed); None while the list is empty: then the field stays free text."""
    names = list(model.objects.filter(is_active=True).values_list("name", flat=True))
    if not names:
        return None
    if current and current not in names:
        names.append(current)
    return [("", "—"), *((name, name) for name in names)]


class RegionForm(StyledFormMixin, forms.ModelForm):
    class Meta:
        model = Region
        fields = ["name", "order", "is_active"]


class IndustryForm(StyledFormMixin, forms.ModelForm):
    class Meta:
        model = Industry
        fields = ["name", "order", "is_active"]


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
