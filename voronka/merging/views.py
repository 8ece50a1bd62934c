from decimal import Decimal

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from voronka.accounts import access
from voronka.accounts.models import Entity
from voronka.audit.selectors import display_value
from voronka.contacts import duplicates
from voronka.contacts.models import Company, Contact
from voronka.core.money import currency_choices, default_currency
from voronka.leads.selectors import leads_visible_to
from voronka.sales.models import Pipeline
from voronka.ui.crud import add_service_errors
from voronka.ui.forms import StyledFormMixin

from . import conversion
from .merge import LIST_FIELDS, MODELS, merge, merge_fields, merge_revert, merge_values
from .models import Merge
from .moves import relations

REASON_LABELS = {
    "email": gettext_lazy("same e-mail"),
    "phone": gettext_lazy("same phone"),
    "tax_id": gettext_lazy("same tax id"),
    "name": gettext_lazy("same name"),
}


class ConvertForm(StyledFormMixin, forms.Form):
    company_choice = forms.CharField(widget=forms.HiddenInput, required=False)
    company_name = forms.CharField(
        label=gettext_lazy("Company name"), max_length=255, required=False
    )
    contact_choice = forms.CharField(widget=forms.HiddenInput, required=False)
    last_name = forms.CharField(label=gettext_lazy("Last name"), max_length=150, required=False)
    first_name = forms.CharField(label=gettext_lazy("First name"), max_length=150, required=False)
    middle_name = forms.CharField(label=gettext_lazy("Middle name"), max_length=150, required=False)
    position = forms.CharField(label=gettext_lazy("Position"), max_length=150, required=False)
    create_deal = forms.BooleanField(label=gettext_lazy("Create a deal"), required=False)
    pipeline = forms.ModelChoiceField(
        queryset=Pipeline.objects.filter(is_active=True).order_by("order", "id"),
        label=gettext_lazy("Pipeline"),
        required=False,
        empty_label=None,
    )
    deal_name = forms.CharField(label=gettext_lazy("Deal name"), max_length=255, required=False)
    amount = forms.DecimalField(
        label=gettext_lazy("Amount"),
        max_digits=16,
        decimal_places=2,
        min_value=Decimal("0"),
        max_value=Decimal("99999999999999"),
        required=False,
    )
    currency = forms.ChoiceField(label=gettext_lazy("Currency"), choices=currency_choices)

    def clean(self):
        cleaned = super().clean()
        if (
            cleaned.get("company_choice", "new") in ("", "new")
            and not cleaned.get("company_name", "").strip()
        ):
            self.add_error("company_name", _("Give the company's name, or choose a company."))
        if (
            cleaned.get("contact_choice", "new") in ("", "new")
            and not cleaned.get("last_name", "").strip()
        ):
            self.add_error("last_name", _("Give the last name, or choose “no contact”."))
        if cleaned.get("create_deal"):
            if not cleaned.get("pipeline"):
                self.add_error("pipeline", _("Choose the pipeline."))
            if not (cleaned.get("deal_name") or "").strip():
                self.add_error("deal_name", _("Give the deal a name."))
        return cleaned


def _reasons(matches) -> dict[int, str]:
    return {
        m.record.pk: ", ".join(str(REASON_LABELS[r]) for r in sorted(m.reasons)) for m in matches
    }


def _choice(user, model, value: str):
    """A chosen existing record (an id), through the access layer; None for "new"/"none"."""
    if value in ("", "new", "none"):
        return None
    return access.get_visible(user, model.objects.all(), value)


