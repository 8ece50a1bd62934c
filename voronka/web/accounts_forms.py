from django import forms
from django.contrib.auth import forms as auth_forms
from django.utils.translation import gettext_lazy as _

from voronka.accounts import throttle
from voronka.accounts.models import ApiToken, User, timezone_choices
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

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # The callable itself, so the zones are named in the language of each request (the
        # form class was built once, in the language of the server's start).
        self.fields["timezone"].choices = timezone_choices


class ApiTokenForm(StyledFormMixin, forms.ModelForm):
    class Meta:
        model = ApiToken
        fields = ["name"]
        labels = {"name": _("What the token is for")}


class LoginCodeForm(StyledFormMixin, forms.Form):
    code = forms.CharField(
        label=_("Code from the authenticator app or a recovery code"),
        max_length=40,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "autofocus": True}),
    )
