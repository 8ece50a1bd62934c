from django import forms
from django.utils.translation import gettext_lazy as _

from voronka.activities.models import ActivityType
from voronka.ui.forms import StyledFormMixin

from .models import DateRule, field_choices


class DateRuleForm(StyledFormMixin, forms.ModelForm):
    # One select for the record and its field: "Контакт → День рождения".
    field = forms.ChoiceField(label=_("Date field"))

    class Meta:
        model = DateRule
        fields = ["name", "field", "yearly", "days_ahead", "activity_type", "subject", "is_active"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["field"].choices = [("", "---------"), *field_choices()]
        if self.instance.pk:
            self.initial["field"] = f"{self.instance.entity}.{self.instance.field}"
        types = ActivityType.objects.filter(is_active=True)
        if self.instance.activity_type_id:
            types = ActivityType.objects.filter(pk=self.instance.activity_type_id) | types
        self.fields["activity_type"].queryset = types.order_by("order", "id")
        self.fields["days_ahead"].widget.attrs.update(min=0, max=365)

    def clean_field(self) -> str:
        entity, _dot, name = self.cleaned_data["field"].partition(".")
        self.instance.entity = entity
        return name
