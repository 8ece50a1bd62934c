"""Forms of the settings pages for the editable lists of activity types and outcomes."""

from django import forms

from voronka.ui.forms import StyledFormMixin

from .models import ActivityType, Outcome


class ColorInput(forms.TextInput):
    input_type = "color"


class ActivityTypeForm(StyledFormMixin, forms.ModelForm):
    class Meta:
        model = ActivityType
        fields = ["name", "kind", "direction", "color", "order", "is_active"]
        widgets = {"color": ColorInput()}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # A colour picker is not a text box: Bootstrap's own class fits it.
        self.fields["color"].widget.attrs["class"] = "form-control form-control-color"


class OutcomeForm(StyledFormMixin, forms.ModelForm):
    class Meta:
        model = Outcome
        fields = ["name", "kind", "order", "is_active"]
