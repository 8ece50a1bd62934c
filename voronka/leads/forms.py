from django import forms
from django.core.exceptions import ValidationError
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from voronka.accounts.models import Entity, User
from voronka.sales.models import LeadSource
from voronka.ui.forms import DateTimeInput, RecordForm, StyledFormMixin

from .models import (
    FORM_FIELDS,
    DisqualificationReason,
    Lead,
    LeadSettings,
    LeadStatus,
    WebForm,
)


class LeadForm(RecordForm):
    entity = Entity.LEAD

    class Meta:
        model = Lead
        fields = [
            "person_name",
            "company_name",
            "phone",
            "email",
            "source",
            "campaign",
            "question",
            "status",
            "disqualify_reason",
            "requested_at",
            "owner",
        ]
        widgets = {
            "question": forms.Textarea(attrs={"rows": 4}),
            "requested_at": DateTimeInput(),
        }

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, user=user, **kwargs)
        self.fields["requested_at"].input_formats = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"]
        self.fields["requested_at"].required = False
        self.fields["source"].queryset = _active_or_current(LeadSource, self.instance.source_id)
        self.fields["disqualify_reason"].queryset = _active_or_current(
            DisqualificationReason, self.instance.disqualify_reason_id
        )
        # A converted lead is converted by its conversion, never by hand.
        if self.instance.status != LeadStatus.CONVERTED:
            self.fields["status"].choices = [
                c for c in LeadStatus.choices if c[0] != LeadStatus.CONVERTED
            ]
        else:
            self.fields["status"].disabled = True

    def record_data(self) -> dict:
        data = super().record_data()
        if data.get("requested_at") is None:
            data.pop("requested_at", None)
        return data


def _active_or_current(model, current_id):
    entries = model.objects.filter(is_active=True)
    if current_id:
        entries = entries | model.objects.filter(pk=current_id)
    return entries.order_by("order", "name")


class DisqualifyForm(StyledFormMixin, forms.Form):
    reason = forms.ModelChoiceField(
        queryset=DisqualificationReason.objects.filter(is_active=True),
        label=_("Disqualification reason"),
    )


class DisqualificationReasonForm(StyledFormMixin, forms.ModelForm):
    class Meta:
        model = DisqualificationReason
        fields = ["name", "order", "is_active"]


class LeadSettingsForm(StyledFormMixin, forms.ModelForm):
    class Meta:
        model = LeadSettings
        fields = ["distribution", "owner", "team", "overdue_hours"]
        widgets = {"distribution": forms.RadioSelect}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = User.objects.filter(is_active=True).order_by(
            "first_name", "last_name"
        )
        self.fields["overdue_hours"].min_value = 1
        self.fields["overdue_hours"].max_value = 720

    def clean(self):
        cleaned = super().clean()
        mode = cleaned.get("distribution")
        if mode in ("queue", "round_robin") and not cleaned.get("team"):
            self.add_error("team", _("Choose the team."))
        if mode == "owner" and not cleaned.get("owner"):
            self.add_error("owner", _("Choose who gets the new leads."))
        return cleaned


class WebFormForm(StyledFormMixin, forms.ModelForm):
    """A web form's settings; its fields as a checkbox, a label and a "required" per field."""

    redirect_url = forms.URLField(
        label=capfirst(WebForm._meta.get_field("redirect_url").verbose_name),
        help_text=WebForm._meta.get_field("redirect_url").help_text,
        max_length=500,
        required=False,
        assume_scheme="https",
    )

    class Meta:
        model = WebForm
        fields = [
            "name",
            "is_active",
            "title",
            "submit_label",
            "thank_you",
            "redirect_url",
            "allowed_hosts",
            "source",
            "campaign",
            "owner",
            "opens_case",
            "min_fill_seconds",
        ]
        widgets = {
            "thank_you": forms.Textarea(attrs={"rows": 3}),
            "allowed_hosts": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["source"].queryset = _active_or_current(LeadSource, self.instance.source_id)
        self.fields["owner"].queryset = User.objects.filter(is_active=True).order_by(
            "first_name", "last_name"
        )
        self.fields["min_fill_seconds"].max_value = 600
        chosen = {f["name"]: f for f in (self.instance.fields or [])}
        if self.instance.pk is None and not chosen:
            chosen = {
                "person_name": {"required": True},
                "phone": {"required": True},
                "email": {},
                "question": {},
            }
        self.field_rows = []
        for name, default_label in FORM_FIELDS.items():
            spec = chosen.get(name, {})
            self.fields[f"use_{name}"] = forms.BooleanField(
                required=False, initial=name in chosen, label=default_label
            )
            self.fields[f"label_{name}"] = forms.CharField(
                required=False,
                max_length=100,
                initial=spec.get("label", ""),
                label=_("Label"),
                widget=forms.TextInput(attrs={"placeholder": str(default_label)}),
            )
            self.fields[f"required_{name}"] = forms.BooleanField(
                required=False, initial=bool(spec.get("required")), label=_("Required")
            )
            self.field_rows.append(
                (self[f"use_{name}"], self[f"label_{name}"], self[f"required_{name}"])
            )
        for name in self.fields:
            if name.startswith(("use_", "label_", "required_")):
                widget = self.fields[name].widget
                if isinstance(widget, forms.CheckboxInput):
                    widget.attrs["class"] = "form-check-input"
                else:
                    widget.attrs["class"] = "form-control form-control-sm"

    def clean(self):
        cleaned = super().clean()
        fields = []
        for name in FORM_FIELDS:
            if cleaned.get(f"use_{name}"):
                fields.append(
                    {
                        "name": name,
                        "label": (cleaned.get(f"label_{name}") or "").strip(),
                        "required": bool(cleaned.get(f"required_{name}")),
                    }
                )
        if not any(f["name"] in ("phone", "email") for f in fields):
            raise ValidationError(_("A form must ask a phone or an e-mail, or nobody can answer."))
        self.instance.fields = fields
        return cleaned
