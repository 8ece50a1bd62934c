from django import forms
from django.utils.translation import gettext_lazy as _

from voronka.accounts import access
from voronka.accounts.models import Entity, User
from voronka.contacts.models import Company, Contact
from voronka.contacts.selectors import contact_links
from voronka.leads.models import Lead
from voronka.sales.models import Deal
from voronka.sales.selectors import deal_links
from voronka.ui.forms import (
    AutocompleteSelect,
    DateTimeInput,
    IdField,
    RecordForm,
    bound_fields,
    style_widgets,
)

from .models import REMIND_CHOICES, Activity, ActivityKind, ActivityType, Outcome, OutcomeKind


def _case_model():
    """The service's Case, through the link (the service app sits above this one)."""
    return Activity._meta.get_field("case").related_model


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
            "lead",
            "case",
            "owner",
            "participants",
            "description",
        ]
        widgets = {
            "kind": forms.HiddenInput(),
            "purpose": forms.Textarea(attrs={"rows": 2}),
            "due_at": DateTimeInput(),
            "end_at": DateTimeInput(),
            # The links agree as the services keep them (services._align_links): a deal sets
            # its company and fills an empty contact; a person fills an empty company and
            # gives way to a company they do not work at (static/js/voronka.js).
            "company": AutocompleteSelect("contacts:company-autocomplete"),
            "contact": AutocompleteSelect(
                "contacts:contact-autocomplete",
                attrs={"data-fills": "company", "data-belongs-to": "company"},
            ),
            "deal": AutocompleteSelect(
                "sales:deal-autocomplete", attrs={"data-sets": "company", "data-fills": "contact"}
            ),
            "lead": AutocompleteSelect("leads:lead-autocomplete"),
            "case": AutocompleteSelect("service:case-autocomplete"),
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
        if self.instance.pk is None:
            # A task can be passed to anyone (a request for another department); the service
            # refuses other kinds of activity for people outside the author's change scope.
            self.fields["owner"].queryset = User.objects.filter(is_active=True).order_by(
                "first_name", "last_name"
            )
            self.fields["owner"].help_text = _(
                "A task can be given to anyone, e.g. a client's request for another department."
            )
        style_widgets(self)
        self.fields["company"].queryset = access.visible(user, Company.objects.all())
        self.fields["contact"].queryset = access.visible(
            user, Contact.objects.select_related("company")
        )
        self.fields["contact"].widget.links = lambda contact: contact_links(contact, user=user)
        self.fields["deal"].queryset = access.visible(
            user, Deal.objects.select_related("company", "contact")
        )
        self.fields["deal"].widget.links = lambda deal: deal_links(deal, user=user)
        self.fields["lead"].queryset = access.visible(user, Lead.objects.all())
        self.fields["case"].queryset = access.visible(user, _case_model().objects.all())

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


class CompleteForm(forms.Form):
    """Completing an activity: the outcome, the reason or text, the new date of a postponement."""

    outcome = forms.ModelChoiceField(
        queryset=Outcome.objects.filter(is_active=True).order_by("order", "id"),
        label=_("Outcome"),
        empty_label=None,
        widget=forms.RadioSelect,
    )
    note = forms.CharField(
        label=_("Reason or comment"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("A postponement and a refusal need the reason."),
    )
    new_due = forms.DateTimeField(
        label=_("New date (for a postponement)"),
        required=False,
        widget=DateTimeInput(),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
    )
    plan_next = forms.BooleanField(label=_("Plan the next step now"), required=False)
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        style_widgets(self)
        bound_fields(self)


class QuickForm(forms.Form):
    """The quick form on top of a record's timeline: log a call, plan a call or a meeting,
    or leave a note, about the record."""

    WHAT = [
        ("log_call", _("Log a call")),
        ("plan_call", _("Plan a call")),
        ("plan_meeting", _("Plan a meeting")),
        ("note", _("Note")),
    ]
    what = forms.ChoiceField(choices=WHAT, initial="log_call", widget=forms.RadioSelect)
    subject = forms.CharField(label=_("Subject"), max_length=255)
    when = forms.DateTimeField(
        label=_("When"),
        required=False,
        widget=DateTimeInput(),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
        help_text=_("Now, if left empty for a logged call or a note."),
    )
    # A postponement is made on the planned call itself (its new date plans the follow-up).
    outcome = forms.ModelChoiceField(
        queryset=Outcome.objects.filter(is_active=True)
        .exclude(kind=OutcomeKind.POSTPONED)
        .order_by("order", "id"),
        label=_("Outcome"),
        required=False,
        empty_label=_("— outcome of the call —"),
    )
    text = forms.CharField(
        label=_("Comment"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    company = IdField(widget=forms.HiddenInput, required=False)
    contact = IdField(widget=forms.HiddenInput, required=False)
    deal = IdField(widget=forms.HiddenInput, required=False)
    lead = IdField(widget=forms.HiddenInput, required=False)
    case = IdField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        style_widgets(self, small=True)
        bound_fields(self)

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("what") in ("plan_call", "plan_meeting") and not cleaned.get("when"):
            self.add_error("when", _("Plan a date and time for a call, meeting or task."))
        return cleaned