@login_required
@require_http_methods(["GET", "POST"])
def lead_convert(request: HttpRequest, pk: int) -> HttpResponse:
    """The lead becomes a company (or links one), a contact (or links one) and optionally a
    deal; the probable duplicates are shown first so the manager links instead of doubling."""
    lead = access.get_changeable(request.user, leads_visible_to(user=request.user), pk)
    if not lead.is_open:
        messages.info(request, _("This lead is converted or disqualified already."))
        return redirect(lead.get_absolute_url())
    company_found = conversion.company_suggestions(lead)
    contact_found = conversion.contact_suggestions(lead)
    company_dups = access.disclosed(request.user, [m.record for m in company_found])
    contact_dups = access.disclosed(request.user, [m.record for m in contact_found])
    last, first, middle = conversion.split_person(lead.person_name)
    # The strongest probable duplicate the user may open is offered first: linking is the
    # usual answer, a new company the exception.
    first_company = next((r for r, visible in company_dups if visible), None)
    first_contact = next((r for r, visible in contact_dups if visible), None)
    initial = {
        "company_choice": str(first_company.pk) if first_company else "new",
        "company_name": lead.company_name or lead.person_name,
        "contact_choice": str(first_contact.pk)
        if first_contact
        else ("new" if lead.person_name else "none"),
        "last_name": last,
        "first_name": first,
        "middle_name": middle,
        "create_deal": True,
        "deal_name": lead.company_name or lead.person_name or str(lead),
        "currency": default_currency(),
    }
    form = ConvertForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        company = _choice(request.user, Company, data["company_choice"])
        contact = _choice(request.user, Contact, data["contact_choice"])
        try:
            result = conversion.lead_convert(
                actor=request.user,
                lead=lead,
                company=company,
                company_data=None
                if company
                else {
                    "name": data["company_name"].strip(),
                    "phones": [lead.phone] if lead.phone and not lead.person_name else [],
                    "emails": [lead.email] if lead.email and not lead.person_name else [],
                },
                contact=contact,
                contact_data=None
                if contact or data["contact_choice"] == "none"
                else {
                    "last_name": data["last_name"].strip(),
                    "first_name": data["first_name"].strip(),
                    "middle_name": data["middle_name"].strip(),
                    "position": data["position"].strip(),
                    "phones": [lead.phone] if lead.phone else [],
                    "emails": [lead.email] if lead.email else [],
                },
                deal_data={
                    "name": data["deal_name"].strip(),
                    "pipeline": data["pipeline"],
                    "amount": data["amount"],
                    "currency": data["currency"],
                }
                if data["create_deal"]
                else None,
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(
                request, _("The lead is converted into “%(name)s”.") % {"name": result.company}
            )
            target = result.deal or result.company
            return redirect(target.get_absolute_url())
    return render(
        request,
        "merging/lead_convert.html",
        {
            "object": lead,
            "form": form,
            "company_dups": company_dups,
            "contact_dups": contact_dups,
            "company_reasons": _reasons(company_found),
            "contact_reasons": _reasons(contact_found),
            "company_choice": str(form["company_choice"].value() or "new"),
            "contact_choice": str(form["contact_choice"].value() or "new"),
        },
    )


# Duplicates and merges.


def _entity(kind: str) -> str:
    if kind not in ("company", "contact"):
        raise Http404
    return Entity.COMPANY if kind == "company" else Entity.CONTACT


@login_required
@require_GET
def duplicate_list(request: HttpRequest) -> HttpResponse:
    """Probable duplicate companies and contacts among those the user may see."""
    kind = request.GET.get("kind", "company")
    entity = _entity(kind)
    visible = access.visible(request.user, MODELS[entity].objects.all())
    groups = (
        duplicates.company_groups(visible)
        if entity == Entity.COMPANY
        else duplicates.contact_groups(visible)
    )
    merges = Merge.objects.filter(entity=entity).select_related("actor", "reverted_by")[:20]
    return render(
        request,
        "merging/duplicate_list.html",
        {
            "kind": kind,
            "groups": groups,
            "reason_labels": REASON_LABELS,
            "merges": merges,
            "limit": duplicates.GROUPS_LIMIT,
        },
    )


def _display(record, name: str) -> str:
    field = type(record)._meta.get_field(name)
    value = getattr(record, field.attname)
    label = str(getattr(record, name)) if field.is_relation and value is not None else ""
    return display_value(field, value, label)


@login_required
@require_http_methods(["GET", "POST"])
def merge_view(request: HttpRequest, kind: str) -> HttpResponse:
    """Pick the record to keep and, field by field, whose value it keeps."""
    entity = _entity(kind)
    model = MODELS[entity]
    params = request.POST if request.method == "POST" else request.GET
    first = access.get_visible(request.user, model.objects.all(), params.get("keep", ""))
    second = access.get_visible(request.user, model.objects.all(), params.get("merge", ""))
    if first.pk == second.pk:
        raise Http404
    survivor, loser = first, second
    rows = []
    for name in merge_fields(entity):
        field = model._meta.get_field(name)
        ours, theirs = _display(survivor, name), _display(loser, name)
        # Phones and e-mails of both may be kept, when both have some and they differ.
        both = (
            name in LIST_FIELDS
            and bool(getattr(survivor, name))
            and bool(getattr(loser, name))
            and ours != theirs
        )
        rows.append(
            {
                "name": name,
                "label": field.verbose_name,
                "ours": ours,
                "theirs": theirs,
                "differs": ours != theirs,
                "can_both": both,
                "chosen": params.get(f"f_{name}") or ("both" if both else "survivor"),
            }
        )
    if request.method == "POST":
        choices = {
            row["name"]: request.POST.get(f"f_{row['name']}", "survivor")
            for row in rows
            if row["differs"]
        }
        try:
            record = merge(
                actor=request.user,
                survivor=survivor,
                loser=loser,
                data=merge_values(survivor, loser, choices),
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(
                request,
                _("“%(loser)s” is merged into “%(survivor)s”. You can undo it below.")
                % {"loser": record.loser_label, "survivor": record.survivor_label},
            )
            return redirect(f"{survivor.get_absolute_url()}")
    related = [(record, _related_counts(record)) for record in (survivor, loser)]
    return render(
        request,
        "merging/merge.html",
        {
            "kind": kind,
            "survivor": survivor,
            "loser": loser,
            "rows": rows,
            "related": related,
            "can_merge": access.can_change(request.user, survivor)
            and access.can_delete(request.user, loser),
        },
    )


def _related_counts(record) -> list[tuple[str, int]]:
    """What hangs off a record and would move with it, by kind of record."""
    counts = []
    for related, field in relations(type(record)):
        n = related._default_manager.filter(**{field: record}).count()
        if n:
            counts.append((str(related._meta.verbose_name_plural), n))
    return counts


@login_required
@require_POST
def merge_undo(request: HttpRequest, pk: int) -> HttpResponse:
    merge_record = get_object_or_404(Merge, pk=pk)
    try:
        restored = merge_revert(actor=request.user, merge_record=merge_record)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("merging:duplicates")
    messages.success(request, _("The merge is undone: “%(name)s” is back.") % {"name": restored})
    return redirect(restored.get_absolute_url())
