from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from voronka.core import money
from voronka.ui.forms import DateInput, StyledFormMixin


class ManualRateForm(StyledFormMixin, forms.Form):
    """A rate typed by an administrator. The rules (positive, a configured currency other than
    the base one) are the model's, checked by the service, so the API applies the same ones."""

    currency = forms.ChoiceField(label=_("Currency"))
    date = forms.DateField(label=_("Date"), widget=DateInput())
    # Localised, so "92,5058" as the Central Bank of Russia prints it is read as typed.
    rate = forms.DecimalField(label=_("Rate"), max_digits=20, decimal_places=8, localize=True)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["currency"].choices = [("", "—")] + [
            (code, code) for code in money.rate_currencies()
        ]
        self.fields["rate"].help_text = _(
            "How many %(base)s one unit of the currency is worth on that date."
        ) % {"base": money.base_currency()}
        self.fields["date"].initial = timezone.localdate

    def record_data(self) -> dict:
        return {name: self.cleaned_data[name] for name in ("currency", "date", "rate")}
