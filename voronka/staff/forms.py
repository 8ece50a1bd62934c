from django import forms
from django.utils.translation import gettext_lazy as _

from voronka.accounts.models import (
    RULED_FIELDS,
    Action,
    Entity,
    FieldMode,
    Role,
    RolePermission,
    Scope,
    Team,
    User,
    timezone_choices,
)
from voronka.ui.forms import StyledFormMixin, style_widgets


class UserForm(StyledFormMixin, forms.ModelForm):
    class Meta:
        model = User
        fields = [
            "username",
            "last_name",
            "first_name",
            "middle_name",
            "email",
            "position",
            "phone",
            "team",
            "role",
            "manager",
            "language",
            "timezone",
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["timezone"].choices = timezone_choices
        self.fields["manager"].queryset = User.objects.filter(is_active=True).exclude(
            pk=self.instance.pk
        )
        self.fields["role"].required = True


class InviteForm(UserForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["email"].required = True

    def clean_email(self):
        email = self.cleaned_data["email"].strip()
        if User.objects.filter(email__iexact=email).exists():
            raise forms.ValidationError(_("A user with this e-mail exists already."))
        return email


class TeamForm(StyledFormMixin, forms.ModelForm):
    class Meta:
        model = Team
        fields = ["name", "parent", "head"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["head"].queryset = User.objects.filter(is_active=True)
        if self.instance.pk:
            self.fields["parent"].queryset = Team.objects.exclude(pk=self.instance.pk)


class RoleForm(StyledFormMixin, forms.ModelForm):
    """The role's name and abilities; the matrix and the field rules are fields named
    `rule-<entity>-<action>` and `field-<entity>-<field>` (see matrix_rows)."""

    class Meta:
        model = Role
        fields = [
            "name",
            "code",
            "is_admin",
            "can_hand_over",
            "can_configure",
            "can_see_company_reports",
            "can_send_mailings",
            "require_two_factor",
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        current = {}
        if self.instance.pk:
            current = {
                (r.entity, r.action): r.scope
                for r in RolePermission.objects.filter(role=self.instance)
            }
        for entity in Entity.values:
            for action in Action.values:
                self.fields[f"rule-{entity}-{action}"] = forms.ChoiceField(
                    choices=Scope.choices,
                    initial=current.get((entity, action), _default(current, entity, action)),
                    label=f"{Entity(entity).label}: {Action(action).label}",
                )
        fields_now = {}
        if self.instance.pk:
            fields_now = self.instance.field_rules()
        for entity, names in RULED_FIELDS.items():
            for name, label in names.items():
                self.fields[f"field-{entity}-{name}"] = forms.ChoiceField(
                    choices=[("", _("shown")), *FieldMode.choices],
                    required=False,
                    initial=fields_now.get((entity, name), ""),
                    label=label,
                )
        style_widgets(self, small=True)

    def matrix_rows(self):
        """[(entity label, [bound field per action])] for the template."""
        return [
            (Entity(entity).label, [self[f"rule-{entity}-{action}"] for action in Action.values])
            for entity in Entity.values
        ]

    def field_rows(self):
        return [
            self[f"field-{entity}-{name}"]
            for entity, names in RULED_FIELDS.items()
            for name in names
        ]

    def ability_fields(self):
        return [
            self[name]
            for name in (
                "is_admin",
                "can_hand_over",
                "can_configure",
                "can_see_company_reports",
                "can_send_mailings",
                "require_two_factor",
            )
        ]

    def rules(self) -> dict[tuple[str, str], str]:
        return {
            (entity, action): self.cleaned_data[f"rule-{entity}-{action}"]
            for entity in Entity.values
            for action in Action.values
        }

    def field_rules(self) -> dict[tuple[str, str], str]:
        return {
            (entity, name): self.cleaned_data[f"field-{entity}-{name}"]
            for entity, names in RULED_FIELDS.items()
            for name in names
            if self.cleaned_data.get(f"field-{entity}-{name}")
        }

    def role_data(self) -> dict:
        return {name: self.cleaned_data[name] for name in self.Meta.fields}


def _default(current: dict, entity: str, action: str) -> str:
    """What a role without a rule gets (access.scope): own records; export what it sees."""
    if action == Action.EXPORT:
        return current.get((entity, Action.VIEW), Scope.OWN)
    return Scope.OWN
