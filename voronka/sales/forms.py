from django import forms
from django.forms import BaseFormSet, formset_factory
from django.utils.translation import gettext_lazy as _

from voronka.accounts import access
from voronka.accounts.models import Entity
from voronka.contacts.models import Company, Contact
from voronka.ui.forms import (
    AutocompleteSelect,
    DateInput,
    RecordForm,
    StyledFormMixin,
    style_widgets,
)

from . import selectors
from .models import (
    REQUIRABLE_FIELDS,
    Deal,
    Direction,
    LeadSource,
    LostReason,
    Pipeline,
    Stage,
    StageKind,
)
from .services import default_stage


class DealForm(RecordForm):
    entity = Entity.DEAL

    class Meta:
        model = Deal
        fields = [
            "name",
            "company",
            "contact",
            "stage",
            "amount",
            "currency",
            "probability",
            "expected_close_date",
            "type",
            "lead_source",
            "direction",
            "quantity",
            "next_step",
            "owner",
            "description",
        ]
        widgets = {
            "company": AutocompleteSelect("contacts:company-autocomplete"),
            "contact": AutocompleteSelect("contacts:contact-autocomplete"),
            "expected_close_date": DateInput(),
            "description": forms.Textarea(attrs={"rows": 4}),
        }
        help_texts = {
            "probability": _("Leave empty to take the stage's probability."),
        }

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, user=user, **kwargs)
        self.fields["company"].queryset = access.visible(user, Company.objects.all())
        self.fields["contact"].queryset = access.visible(user, Contact.objects.all())
        self.fields["stage"].queryset = Stage.objects.select_related("pipeline")
        groups = selectors.stage_choices()
        current = self.instance.stage if self.instance.pk else None
        if current is not None and not any(
            current.pk == pk for _n, opts in groups for pk, _l in opts
        ):
            groups.append((current.pipeline.name, [(current.pk, current.name)]))
        self.fields["stage"].choices = [("", "—"), *groups]
        self.fields["stage"].widget.attrs["data-probabilities"] = ",".join(
            f"{pk}:{p}" for pk, p in Stage.objects.values_list("pk", "probability")
        )
        self.fields["probability"].required = False
        self.fields["lead_source"].queryset = LeadSource.objects.filter(is_active=True)
        self.fields["direction"].queryset = Direction.objects.filter(is_active=True)
        if self.instance.pk is None and not self.initial.get("stage"):
            stage = default_stage()
            if stage is not None:
                self.initial["stage"] = stage.pk

    def record_data(self) -> dict:
        data = super().record_data()
        data["probability"] = self.cleaned_data.get("probability")
        return data


class MoveForm(StyledFormMixin, forms.Form):
    """A move to a stage, with the reason and the winner when the deal is lost."""

    stage = forms.ModelChoiceField(queryset=Stage.objects.none(), label=_("Stage"))
    lost_reason = forms.ModelChoiceField(
        queryset=LostReason.objects.filter(is_active=True), required=False, label=_("Lost reason")
    )
    lost_to = forms.ModelChoiceField(
        queryset=Company.objects.none(),
        required=False,
        label=_("Lost to (competitor)"),
        widget=AutocompleteSelect("contacts:company-autocomplete"),
    )
    version = forms.IntegerField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, user, deal, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["stage"].queryset = Stage.objects.filter(
            pipeline__is_active=True
        ).select_related("pipeline")
        self.fields["lost_to"].queryset = access.visible(user, Company.objects.all())


class PipelineForm(StyledFormMixin, forms.ModelForm):
    class Meta:
        model = Pipeline
        fields = ["name", "is_active", "strict_order"]


class StageForm(StyledFormMixin, forms.Form):
    id = forms.IntegerField(required=False, widget=forms.HiddenInput)
    name = forms.CharField(label=_("Stage"), max_length=150)
    probability = forms.IntegerField(label=_("Probability, %"), min_value=0, max_value=100)
    kind = forms.ChoiceField(label=_("Kind"), choices=StageKind.choices)
    color = forms.CharField(
        label=_("Colour"),
        initial="#5b8def",
        required=False,
        widget=forms.TextInput(attrs={"type": "color"}),
    )
    required_fields = forms.MultipleChoiceField(
        label=_("To enter it, the deal needs"),
        choices=list(REQUIRABLE_FIELDS.items()),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    checklist = forms.CharField(
        label=_("Checklist to tick before entering, one item per line"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    playbook = forms.CharField(
        label=_("Playbook: guidance and scripts for this stage"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def clean_checklist(self) -> list[str]:
        lines = [line.strip() for line in self.cleaned_data["checklist"].splitlines()]
        return [line[:255] for line in lines if line]


class LostReasonForm(StyledFormMixin, forms.ModelForm):
    class Meta:
        model = LostReason
        fields = ["name", "order", "is_active"]


class BaseStageFormSet(BaseFormSet):
    def add_fields(self, form, index):
        # The order and delete fields come after the form styled its own ones.
        super().add_fields(form, index)
        style_widgets(form)


StageFormSet = formset_factory(
    StageForm, formset=BaseStageFormSet, extra=2, can_delete=True, can_order=True
)


class LeadSourceForm(StyledFormMixin, forms.ModelForm):
    class Meta:
        model = LeadSource
        fields = ["name", "order", "is_active"]


class DirectionForm(StyledFormMixin, forms.ModelForm):
    class Meta:
        model = Direction
        fields = ["name", "order", "is_active"]
