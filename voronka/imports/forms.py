from django import forms
from django.utils.translation import gettext_lazy as _

from voronka.accounts import access

from . import fields as F
from .models import DuplicateRule, MatchKey, Target


class UploadForm(forms.Form):
    target = forms.ChoiceField(label=_("The rows are"), choices=Target.choices)
    file = forms.FileField(
        label=_("File"),
        help_text=_("CSV (any delimiter, UTF-8 or Windows-1251), XLSX, XLS, ODS or vCard (.vcf)."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            field.widget.attrs["class"] = (
                "form-select" if isinstance(field, forms.ChoiceField) else "form-control"
            )


class MappingForm(forms.Form):
    """A field for each column of the file, what to do with a matching row, by what rows
    match, and the owner of the new records."""

    rule = forms.ChoiceField(
        label=_("When a row matches an existing record"),
        choices=DuplicateRule.choices,
        widget=forms.RadioSelect,
    )
    match_by = forms.MultipleChoiceField(
        label=_("A row matches a record with the same"),
        choices=MatchKey.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    owner = forms.ModelChoiceField(label=_("Owner of the records"), queryset=None)

    def __init__(self, *args, job, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.job = job
        choices = [("", _("— skip the column —"))] + [
            (f.name, f.label) for f in F.FIELDS[job.target]
        ]
        for index, header in enumerate(job.headers):
            label = header or _("Column %(n)s") % {"n": index + 1}
            self.fields[f"col_{index}"] = forms.ChoiceField(
                label=label,
                choices=choices,
                required=False,
                widget=forms.Select(
                    attrs={"class": "form-select form-select-sm", "aria-label": label}
                ),
            )
        entity = job.target  # the targets are named as the access layer's entities
        self.fields["owner"].queryset = access.assignable_owners(user, entity).order_by(
            "last_name", "first_name", "username"
        )
        self.fields["owner"].label_from_instance = lambda u: u.display_name
        self.fields["owner"].widget.attrs["class"] = "form-select"

    def column_fields(self):
        return [self[f"col_{i}"] for i in range(len(self.job.headers))]

    def mapping(self) -> dict[str, str]:
        return {
            str(i): self.cleaned_data[f"col_{i}"]
            for i in range(len(self.job.headers))
            if self.cleaned_data.get(f"col_{i}")
        }
