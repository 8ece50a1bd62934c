from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from voronka.ui.forms import DateInput, StyledFormMixin

from .models import DocumentType, Requisites


class DocumentCreateForm(StyledFormMixin, forms.Form):
    type = forms.ModelChoiceField(DocumentType.objects.filter(is_active=True), label=_("Type"))
    date = forms.DateField(label=_("Date"), required=False, widget=DateInput())
    due_date = forms.DateField(label=_("Pay by"), required=False, widget=DateInput())


class PaymentForm(StyledFormMixin, forms.Form):
    amount = forms.DecimalField(
        label=_("Amount"), min_value=Decimal("0.01"), max_digits=16, decimal_places=2
    )
    date = forms.DateField(label=_("Date"), widget=DateInput())
    reference = forms.CharField(label=_("Payment document"), max_length=100, required=False)


class SendForm(StyledFormMixin, forms.Form):
    to = forms.CharField(
        label=_("Recipients"), max_length=500, help_text=_("Addresses, comma-separated.")
    )
    message = forms.CharField(label=_("Message"), widget=forms.Textarea(attrs={"rows": 4}))

    def clean_to(self) -> list[str]:
        validator = forms.EmailField()
        return [validator.clean(a.strip()) for a in self.cleaned_data["to"].split(",") if a.strip()]


class RequisitesForm(StyledFormMixin, forms.ModelForm):
    class Meta:
        model = Requisites
        fields = [
            "country",
            "name",
            "inn",
            "kpp",
            "bin",
            "ogrn",
            "bank",
            "bik",
            "account",
            "correspondent_account",
            "address",
            "director",
            "accountant",
            "phone",
            "email",
            "signature",
            "stamp",
        ]


class DocumentTypeForm(StyledFormMixin, forms.ModelForm):
    class Meta:
        model = DocumentType
        fields = ["name", "kind", "prefix", "docx_template", "is_active", "order"]
