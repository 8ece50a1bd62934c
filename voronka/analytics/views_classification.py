"""The ABC×XYZ matrix, the relationship stages, the recompute on demand and its settings."""

from urllib.parse import urlencode

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from voronka.accounts import access
from voronka.accounts.models import Entity, Team
from voronka.contacts.models import AbcClass, Company, RelationshipStage, XyzClass
from voronka.ui.forms import StyledFormMixin, style_widgets

from . import classification, services, tasks
from .models import ClassificationRun, ClassificationSettings

COMPANY_KEY_FIELDS = [
    ("industry", gettext_lazy("Industry")),
    ("region", gettext_lazy("Region")),
    ("city", gettext_lazy("City")),
    ("address", gettext_lazy("Address")),
    ("phones", gettext_lazy("Phones")),
    ("emails", gettext_lazy("E-mails")),
    ("website", gettext_lazy("Website")),
    ("inn", gettext_lazy("INN")),
    ("bin", gettext_lazy("BIN")),
    ("description", gettext_lazy("Description")),
]
CONTACT_KEY_FIELDS = [
    ("first_name", gettext_lazy("First name")),
    ("middle_name", gettext_lazy("Middle name")),
    ("company", gettext_lazy("Company")),
    ("position", gettext_lazy("Position")),
    ("phones", gettext_lazy("Phones")),
    ("emails", gettext_lazy("E-mails")),
    ("birthday", gettext_lazy("Birthday")),
]


class MatrixFilterForm(forms.Form):
    team = forms.ModelChoiceField(
        label=gettext_lazy("Team"),
        queryset=Team.objects.order_by("name"),
        required=False,
        empty_label=gettext_lazy("Any team"),
    )
    owner = forms.ModelChoiceField(
        label=gettext_lazy("Owner"),
        queryset=None,
        required=False,
        empty_label=gettext_lazy("Anyone"),
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = access.colleagues(user, Entity.COMPANY).order_by(
            "first_name", "last_name"
        )
        style_widgets(self, small=True)


class ClassificationSettingsForm(StyledFormMixin, forms.ModelForm):
    company_key_fields = forms.MultipleChoiceField(
        label=gettext_lazy("Key fields of a company"),
        choices=COMPANY_KEY_FIELDS,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    contact_key_fields = forms.MultipleChoiceField(
        label=gettext_lazy("Key fields of a contact"),
        choices=CONTACT_KEY_FIELDS,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = ClassificationSettings
        fields = [
            "abc_a",
            "abc_b",
            "abc_months",
            "xyz_x",
            "xyz_y",
            "xyz_months",
            "regular_months",
            "regular_window",
            "lost_after_days",
            "company_key_fields",
            "contact_key_fields",
        ]


def _companies_url(**params) -> str:
    return f"{reverse('contacts:company-list')}?{urlencode(params)}"


@login_required
@require_http_methods(["GET", "POST"])
def matrix(request: HttpRequest) -> HttpResponse:
    """ABC×XYZ: how many of the companies I may see are in each cell, and in each stage; a
    cell opens the companies. Those who configure recompute it on demand."""
    if request.method == "POST":
        access.require_configure(request.user)
        tasks.classify_companies(request.user.pk)
        messages.success(
            request, _("The classification is being recomputed; it takes up to a minute.")
        )
        return redirect("reports:abc-xyz")
    form = MatrixFilterForm(request.GET or None, user=request.user)
    companies = access.visible(request.user, Company.objects.all())
    common = {}
    if form.is_valid():
        if form.cleaned_data.get("owner"):
            companies = companies.filter(owner=form.cleaned_data["owner"])
            common["owner"] = form.cleaned_data["owner"].pk
        if form.cleaned_data.get("team"):
            teams = sorted(access.team_ids_below(form.cleaned_data["team"].pk))
            companies = companies.filter(owner__team_id__in=teams)
            common["team"] = form.cleaned_data["team"].pk
    found = classification.matrix(companies)
    cells = {
        abc: {
            xyz: {
                "count": found["cells"].get((abc, xyz), 0),
                "url": _companies_url(**common, abc_class=abc, xyz_class=xyz),
            }
            for xyz in XyzClass.values
        }
        for abc in AbcClass.values
    }
    rows = [
        (
            abc,
            [cells[abc][xyz] for xyz in XyzClass.values],
            sum(c["count"] for c in cells[abc].values()),
        )
        for abc in AbcClass.values
    ]
    column_totals = [
        sum(cells[abc][xyz]["count"] for abc in AbcClass.values) for xyz in XyzClass.values
    ]
    classified = sum(column_totals)
    stages = {
        value: {
            "label": label,
            "count": found["stages"].get(value, 0),
            "url": _companies_url(**common, relationship_stage=value),
        }
        for value, label in RelationshipStage.choices
    }
    return render(
        request,
        "analytics/abc_xyz.html",
        {
            "form": form,
            "cells": cells,
            "rows": rows,
            "xyz": XyzClass.values,
            "column_totals": column_totals,
            "classified": classified,
            "stages": stages,
            "settings": ClassificationSettings.get(),
            "last_run": ClassificationRun.objects.first(),
            "can_configure": access.can_configure(request.user),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def settings_view(request: HttpRequest) -> HttpResponse:
    """The thresholds of the classes and stages and the key fields of data completeness."""
    access.require_configure(request.user)
    form = ClassificationSettingsForm(request.POST or None, instance=ClassificationSettings.get())
    if request.method == "POST" and form.is_valid():
        services.classification_settings_save(actor=request.user, settings=form.instance)
        messages.success(request, _("The settings are saved; they apply from the next recompute."))
        return redirect("reports:abc-xyz")
    return render(request, "analytics/classification_settings.html", {"form": form})
