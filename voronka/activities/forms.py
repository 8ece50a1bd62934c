from django import forms
from django.utils.translation import gettext_lazy as _

from voronka.accounts import access
from voronka.accounts.models import Entity, User
from voronka.contacts.models import Company, Contact
from voronka.core.forms import AutocompleteSelect, DateTimeInput, RecordForm, style_widgets
from voronka.sales.models import Deal

from .models import REMIND_CHOICES, Activity, ActivityKind, ActivityType


class ActivityForm(RecordForm):
    entity = Entity.ACTIVITY

    class Meta:
        model = Activity
        fields = [
            "type",
            "kind",
            "subject",
            "purpose",
            "due_at",
            "end_at",
            "remind_before",
            "done",
            "company",
            "contact",
            "deal",
            "owner",
            "participants",
            "description",
        ]
        widgets = {
            "kind": forms.HiddenInput(),
            "purpose": forms.Textarea(attrs={"rows": 2}),
            "due_at": DateTimeInput(),
            "end_at": DateTimeInput(),
            "company": AutocompleteSelect("contacts:company-autocomplete"),
            "contact": AutocompleteSelect("contacts:contact-autocomplete"),
            "deal": AutocompleteSelect("sales:deal-autocomplete"),
            "description": forms.Textarea(attrs={"rows": 4}),
        }

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, user=user, **kwargs)
        for name in ("due_at", "end_at"):
            self.fields[name].input_formats = [
                "%Y-%m-%dT%H:%M",
                "%Y-%m-%d %H:%M",
                "%Y-%m-%d %H:%M:%S",
            ]
        types = ActivityType.objects.filter(is_active=True)
        if self.instance.type_id:
            types = ActivityType.objects.filter(is_active=True) | ActivityType.objects.filter(
                pk=self.instance.type_id
            )
        self.fields["type"].queryset = types.order_by("order", "id")
        self.fields["type"].empty_label = None
        self.fields["kind"].required = False
        kind = self.initial.get("kind") or self.instance.kind
        if not self.instance.type_id and kind and not self.initial.get("type"):
            first = types.filter(kind=kind).order_by("order", "id").first()
            if first is not None:
                self.initial["type"] = first.pk
        self.fields["remind_before"] = forms.TypedChoiceField(
            label=self.fields["remind_before"].label,
            choices=[("", _("no reminder")), *REMIND_CHOICES],
            coerce=int,
            empty_value=None,
            required=False,
        )
        self.fields["participants"].queryset = User.objects.filter(is_active=True).order_by(
            "first_name", "last_name"
        )
        self.fields["participants"].help_text = _("For a meeting: who else takes part.")
        style_widgets(self)
        self.fields["company"].queryset = access.visible(user, Company.objects.all())
        self.fields["contact"].queryset = access.visible(user, Contact.objects.all())
        self.fields["deal"].queryset = access.visible(user, Deal.objects.all())

    def clean(self):
        cleaned = super().clean()
        chosen = cleaned.get("type")
        if chosen is not None:
            cleaned["kind"] = chosen.kind
            self.instance.kind = chosen.kind
        elif not cleaned.get("kind"):
            self.add_error("type", _("Choose the type."))
        return cleaned

    def record_data(self) -> dict:
        data = super().record_data()
        if data.get("kind") not in ActivityKind.values:
            data.pop("kind", None)
        return data
