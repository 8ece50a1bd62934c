from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from django.views.decorators.http import require_GET, require_http_methods

from voronka.accounts import access
from voronka.accounts.models import Entity
from voronka.audit.services import record_view
from voronka.core import bounds
from voronka.ui import crud
from voronka.ui.bulk import bulk_context
from voronka.ui.export import ExportColumn, export_csv
from voronka.ui.listing import Column
from voronka.ui.values import ValueList

from . import selectors, services
from .filters import CompanyFilter, ContactFilter
from .forms import CompanyForm, ContactForm, IndustryForm, RegionForm
from .models import Company, Contact, Industry, Region

COMPANY_COLUMNS = [
    Column("name", pgettext_lazy("object", "Name")),
    Column("kinds", _("Kind"), sortable=False, classes="d-none d-md-table-cell"),
    Column("city", _("City"), classes="d-none d-lg-table-cell"),
    Column("phone", _("Phone"), sortable=False, classes="d-none d-lg-table-cell"),
    Column("owner", _("Owner"), classes="d-none d-md-table-cell"),
    Column("created", _("Created"), classes="d-none d-xl-table-cell"),
]

CONTACT_COLUMNS = [
    Column("name", _("Full name")),
    # Sorting by the company's name would join and sort the whole table: not offered.
    Column("company", _("Company"), sortable=False, classes="d-none d-md-table-cell"),
    Column("position", _("Position"), sortable=False, classes="d-none d-lg-table-cell"),
    Column("phone", _("Phone"), sortable=False, classes="d-none d-lg-table-cell"),
    Column("email", _("E-mail"), sortable=False, classes="d-none d-xl-table-cell"),
    Column("owner", _("Owner"), classes="d-none d-md-table-cell"),
]


@login_required
@require_GET
def company_list(request: HttpRequest) -> HttpResponse:
    return crud.render_list(
        request,
        template="contacts/company_list.html",
        queryset=selectors.companies_visible_to(user=request.user),
        filterset_class=CompanyFilter,
        columns=COMPANY_COLUMNS,
        default_sort="name",
        bulk=bulk_context(request.user, Entity.COMPANY),
    )


COMPANY_EXPORT = [
    ExportColumn(_("Company name"), lambda c: c.name),
    ExportColumn(_("Kind"), lambda c: ", ".join(c.get_kinds_display())),
    ExportColumn(_("Industry"), lambda c: c.industry),
    ExportColumn(_("Region"), lambda c: c.region),
    ExportColumn(_("City"), lambda c: c.city),
    ExportColumn(_("Address"), lambda c: c.address),
    ExportColumn(_("Phones"), lambda c: ", ".join(c.phones)),
    ExportColumn(_("E-mails"), lambda c: ", ".join(c.emails)),
    ExportColumn(_("Website"), lambda c: c.website),
    ExportColumn(_("INN"), lambda c: c.inn),
    ExportColumn(_("KPP"), lambda c: c.kpp),
    ExportColumn(_("OGRN"), lambda c: c.ogrn),
    ExportColumn(_("BIN"), lambda c: c.bin),
    ExportColumn(_("Owner"), lambda c: c.owner.display_name),
    ExportColumn(_("Created"), lambda c: c.created_at),
]

CONTACT_EXPORT = [
    ExportColumn(_("Last name"), lambda c: c.last_name),
    ExportColumn(_("First name"), lambda c: c.first_name),
    ExportColumn(_("Middle name"), lambda c: c.middle_name),
    ExportColumn(_("Company"), lambda c: c.company.name if c.company else ""),
    ExportColumn(_("Position"), lambda c: c.position),
    ExportColumn(_("Phones"), lambda c: ", ".join(c.phones)),
    ExportColumn(_("E-mails"), lambda c: ", ".join(c.emails)),
    ExportColumn(_("Birthday"), lambda c: c.birthday),
    ExportColumn(_("Agrees to mailings"), lambda c: c.mailing_consent),
    ExportColumn(_("Owner"), lambda c: c.owner.display_name),
    ExportColumn(_("Created"), lambda c: c.created_at),
]


@login_required
@require_GET
def company_export(request: HttpRequest) -> HttpResponse:
    return export_csv(
        request,
        selectors.companies_visible_to(user=request.user),
        filterset_class=CompanyFilter,
        default_sort="name",
        columns=COMPANY_EXPORT,
        filename="companies",
    )


@login_required
@require_GET
def contact_export(request: HttpRequest) -> HttpResponse:
    return export_csv(
        request,
        selectors.contacts_visible_to(user=request.user),
        filterset_class=ContactFilter,
        default_sort="name",
        columns=CONTACT_EXPORT,
        filename="contacts",
    )


