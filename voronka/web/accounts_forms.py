from django import forms
from django.contrib.auth import forms as auth_forms
from django.utils.translation import gettext_lazy as _

from voronka.accounts import throttle
from voronka.accounts.models import ApiToken, User
from voronka.ui.forms import StyledFormMixin


class LoginForm(StyledFormMixin, throttle.ThrottledSignIn, auth_forms.AuthenticationForm):
    pass


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
