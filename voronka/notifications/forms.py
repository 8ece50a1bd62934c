from django import forms

from .models import NotificationPreference


class PreferenceForm(forms.ModelForm):
    class Meta:
        model = NotificationPreference
        fields = ["email_reminders", "email_assignments"]
        widgets = {
            "email_reminders": forms.CheckboxInput(attrs={"class": "form-check-input"}),
            "email_assignments": forms.CheckboxInput(attrs={"class": "form-check-input"}),
        }
