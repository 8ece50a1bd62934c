"""Form pieces shared by every app: styled widgets, lists of values, autocomplete, versions."""

from __future__ import annotations

import json
from functools import partial

from django import forms
from django.core.exceptions import ValidationError
from django.db import models
from django.forms.renderers import TemplatesSetting
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from voronka.accounts import access
from voronka.core import bounds


class FormRenderer(TemplatesSetting):
    """Renders fields with our own templates (label, widget, help, errors in Bootstrap's way)."""

    field_template_name = "ui/forms/field.html"


def style_widgets(form: forms.BaseForm, *, small: bool = False) -> None:
    """Add Bootstrap classes once, where the form is built, instead of in every template."""
    for field in form.fields.values():
        widget = field.widget
        css = widget.attrs.get("class", "")
        # A list of check boxes first: it is a RadioSelect too, and a class set on it goes
        # on its wrapper as well, which .form-check-input shrank to a lone box.
        if isinstance(widget, forms.CheckboxSelectMultiple):
            extra = ""
        elif isinstance(widget, (forms.CheckboxInput, forms.RadioSelect)):
            extra = "form-check-input"
        elif isinstance(widget, (forms.Select, forms.SelectMultiple)):
            extra = "form-select"
        else:
            extra = "form-control"
        if extra and small and extra != "form-check-input":
            extra += f" {extra}-sm"
        if extra and extra.split()[0] not in css:
            widget.attrs["class"] = f"{css} {extra}".strip()


def bound_fields(form: forms.BaseForm) -> None:
    """Hold every date, date-time, decimal and whole number of a form to `core.bounds`, so a
    value Python or the database cannot hold (year 1, 10**23, NaN) is a form error where it
    is typed, not a 500 further down. Safe to call twice."""
    for field in form.fields.values():
        bound_field(field)


def bound_field(field: forms.Field) -> None:
    if getattr(field, "bounded", False):
        return
    field.bounded = True
    # DecimalField and FloatField are IntegerFields too: the most specific kind first.
    if isinstance(field, forms.DateField | forms.DateTimeField):
        field.validators.append(bounds.validate_day)
    elif isinstance(field, forms.DecimalField):
        field.validators.append(
            partial(
                bounds.validate_decimal,
                max_digits=field.max_digits,
                decimal_places=field.decimal_places or 0,
            )
        )
    elif isinstance(field, forms.IntegerField) and not isinstance(field, forms.FloatField):
        field.validators.append(bounds.validate_int)
    elif type(field) is forms.ModelMultipleChoiceField and _by_integer_id(field):
        # A validator would run too late: the field queries its ids first. The subclass only
        # checks them before that query.
        field.__class__ = IdsChoiceField


def _by_integer_id(field: forms.ModelChoiceField) -> bool:
    meta = field.queryset.model._meta
    key = meta.get_field(field.to_field_name) if field.to_field_name else meta.pk
    return isinstance(key, models.IntegerField)


class IdsChoiceField(forms.ModelMultipleChoiceField):
    """Several records by id. Django checks each value with a lazy query, then asks for all
    of them with IN (…): 10**23 passes the first and overflows SQLite's integer in the second.
    Here a value that cannot be an id is a form error before any query."""

    def _check_values(self, value):
        for pk in value:
            if bounds.parse_id(pk) is None:
                raise ValidationError(
                    self.error_messages["invalid_pk_value"],
                    code="invalid_pk_value",
                    params={"pk": pk},
                )
        return super()._check_values(value)


class IdField(forms.IntegerField):
    """A record's id, set by a link or a script: a whole number from 1 to 2**63 − 1."""

    default_validators = [bounds.validate_id]
    bounded = True  # by its own validator: bound_fields adds nothing


class StyledFormMixin:
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        style_widgets(self)
        bound_fields(self)

    def full_clean(self):
        super().full_clean()
        for name in self.errors:
            if name in self.fields:
                widget = self.fields[name].widget
                if "is-invalid" not in widget.attrs.get("class", ""):
                    widget.attrs["class"] = widget.attrs.get("class", "") + " is-invalid"


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%d")


class DateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%dT%H:%M")


