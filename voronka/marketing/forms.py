from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from voronka.accounts import access
from voronka.accounts.models import Team, User
from voronka.mail.models import Mailbox, Template
from voronka.ui.forms import DateInput, DateTimeInput, StyledFormMixin, style_widgets

from .models import (
    Campaign,
    CampaignCost,
    Group,
    Mailing,
    Question,
    QuestionKind,
    Questionnaire,
    Segment,
)
from .segments import groups_visible_to


class CampaignForm(StyledFormMixin, forms.ModelForm):
    class Meta:
        model = Campaign
        fields = [
            "name",
            "channel",
            "starts_on",
            "ends_on",
            "budget",
            "currency",
            "segment",
            "owner",
            "status",
        ]
        widgets = {"starts_on": DateInput(), "ends_on": DateInput()}

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = User.objects.filter(is_active=True).order_by(
            "first_name", "last_name"
        )
        if user is not None and not self.instance.pk:
            self.fields["owner"].initial = user.pk

    def clean(self):
        data = super().clean()
        if data.get("starts_on") and data.get("ends_on") and data["ends_on"] < data["starts_on"]:
            self.add_error("ends_on", _("The end cannot be before the start."))
        return data


class CostForm(StyledFormMixin, forms.ModelForm):
    class Meta:
        model = CampaignCost
        fields = ["date", "amount", "currency", "note"]
        widgets = {"date": DateInput()}


class SegmentForm(StyledFormMixin, forms.ModelForm):
    class Meta:
        model = Segment
        fields = ["name", "audience", "is_shared"]


class GroupForm(StyledFormMixin, forms.ModelForm):
    class Meta:
        model = Group
        fields = ["name", "audience", "sharing", "team", "curator"]

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["team"].queryset = Team.objects.order_by("name")
        self.fields["curator"].queryset = User.objects.filter(is_active=True).order_by(
            "first_name", "last_name"
        )
        if user is not None and not self.instance.pk:
            self.fields["curator"].initial = user.pk
            self.fields["team"].initial = user.team_id

    def clean(self):
        data = super().clean()
        if data.get("sharing") == "team" and not data.get("team"):
            self.add_error("team", _("Choose the team the group is shared with."))
        return data


class MailingForm(StyledFormMixin, forms.ModelForm):
    class Meta:
        model = Mailing
        fields = [
            "name",
            "campaign",
            "segment",
            "group",
            "template",
            "mailbox",
            "from_email",
            "smtp_host",
            "smtp_port",
            "smtp_login",
            "smtp_password",
            "smtp_tls",
            "scheduled_at",
            "per_minute",
            "track_opens",
        ]
        widgets = {
            "scheduled_at": DateTimeInput(),
            "smtp_password": forms.PasswordInput(render_value=True),
        }

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["template"].queryset = Template.objects.filter(
            Q(is_shared=True) | Q(owner=user)
        )
        self.fields["mailbox"].queryset = access.readable_mailboxes(
            user, Mailbox.objects.filter(is_shared=True, is_active=True)
        )
        self.fields["group"].queryset = groups_visible_to(user=user)
        self.fields["segment"].queryset = Segment.objects.filter(Q(is_shared=True) | Q(owner=user))

    def clean(self):
        data = super().clean()
        if bool(data.get("segment")) == bool(data.get("group")):
            raise ValidationError(_("Choose a segment or a group (one of them)."))
        if not data.get("mailbox") and not (data.get("from_email") and data.get("smtp_host")):
            raise ValidationError(
                _("Choose a shared mailbox, or give the from address and an SMTP server.")
            )
        return data


QUESTIONS_HELP = _(
    "One question a line: kind: question | option; option. Kinds: choice, multiple, scale, "
    "nps, text. Example: choice: How did you hear of us? | Advert; Friends; Site"
)
KINDS = {
    "choice": QuestionKind.CHOICE,
    "multiple": QuestionKind.MULTIPLE,
    "scale": QuestionKind.SCALE,
    "nps": QuestionKind.SCALE,
    "text": QuestionKind.TEXT,
}


def parse_questions(text: str) -> list[Question]:
    questions = []
    for number, line in enumerate((text or "").splitlines(), start=1):
        line = line.strip()
        if not line:
            continue
        kind, sep, rest = line.partition(":")
        kind = kind.strip().lower()
        if not sep or kind not in KINDS:
            raise ValidationError(
                _("Line %(n)s: start with a kind: choice, multiple, scale, nps or text."),
                params={"n": number},
            )
        wording, _sep, options = rest.partition("|")
        options = [o.strip()[:200] for o in options.split(";") if o.strip()]
        if KINDS[kind] in (QuestionKind.CHOICE, QuestionKind.MULTIPLE) and len(options) < 2:
            raise ValidationError(
                _("Line %(n)s: give at least two options after «|», split by «;»."),
                params={"n": number},
            )
        if not wording.strip():
            raise ValidationError(_("Line %(n)s: the question is empty."), params={"n": number})
        questions.append(
            Question(
                order=len(questions),
                text=wording.strip()[:500],
                kind=KINDS[kind],
                options=options if KINDS[kind] != QuestionKind.SCALE else [],
                is_nps=kind == "nps",
            )
        )
    if not questions:
        raise ValidationError(_("Add at least one question."))
    if len(questions) > 50:
        raise ValidationError(_("At most 50 questions."))
    return questions


def questions_text(questionnaire: Questionnaire) -> str:
    lines = []
    for q in questionnaire.questions.all():
        kind = "nps" if q.is_nps else q.kind
        line = f"{kind}: {q.text}"
        if q.options:
            line += " | " + "; ".join(q.options)
        lines.append(line)
    return "\n".join(lines)


class QuestionnaireForm(StyledFormMixin, forms.ModelForm):
    questions = forms.CharField(
        label=_("Questions"),
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=QUESTIONS_HELP,
        max_length=20000,
    )

    class Meta:
        model = Questionnaire
        fields = ["name", "description", "is_active"]

    def clean_questions(self):
        self.parsed = parse_questions(self.cleaned_data["questions"])
        return self.cleaned_data["questions"]


class AnswerForm(StyledFormMixin, forms.Form):
    """The questions of a questionnaire as fields `q<id>`."""

    def __init__(self, *args, questionnaire: Questionnaire, **kwargs):
        super().__init__(*args, **kwargs)
        self.questionnaire = questionnaire
        for q in questionnaire.questions.all():
            name = f"q{q.pk}"
            if q.kind == QuestionKind.CHOICE:
                field = forms.ChoiceField(
                    choices=[(o, o) for o in q.options], widget=forms.RadioSelect
                )
            elif q.kind == QuestionKind.MULTIPLE:
                field = forms.MultipleChoiceField(
                    choices=[(o, o) for o in q.options], widget=forms.CheckboxSelectMultiple
                )
            elif q.kind == QuestionKind.SCALE:
                field = forms.TypedChoiceField(
                    choices=[(n, n) for n in q.scale], coerce=int, widget=forms.RadioSelect
                )
            else:
                field = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), max_length=5000)
            field.label = q.text
            field.required = q.required
            self.fields[name] = field
        style_widgets(self)  # the fields were added after the mixin styled the form
