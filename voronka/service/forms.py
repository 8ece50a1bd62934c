from django import forms
from django.utils.translation import gettext_lazy as _

from voronka.accounts import access
from voronka.accounts.models import Deputy, Entity, Team, User
from voronka.contacts.models import Company, Contact
from voronka.sales.models import Deal
from voronka.ui.forms import AutocompleteSelect, DateInput, RecordForm, StyledFormMixin

from .models import Attitude, Case, SlaRule, StakeholderRole


class CaseForm(RecordForm):
    entity = Entity.CASE

    class Meta:
        model = Case
        fields = [
            "subject",
            "description",
            "kind",
            "priority",
            "channel",
            "company",
            "contact",
            "client_name",
            "client_email",
            "deal",
            "document",
            "product",
            "team",
            "owner",
        ]
        widgets = {
            "description": forms.Textarea(attrs={"rows": 4}),
            "company": AutocompleteSelect("contacts:company-autocomplete"),
            "contact": AutocompleteSelect("contacts:contact-autocomplete"),
            "deal": AutocompleteSelect("sales:deal-autocomplete"),
        }

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, user=user, **kwargs)
        self.fields["company"].queryset = access.visible(user, Company.objects.all())
        self.fields["contact"].queryset = access.visible(user, Contact.objects.all())
        self.fields["deal"].queryset = access.visible(user, Deal.objects.all())
        self.fields["document"].queryset = self.fields["document"].queryset.filter(
            deal__in=access.visible(user, Deal.objects.all())
        )
        self.fields["team"].queryset = Team.objects.order_by("name")
        self.fields["team"].help_text = _(
            "Leave the owner empty to put the case in the team's queue."
        )
        # A new case with a team and no owner waits in the queue; the form must allow that.
        if self.instance.pk is None:
            self.initial.pop("owner", None)
            if user.team_id:
                self.initial.setdefault("team", user.team_id)

    def record_data(self) -> dict:
        data = super().record_data()
        if self.instance.pk is None and self.cleaned_data.get("owner") is None:
            data["owner"] = None
        return data


class StatusForm(StyledFormMixin, forms.Form):
    resolution = forms.CharField(
        label=_("Resolution"),
        required=False,
        max_length=10000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class RatingForm(forms.Form):
    score = forms.TypedChoiceField(
        label=_("Your rating"),
        choices=[(i, str(i)) for i in range(5, 0, -1)],
        coerce=int,
        widget=forms.RadioSelect,
    )
    comment = forms.CharField(
        label=_("Comment"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4, "class": "form-control"}),
    )


class SlaRuleForm(StyledFormMixin, forms.ModelForm):
    class Meta:
        model = SlaRule
        fields = ["kind", "priority", "first_response_hours", "resolve_hours"]


class StakeholderForm(StyledFormMixin, forms.Form):
    contact = forms.ModelChoiceField(
        queryset=Contact.objects.none(),
        label=_("Contact"),
        widget=AutocompleteSelect("contacts:contact-autocomplete"),
    )
    role = forms.ChoiceField(label=_("Role"), choices=StakeholderRole.choices)
    attitude = forms.ChoiceField(label=_("Attitude"), choices=Attitude.choices)
    note = forms.CharField(label=_("Note"), required=False, max_length=255)
    influences = forms.ModelMultipleChoiceField(
        queryset=Contact.objects.none(), label=_("Influences"), required=False
    )

    def __init__(self, *args, user, deal, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["contact"].queryset = access.visible(user, Contact.objects.all())
        self.fields["influences"].queryset = deal.stakeholders.all()
        self.fields["influences"].label_from_instance = lambda s: str(s.contact)


class DeputyForm(StyledFormMixin, forms.ModelForm):
    class Meta:
        model = Deputy
        fields = ["deputy", "starts_on", "ends_on"]
        widgets = {"starts_on": DateInput(), "ends_on": DateInput()}

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.fields["deputy"].queryset = (
            User.objects.filter(is_active=True)
            .exclude(pk=user.pk)
            .order_by("first_name", "last_name")
        )

    def clean(self):
        data = super().clean()
        start, end = data.get("starts_on"), data.get("ends_on")
        if start and end and end < start:
            self.add_error("ends_on", _("The period ends before it starts."))
        if start and end and (end - start).days > 366:
            self.add_error("ends_on", _("A deputy is named for a year at most."))
        return data