class ListInput(forms.Widget):
    """Several text inputs with the same name (phones, e-mails) and a button to add one more."""

    template_name = "ui/forms/list_input.html"

    def __init__(self, attrs=None, input_type: str = "text"):
        super().__init__(attrs)
        self.input_type = input_type

    def value_from_datadict(self, data, files, name):
        if hasattr(data, "getlist"):
            return data.getlist(name)
        value = data.get(name)
        if value is None:
            return []
        return value if isinstance(value, list) else [value]

    def value_omitted_from_data(self, data, files, name):
        return name not in data

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        values = [v for v in (value or []) if v] + [""]
        context["widget"]["values"] = values
        context["widget"]["input_type"] = self.input_type
        return context

    def format_value(self, value):
        return value


class ListField(forms.Field):
    """A list of short texts; blanks dropped. Normalisation and checks belong to the model."""

    widget = ListInput

    def __init__(self, *, input_type: str = "text", **kwargs):
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)
        self.widget = ListInput(input_type=input_type)

    def to_python(self, value):
        if not value:
            return []
        if isinstance(value, str):
            value = [value]
        return [v.strip() for v in value if v and v.strip()]

    def has_changed(self, initial, data):
        return self.to_python(initial) != self.to_python(data)


class AutocompleteSelect(forms.Select):
    """A select that renders only the chosen option and asks the server for others as you type.

    Rendering all 300,000 companies into a page is not an option; Tom Select calls the URL
    (which applies the access layer) with `?q=` and shows exactly what it answers, in its
    order (static/js/voronka.js). `links(record)` gives the chosen option the same extra data
    the URL gives every answer (a deal's company, a person's company), for the fields that
    follow it (`data-sets`, `data-fills`, `data-belongs-to` in attrs).
    """

    def __init__(self, url_name: str, attrs=None, *, links=None):
        super().__init__(attrs)
        self.url_name = url_name
        self.links = links

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        context["widget"]["attrs"]["data-autocomplete-url"] = reverse(self.url_name)
        context["widget"]["attrs"]["data-placeholder"] = str(_("Start typing…"))
        return context

    def optgroups(self, name, value, attrs=None):
        # A form shown again holds what was sent: only what can be an id reaches the query.
        chosen = {pk for pk in map(bounds.parse_id, value) if pk is not None}
        groups = []
        queryset = getattr(self.choices, "queryset", None)
        if queryset is not None and chosen:
            for index, obj in enumerate(queryset.filter(pk__in=chosen)):
                option = self.create_option(name, obj.pk, str(obj), True, index)
                if self.links is not None:
                    option["attrs"]["data-data"] = json.dumps(self.links(obj))
                groups.append((None, [option], index))
        return [(None, [self.create_option(name, "", "", not chosen, 0)], 0), *groups]


class VersionField(forms.IntegerField):
    """The record version the form was opened on; a newer one in the database means a conflict."""

    widget = forms.HiddenInput

    def __init__(self, **kwargs):
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)


class RecordForm(StyledFormMixin, forms.ModelForm):
    """A ModelForm for an owned record: owner choices from the access layer, and a version.

    Subclasses set `entity` (accounts.models.Entity). `record_data()` gives the values for
    the service, taken from the instance after the model's clean() normalised them.
    """

    entity: str = ""
    version = VersionField()

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        if "owner" in self.fields:
            self.fields["owner"].queryset = access.assignable_owners(user, self.entity).order_by(
                "first_name", "last_name"
            )
            # Left empty, a new record is the author's and an edited one keeps its owner.
            self.fields["owner"].required = False
            if self.instance.pk is None and not self.initial.get("owner"):
                self.initial["owner"] = user.pk
        if self.instance.pk is not None:
            self.fields["version"].initial = self.instance.version
        # Fields the user's role hides are left out; those it makes read-only are shown.
        hidden = access.hidden_fields(user, self.entity) if self.entity else frozenset()
        for name in access.readonly_fields(user, self.entity) if self.entity else ():
            if name in hidden:
                self.fields.pop(name, None)
            elif name in self.fields:
                self.fields[name].disabled = True

    def record_data(self) -> dict:
        data = {}
        for name in self._meta.fields:
            if name not in self.fields:
                continue
            field = self.instance._meta.get_field(name)
            if field.many_to_many:
                data[name] = list(self.cleaned_data.get(name) or [])
            elif field.is_relation and getattr(self.instance, field.attname) is None:
                data[name] = None  # an empty required link raises on attribute access
            else:
                data[name] = getattr(self.instance, name)
        if data.get("owner") is None:
            data.pop("owner", None)
        return data

    def submitted_version(self) -> int | None:
        return self.cleaned_data.get("version")
