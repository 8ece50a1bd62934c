from django import forms
from django.utils.translation import gettext_lazy as _

from voronka.accounts import access
from voronka.contacts.models import Company
from voronka.ui.forms import DateInput, StyledFormMixin

from .models import AttributeKind, PriceList, PriceListType, Product


class ProductForm(StyledFormMixin, forms.ModelForm):
    class Meta:
        model = Product
        fields = [
            "name",
            "group",
            "sku",
            "unit",
            "price",
            "cost_price",
            "currency",
            "vat_kind",
            "is_active",
        ]

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        if user is not None:
            # A role may hide what we pay suppliers, or keep it from being changed.
            if not access.can_see_field(user, "product", "cost_price"):
                del self.fields["cost_price"]
            elif not access.can_change_field(user, "product", "cost_price"):
                self.fields["cost_price"].disabled = True


class PriceListForm(StyledFormMixin, forms.ModelForm):
    class Meta:
        model = PriceList
        fields = ["name", "type", "supplier", "currency", "valid_from", "valid_to", "description"]
        widgets = {"valid_from": DateInput(), "valid_to": DateInput()}

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["supplier"].queryset = access.visible(
            user, Company.objects.filter(is_supplier=True)
        ).order_by("name")


class UploadForm(StyledFormMixin, forms.Form):
    file = forms.FileField(label=_("XLSX or CSV file"))
    replace = forms.BooleanField(
        label=_("Replace the current lines"),
        required=False,
        initial=True,
        help_text=_("Otherwise the file's lines are added to them."),
    )


class PriceListTypeForm(StyledFormMixin, forms.ModelForm):
    attributes = forms.CharField(
        label=_("Attributes"),
        widget=forms.Textarea(attrs={"rows": 7}),
        help_text=_("One per line: code; name; text or number. The price is always there."),
    )

    class Meta:
        model = PriceListType
        fields = ["name"]

    def clean_attributes(self) -> list[dict]:
        found = []
        for number, raw in enumerate(self.cleaned_data["attributes"].splitlines(), start=1):
            if not raw.strip():
                continue
            parts = [p.strip() for p in raw.split(";")]
            if len(parts) < 2 or not parts[0] or not parts[1]:
                raise forms.ValidationError(
                    _("Line %(n)s: write «code; name; kind».") % {"n": number}
                )
            kind = parts[2] if len(parts) > 2 and parts[2] else AttributeKind.TEXT
            if kind not in AttributeKind.values:
                raise forms.ValidationError(
                    _("Line %(n)s: the kind is «text» or «number».") % {"n": number}
                )
            found.append({"code": parts[0], "name": parts[1], "kind": kind})
        if not found:
            raise forms.ValidationError(_("Give at least one attribute."))
        return found
