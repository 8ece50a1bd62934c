from django import forms
from django.contrib.auth import forms as auth_forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from voronka.accounts import throttle
from voronka.accounts.models import ApiToken, User
from voronka.ui.forms import StyledFormMixin


class LoginForm(StyledFormMixin, auth_forms.AuthenticationForm):
    """The login form, throttled: too many wrong passwords for the account or from the address
    and the password is not even checked until the wait is over (accounts/throttle.py)."""

    retry_after = 0

    def clean(self):
        username = self.cleaned_data.get("username") or ""
        address = throttle.client_address(self.request)
        self.retry_after = throttle.wait_seconds(username=username, address=address)
        if self.retry_after:
            throttle.record_refusal(username=username, address=address, wait=self.retry_after)
            raise ValidationError(throttle.locked_message(self.retry_after), code="locked")
        try:
            cleaned = super().clean()
        except ValidationError:
            if username and self.cleaned_data.get("password"):
                throttle.record_failure(username=username, address=address)
            raise
        throttle.record_success(username=username)
        return cleaned


class PasswordChangeForm(StyledFormMixin, auth_forms.PasswordChangeForm):
    pass


class PasswordResetForm(StyledFormMixin, auth_forms.PasswordResetForm):
    pass


class SetPasswordForm(StyledFormMixin, auth_forms.SetPasswordForm):
    pass


class ProfileForm(StyledFormMixin, forms.ModelForm):
    class Meta:
        model = User
        fields = [
            "first_name",
            "last_name",
            "middle_name",
            "email",
            "position",
            "phone",
            "language",
            "timezone",
        ]


class ApiTokenForm(StyledFormMixin, forms.ModelForm):
    class Meta:
        model = ApiToken
        fields = ["name"]
        labels = {"name": _("What the token is for")}