@login_required
@require_GET
def company_detail(request: HttpRequest, pk: int) -> HttpResponse:
    company = access.get_visible(request.user, Company.objects.select_related("owner"), pk)
    record_view(user=request.user, record=company)
    return render(
        request,
        "contacts/company_detail.html",
        {
            "object": company,
            "can_change": access.can_change(request.user, company),
            "can_delete": access.can_delete(request.user, company),
            **selectors.company_contacts(user=request.user, company=company),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def company_create(request: HttpRequest) -> HttpResponse:
    return crud.create_view(
        request,
        form_class=CompanyForm,
        create=services.company_create,
        template="contacts/company_form.html",
        checks_duplicates=True,
        initial={"is_customer": True},
    )


@login_required
@require_http_methods(["GET", "POST"])
def company_edit(request: HttpRequest, pk: int) -> HttpResponse:
    company = access.get_changeable(request.user, Company, pk)
    return crud.edit_view(
        request,
        record=company,
        form_class=CompanyForm,
        update=services.company_update,
        template="contacts/company_form.html",
        record_arg="company",
    )


@login_required
@require_http_methods(["GET", "POST"])
def company_delete(request: HttpRequest, pk: int) -> HttpResponse:
    company = access.get_deletable(request.user, Company, pk)
    return crud.delete_view(
        request,
        record=company,
        delete=services.company_delete,
        record_arg="company",
        success_url=reverse("contacts:company-list"),
        context={
            "consequences": [
                _("Its contacts, deals and activities stay, without the link to this company."),
            ]
        },
    )


@login_required
@require_GET
def company_autocomplete(request: HttpRequest) -> HttpResponse:
    return crud.autocomplete_response(request, Company.objects.all(), order_by=("name", "pk"))


@login_required
@require_GET
def contact_list(request: HttpRequest) -> HttpResponse:
    return crud.render_list(
        request,
        template="contacts/contact_list.html",
        queryset=selectors.contacts_visible_to(user=request.user),
        filterset_class=ContactFilter,
        columns=CONTACT_COLUMNS,
        default_sort="name",
        bulk=bulk_context(request.user, Entity.CONTACT),
    )


@login_required
@require_GET
def contact_detail(request: HttpRequest, pk: int) -> HttpResponse:
    contact = access.get_visible(
        request.user, Contact.objects.select_related("owner", "company"), pk
    )
    record_view(user=request.user, record=contact)
    return render(
        request,
        "contacts/contact_detail.html",
        {
            "object": contact,
            "can_change": access.can_change(request.user, contact),
            "can_delete": access.can_delete(request.user, contact),
            "company_visible": contact.company is not None
            and access.can_view(request.user, contact.company),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def contact_create(request: HttpRequest) -> HttpResponse:
    initial = {}
    company_id = bounds.parse_id(request.GET.get("company", ""))
    if company_id is not None:
        company = access.visible(request.user, Company.objects.all()).filter(pk=company_id).first()
        if company:
            initial["company"] = company.pk
    return crud.create_view(
        request,
        form_class=ContactForm,
        create=services.contact_create,
        template="contacts/contact_form.html",
        checks_duplicates=True,
        initial=initial,
    )


@login_required
@require_http_methods(["GET", "POST"])
def contact_edit(request: HttpRequest, pk: int) -> HttpResponse:
    contact = access.get_changeable(request.user, Contact, pk)
    return crud.edit_view(
        request,
        record=contact,
        form_class=ContactForm,
        update=services.contact_update,
        template="contacts/contact_form.html",
        record_arg="contact",
    )


@login_required
@require_http_methods(["GET", "POST"])
def contact_delete(request: HttpRequest, pk: int) -> HttpResponse:
    contact = access.get_deletable(request.user, Contact, pk)
    return crud.delete_view(
        request,
        record=contact,
        delete=services.contact_delete,
        record_arg="contact",
        success_url=reverse("contacts:contact-list"),
        context={
            "consequences": [_("Its deals and activities stay, without the link to this person.")]
        },
    )


@login_required
@require_GET
def contact_autocomplete(request: HttpRequest) -> HttpResponse:
    return crud.autocomplete_response(
        request,
        Contact.objects.select_related("company"),
        order_by=("last_name", "first_name", "pk"),
        label=selectors.contact_label,
        data=lambda contact: selectors.contact_links(contact, user=request.user),
    )


REGIONS = ValueList(
    model=Region,
    form_class=RegionForm,
    app="contacts",
    name="region",
    title=_("Regions"),
    new_title=_("New region"),
    empty=_("No regions yet: a company's region is typed freely."),
)
INDUSTRIES = ValueList(
    model=Industry,
    form_class=IndustryForm,
    app="contacts",
    name="industry",
    title=_("Industries"),
    new_title=_("New industry"),
    empty=_("No industries yet: a company's industry is typed freely."),
)
