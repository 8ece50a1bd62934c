from decimal import Decimal

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

from . import rules, selectors
from .models import (
    REQUIRABLE_FIELDS,
    Deal,
    Direction,
    InvoiceState,
    LeadSource,
    LostReason,
    Pipeline,
    Stage,
    StageChecklistItem,
    StageKind,
)
from .services import default_stage


class StageSelect(forms.Select):
    """Stages grouped by pipeline, each option saying its pipeline (`data-pipeline`): the form
    offers only the stages of the pipeline chosen above it (static/js/voronka.js)."""

    def __init__(self, attrs=None):
        super().__init__(attrs)
        self.pipeline_of: dict[str, int] = {}

    def create_option(self, name, value, label, selected, index, subindex=None, attrs=None):
        option = super().create_option(name, value, label, selected, index, subindex, attrs)
        pipeline = self.pipeline_of.get(str(value))
        if pipeline is not None:
            option["attrs"]["data-pipeline"] = pipeline
        return option


class ChecklistField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: StageChecklistItem) -> str:
        return obj.text


class DealForm(RecordForm):
    entity = Entity.DEAL

    checklist = ChecklistField(
        queryset=StageChecklistItem.objects.none(),
        required=False,
        label=_("Checklist"),
        widget=forms.CheckboxSelectMultiple(attrs={"class": "form-check-input"}),
    )

    class Meta:
        model = Deal
        fields = [
            "name",
            "company",
            "contact",
            "pipeline",
            "stage",
            "amount",
            "currency",
            "probability",
            "expected_close_date",
            "type",
            "lead_source",
            "campaign",
            "direction",
            "quantity",
            "next_step",
            "owner",
            "description",
        ]
        widgets = {
            "company": AutocompleteSelect("contacts:company-autocomplete"),
            "contact": AutocompleteSelect("contacts:contact-autocomplete"),
            "stage": StageSelect(attrs={"data-pipeline-field": "pipeline"}),
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
        current = self.instance.stage if self.instance.pk else None
        pipelines = Pipeline.objects.filter(is_active=True)
        if current is not None:
            pipelines = pipelines | Pipeline.objects.filter(pk=current.pipeline_id)
        self.fields["pipeline"].queryset = pipelines.order_by("order", "id")
        self.fields["pipeline"].empty_label = None
        # Left out (a form posted by a script, as the API does), it is the stage's.
        self.fields["pipeline"].required = False
        self.fields["stage"].queryset = Stage.objects.select_related("pipeline")
        groups = selectors.stage_choices()
        if current is not None and not any(
            current.pk == pk for _n, opts in groups for pk, _l in opts
        ):
            groups.append((current.pipeline.name, [(current.pk, current.name)]))
        self.fields["stage"].choices = [("", "—"), *groups]
        self.fields["stage"].widget.pipeline_of = {
            str(pk): pipeline for pk, pipeline in Stage.objects.values_list("pk", "pipeline_id")
        }
        self.fields["stage"].widget.attrs["data-probabilities"] = ",".join(
            f"{pk}:{p}" for pk, p in Stage.objects.values_list("pk", "probability")
        )
        self.fields["probability"].required = False
        self.fields["lead_source"].queryset = LeadSource.objects.filter(is_active=True)
        self.fields["direction"].queryset = Direction.objects.filter(is_active=True)
        if self.instance.pk is not None and self.instance.lines.exists():
            # The amount and the units are the lines' totals: changed through the lines.
            for name in ("amount", "quantity"):
                if name not in self.fields:
                    continue  # hidden from the user's role
                self.fields[name].disabled = True
                self.fields[name].help_text = _("The total of the deal's lines.")
        if self.instance.pk is None:
            del self.fields["checklist"]  # a new deal has nothing ticked: see rules.start_problems
            stage = default_stage()
            if stage is not None:
                self.initial.setdefault("stage", stage.pk)
                self.initial.setdefault("pipeline", stage.pipeline_id)
        else:
            self.fields["checklist"].queryset = (
                StageChecklistItem.objects.filter(stage__pipeline__in=pipelines)
                .select_related("stage")
                .order_by("stage__pipeline__order", "stage__pipeline_id", "stage__order", "order")
            )
            self.initial["checklist"] = sorted(rules.ticked_item_ids(self.instance))

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("pipeline") is None and cleaned.get("stage") is not None:
            cleaned["pipeline"] = cleaned["stage"].pipeline
        return cleaned

    def checklist_groups(self) -> list[tuple[Stage, list]]:
        """The checkboxes by the stage that asks for them: the page shows the chosen stage's."""
        if "checklist" not in self.fields:
            return []
        groups: dict[Stage, list] = {}
        for box in self["checklist"]:
            groups.setdefault(box.data["value"].instance.stage, []).append(box)
        return list(groups.items())

    def record_data(self) -> dict:
        data = super().record_data()
        data["probability"] = self.cleaned_data.get("probability")
        if "checklist" in self.fields:
            data["checklist"] = list(self.cleaned_data.get("checklist") or [])
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
    required_invoice = forms.ChoiceField(
        label=_("Invoice needed to enter it"),
        choices=InvoiceState.choices,
        required=False,
    )
    requires_decision_maker = forms.BooleanField(
        label=_("Decision maker must be known"), required=False
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


class DealLineForm(forms.Form):
    """A line put on a deal: a product, a price-list line, or typed by hand."""

    product = forms.IntegerField(required=False, min_value=1, max_value=2**62)
    price_line = forms.IntegerField(required=False, min_value=1, max_value=2**62)
    name = forms.CharField(required=False, max_length=500)
    quantity = forms.DecimalField(
        required=False, min_value=Decimal("0.001"), max_digits=14, decimal_places=3
    )
    unit = forms.CharField(required=False, max_length=20)
    price = forms.DecimalField(required=False, min_value=0, max_digits=16, decimal_places=2)
    discount_percent = forms.DecimalField(
        required=False, min_value=0, max_value=100, max_digits=5, decimal_places=2
    )

    def clean(self):
        data = super().clean()
        typed = data.get("name") and data.get("price") is not None
        if not (data.get("product") or data.get("price_line") or typed):
            raise forms.ValidationError(
                _("Choose a product or a price-list line, or type a name and a price.")
            )
        return data
