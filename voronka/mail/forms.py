"""Forms of the mail pages: a mailbox's settings, composing a letter, a template, a signature."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from voronka.accounts.models import Team
from voronka.sales.models import LeadSource
from voronka.ui.forms import StyledFormMixin, VersionField

from . import templating
from .models import Mailbox, Template
from .sending import parse_addresses


class MailboxForm(StyledFormMixin, forms.ModelForm):
    """The settings of a mailbox. Passwords are write-only: left empty, the saved one stays."""

    imap_password = forms.CharField(
        label=_("IMAP password"),
        required=False,
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "new-password"}),
    )
    smtp_password = forms.CharField(
        label=_("SMTP password"),
        required=False,
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "new-password"}),
        help_text=_("Left empty, the saved password stays."),
    )
    folders_text = forms.CharField(
        label=_("folders to sync"),
        required=False,
        initial="INBOX",
        help_text=_("Folder names, comma-separated; the sent folder is synced as well."),
    )
    version = VersionField()

    class Meta:
        model = Mailbox
        fields = [
            "name",
            "email",
            "is_shared",
            "team",
            "imap_host",
            "imap_port",
            "imap_security",
            "imap_login",
            "smtp_host",
            "smtp_port",
            "smtp_security",
            "smtp_login",
            "sent_folder",
            "first_sync_days",
            "is_active",
            "notify_deal_owner",
            "leads_from_strangers",
            "lead_source",
            "cases_from_letters",
        ]

    def __init__(self, *args, may_share: bool, **kwargs):
        super().__init__(*args, **kwargs)
        if not may_share:
            del self.fields["is_shared"]
            del self.fields["team"]
        else:
            self.fields["team"].queryset = Team.objects.order_by("name")
        self.fields["lead_source"].queryset = LeadSource.objects.filter(is_active=True)
        if self.instance.pk is not None:
            self.fields["version"].initial = self.instance.version
            self.fields["folders_text"].initial = ", ".join(self.instance.folders or [])
            self.fields["imap_password"].help_text = _("Left empty, the saved password stays.")
        else:
            self.fields["imap_password"].required = True

    def clean_folders_text(self) -> list[str]:
        names = [n.strip() for n in self.cleaned_data["folders_text"].split(",") if n.strip()]
        return names or ["INBOX"]

    def mailbox_data(self) -> dict:
        data = {name: self.cleaned_data[name] for name in self._meta.fields if name in self.fields}
        data["folders"] = self.cleaned_data["folders_text"]
        return data


class ComposeForm(StyledFormMixin, forms.Form):
    mailbox = forms.ModelChoiceField(
        label=_("from"), queryset=Mailbox.objects.none(), empty_label=None
    )
    to = forms.CharField(label=_("to"), max_length=2000)
    cc = forms.CharField(label=_("copy"), max_length=2000, required=False)
    template = forms.ModelChoiceField(
        label=_("template"), queryset=Template.objects.none(), required=False
    )
    subject = forms.CharField(label=_("subject"), max_length=500, required=False)
    body = forms.CharField(label=_("text"), widget=forms.Textarea(attrs={"rows": 12}))
    attachments = forms.FileField(
        label=_("attachments"),
        required=False,
        widget=forms.ClearableFileInput(attrs={"allow_multiple_selected": True}),
    )
    # What the letter is about and what it answers: ids, resolved through the access layer.
    contact = forms.IntegerField(required=False, widget=forms.HiddenInput, min_value=1)
    company = forms.IntegerField(required=False, widget=forms.HiddenInput, min_value=1)
    deal = forms.IntegerField(required=False, widget=forms.HiddenInput, min_value=1)
    reply = forms.IntegerField(required=False, widget=forms.HiddenInput, min_value=1)
    forward = forms.IntegerField(required=False, widget=forms.HiddenInput, min_value=1)

    def __init__(self, *args, mailboxes, templates, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["mailbox"].queryset = Mailbox.objects.filter(pk__in=[m.pk for m in mailboxes])
        self.fields["template"].queryset = templates
        self.fields["template"].widget.attrs["data-testid"] = "template"

    def clean_to(self) -> list[str]:
        found = parse_addresses(self.cleaned_data["to"], field="to")
        if not found:
            raise ValidationError(_("Give at least one recipient."))
        return found

    def clean_cc(self) -> list[str]:
        return parse_addresses(self.cleaned_data.get("cc", ""), field="cc")

    def clean_subject(self) -> str:
        return " ".join(self.cleaned_data["subject"].split())


class TemplateForm(StyledFormMixin, forms.ModelForm):
    class Meta:
        model = Template
        fields = ["name", "subject", "body", "is_shared"]
        widgets = {"body": forms.Textarea(attrs={"rows": 10, "data-testid": "template-body"})}

    def __init__(self, *args, may_share: bool, **kwargs):
        super().__init__(*args, **kwargs)
        if not may_share:
            del self.fields["is_shared"]

    def clean_subject(self) -> str:
        templating.check(self.cleaned_data["subject"])
        return self.cleaned_data["subject"]

    def clean_body(self) -> str:
        templating.check(self.cleaned_data["body"])
        return self.cleaned_data["body"]


class SignatureForm(StyledFormMixin, forms.Form):
    text = forms.CharField(
        label=_("signature"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("Added below the text of every letter you write."),
    )
