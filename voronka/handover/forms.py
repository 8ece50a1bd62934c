from django import forms
from django.utils.translation import gettext_lazy as _

from voronka.accounts import access
from voronka.accounts.models import Entity, User
from voronka.ui.forms import StyledFormMixin


class HandoverForm(StyledFormMixin, forms.Form):
    from_user = forms.ModelChoiceField(queryset=User.objects.none(), label=_("Whose clients"))
    to_user = forms.ModelChoiceField(queryset=User.objects.none(), label=_("Hand over to"))

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        people = access.assignable_owners(user, Entity.COMPANY).order_by("first_name", "last_name")
        self.fields["from_user"].queryset = access.colleagues(user, Entity.COMPANY).order_by(
            "first_name", "last_name"
        )
        self.fields["to_user"].queryset = people

    def clean(self):
        data = super().clean()
        if data.get("from_user") and data.get("from_user") == data.get("to_user"):
            self.add_error("to_user", _("Choose another manager to hand over to."))
        return data
