from django import forms
from django.utils.translation import gettext_lazy as _

from voronka.accounts.models import User
from voronka.ui.forms import style_widgets

from . import events, workflow
from .models import Rule, Webhook


def event_choices() -> list[tuple[str, str]]:
    verbs = ["created", "updated", "deleted", "won", "lost", "reopened", "amount_changed"]
    choices = [("*", _("every event"))]
    for entity in workflow.ENTITIES:
        for verb in verbs:
            if verb in ("won", "lost", "reopened", "amount_changed") and entity != "deal":
                continue
            name = events.event_type(entity=entity, verb=verb)
            choices.append((name, name))
    return choices


class WebhookForm(forms.ModelForm):
    events = forms.MultipleChoiceField(
        label=_("Events"), choices=event_choices, widget=forms.CheckboxSelectMultiple
    )

    url = forms.URLField(label=_("URL"), max_length=500, assume_scheme="https")

    class Meta:
        model = Webhook
        fields = ["name", "url", "events", "is_active"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        style_widgets(self)


CONDITION_ROWS = 3
ACTION_ROWS = 3


def _users():
    return User.objects.filter(is_active=True).order_by("first_name", "last_name", "pk")


class RuleForm(forms.ModelForm):
    """A rule in one form: the trigger with its field and value, up to three conditions and
    up to three actions, each a row of plain fields (stored as JSON data)."""

    trigger = forms.ChoiceField(label=_("When"))
    trigger_field = forms.CharField(label=_("Field"), required=False, max_length=60)
    trigger_value = forms.CharField(label=_("Value"), required=False, max_length=200)
    trigger_days = forms.IntegerField(
        label=_("Days before the date"), required=False, min_value=-365, max_value=365
    )

    class Meta:
        model = Rule
        fields = ["name", "entity", "is_active"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["entity"] = forms.ChoiceField(
            label=_("Record type"), choices=workflow.entity_choices()
        )
        self.fields["trigger"].choices = [(t.key, t.label) for t in workflow.TRIGGERS.values()]
        operators = [("", "—"), *workflow.OPERATORS.items()]
        actions = [("", "—"), *((a.key, a.label) for a in workflow.ACTIONS.values())]
        users = [("owner", _("the record's owner"))] + [
            (str(u.pk), u.display_name) for u in _users()
        ]
        for i in range(CONDITION_ROWS):
            self.fields[f"c{i}_field"] = forms.CharField(
                label=_("Condition: field"), required=False, max_length=60
            )
            self.fields[f"c{i}_op"] = forms.ChoiceField(
                label=_("operator"), choices=operators, required=False
            )
            self.fields[f"c{i}_value"] = forms.CharField(
                label=_("value"), required=False, max_length=200
            )
        for i in range(ACTION_ROWS):
            self.fields[f"a{i}_type"] = forms.ChoiceField(
                label=_("Action"), choices=actions, required=False
            )
            self.fields[f"a{i}_user"] = forms.ChoiceField(
                label=_("whom"), choices=users, required=False
            )
            self.fields[f"a{i}_text"] = forms.CharField(
                label=_("text or task"), required=False, max_length=200
            )
            self.fields[f"a{i}_field"] = forms.CharField(
                label=_("field"), required=False, max_length=60
            )
            self.fields[f"a{i}_value"] = forms.CharField(
                label=_("value or id (template, webhook)"), required=False, max_length=200
            )
            self.fields[f"a{i}_days"] = forms.IntegerField(
                label=_("in days"), required=False, min_value=0, max_value=365
            )
        rule = self.instance
        if rule.pk and not self.is_bound:
            options = rule.trigger_options or {}
            self.initial.update(
                trigger=rule.trigger,
                trigger_field=options.get("field", ""),
                trigger_value=options.get("value", ""),
                trigger_days=options.get("days"),
            )
            for i, row in enumerate((rule.conditions or [])[:CONDITION_ROWS]):
                self.initial.update(
                    {
                        f"c{i}_field": row.get("field"),
                        f"c{i}_op": row.get("op"),
                        f"c{i}_value": row.get("value"),
                    }
                )
            for i, row in enumerate((rule.actions or [])[:ACTION_ROWS]):
                self.initial.update(
                    {
                        f"a{i}_type": row.get("type"),
                        f"a{i}_user": str(row.get("owner") or row.get("user") or "owner"),
                        f"a{i}_text": row.get("title") or row.get("text") or "",
                        f"a{i}_field": row.get("field", ""),
                        f"a{i}_value": row.get("value")
                        or row.get("template")
                        or row.get("webhook")
                        or "",
                        f"a{i}_days": row.get("days"),
                    }
                )
        style_widgets(self)

    def clean(self):
        data = super().clean()
        entity = data.get("entity")
        fields = set(workflow.condition_fields(entity or ""))
        conditions = []
        for i in range(CONDITION_ROWS):
            name, op = data.get(f"c{i}_field"), data.get(f"c{i}_op")
            if not name and not op:
                continue
            if name not in fields:
                self.add_error(f"c{i}_field", _("No such field of this record type."))
            elif not op:
                self.add_error(f"c{i}_op", _("Choose an operator."))
            conditions.append({"field": name, "op": op, "value": data.get(f"c{i}_value") or ""})
        actions = []
        for i in range(ACTION_ROWS):
            kind = data.get(f"a{i}_type")
            if not kind:
                continue
            user = data.get(f"a{i}_user") or "owner"
            user = user if user == "owner" else int(user)
            value = data.get(f"a{i}_value") or ""
            action = {"type": kind}
            if kind == "create_task":
                action |= {
                    "owner": user,
                    "title": data.get(f"a{i}_text") or "",
                    "days": data.get(f"a{i}_days") or 0,
                }
            elif kind == "set_field":
                if data.get(f"a{i}_field") not in fields:
                    self.add_error(f"a{i}_field", _("No such field of this record type."))
                action |= {"field": data.get(f"a{i}_field"), "value": value}
            elif kind == "change_owner":
                action |= {"owner": user}
            elif kind == "notify":
                action |= {"user": user, "text": data.get(f"a{i}_text") or ""}
            elif kind == "send_email":
                action |= {"template": value, "mailbox": data.get(f"a{i}_field") or ""}
            elif kind == "call_webhook":
                action |= {"webhook": value}
            actions.append(action)
        if not actions:
            self.add_error(None, _("Give the rule at least one action."))
        trigger = data.get("trigger")
        options = {}
        if trigger in ("field_changed", "stage_reached", "date_reached"):
            field = "stage" if trigger == "stage_reached" else data.get("trigger_field")
            if trigger != "stage_reached" and field not in fields:
                self.add_error("trigger_field", _("No such field of this record type."))
            options = {"field": field, "value": data.get("trigger_value") or ""}
            if trigger == "date_reached":
                options = {"field": field, "days": data.get("trigger_days") or 0}
        self.instance.trigger = trigger
        self.instance.trigger_options = options
        self.instance.conditions = conditions
        self.instance.actions = actions
        return data
