"""Pages of the catalogue: products, price lists (upload, lines, search) and price-list
types."""

from __future__ import annotations

import time

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from voronka.accounts import access
from voronka.audit.services import setting_snapshot

from . import services
from .forms import PriceListForm, PriceListTypeForm, ProductForm, UploadForm
from .models import PriceList, PriceListType, Product, VatRate
from .selectors import search_price_lines

LINES_SHOWN = 200


def _get(model_or_queryset, pk):
    queryset = (
        model_or_queryset.objects.all()
        if isinstance(model_or_queryset, type)
        else model_or_queryset
    )
    found = queryset.filter(pk=pk).first()
    if found is None:
        raise Http404(_("No such record, or you have no access to it."))
    return found


@login_required
@require_GET
def product_list(request: HttpRequest) -> HttpResponse:
    products = Product.objects.select_related("group", "unit").order_by("group__name", "name")
    return render(
        request,
        "catalog/product_list.html",
        {
            "products": products[:500],
            "vat_rates": VatRate.objects.all(),
            "can_configure": access.can_configure(request.user),
            "section": "catalog",
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def product_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    access.require_configure(request.user)
    product = _get(Product, pk) if pk else Product()
    before = setting_snapshot(product) if pk else None
    form = ProductForm(request.POST or None, instance=product, user=request.user)
    if request.method == "POST" and form.is_valid():
        services.product_save(actor=request.user, product=form.instance, before=before)
        messages.success(request, _("The product is saved."))
        return redirect("catalog:product-list")
    return render(request, "catalog/form.html", {"form": form, "title": _("Product")})


@login_required
@require_GET
def price_list_list(request: HttpRequest) -> HttpResponse:
    price_lists = PriceList.objects.select_related("type", "supplier").order_by(
        "-valid_from", "-id"
    )
    return render(
        request,
        "catalog/price_list_list.html",
        {"price_lists": price_lists[:300], "section": "catalog"},
    )


@login_required
@require_http_methods(["GET", "POST"])
def price_list_create(request: HttpRequest) -> HttpResponse:
    services.require_price_lists(request.user)
    form = PriceListForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = {f: form.cleaned_data[f] for f in form.Meta.fields}
        try:
            price_list = services.price_list_create(actor=request.user, data=data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            return redirect(price_list.get_absolute_url())
    return render(request, "catalog/form.html", {"form": form, "title": _("New price list")})


@login_required
@require_http_methods(["GET", "POST"])
def price_list_detail(request: HttpRequest, pk: int) -> HttpResponse:
    price_list = _get(PriceList.objects.select_related("type", "supplier"), pk)
    form = UploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST":
        services.require_price_lists(request.user)
        if form.is_valid():
            upload = form.cleaned_data["file"]
            try:
                result = services.price_list_upload(
                    actor=request.user,
                    price_list=price_list,
                    name=upload.name,
                    content=upload.read(),
                    replace=form.cleaned_data["replace"],
                )
            except ValidationError as error:
                form.add_error("file", error)
            else:
                messages.success(
                    request,
                    _("Lines loaded: %(added)s; replaced: %(replaced)s; skipped: %(skipped)s.")
                    % {
                        "added": result.added,
                        "replaced": result.replaced,
                        "skipped": len(result.skipped),
                    },
                )
                for problem in result.skipped[:5]:
                    messages.warning(request, problem)
                return redirect(price_list.get_absolute_url())
    show_old = request.GET.get("old") == "1"
    lines = price_list.lines.filter(is_current=not show_old).order_by("id")
    return render(
        request,
        "catalog/price_list_detail.html",
        {
            "object": price_list,
            "attributes": list(price_list.type.attributes.all()),
            "lines": list(lines[:LINES_SHOWN]),
            "lines_count": lines.count(),
            "shown": LINES_SHOWN,
            "show_old": show_old,
            "form": form,
            "section": "catalog",
        },
    )


@login_required
@require_GET
def price_search(request: HttpRequest) -> HttpResponse:
    query = request.GET.get("q", "")[:200]
    started = time.perf_counter()
    results = list(search_price_lines(query, limit=100)) if query.strip() else []
    return render(
        request,
        "catalog/price_search.html",
        {
            "query": query,
            "results": results,
            "took_ms": round((time.perf_counter() - started) * 1000),
            "section": "catalog",
        },
    )


@login_required
@require_GET
def price_list_type_list(request: HttpRequest) -> HttpResponse:
    access.require_configure(request.user)
    return render(
        request,
        "catalog/type_list.html",
        {"types": PriceListType.objects.prefetch_related("attributes")},
    )


@login_required
@require_http_methods(["GET", "POST"])
def price_list_type_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    access.require_configure(request.user)
    list_type = _get(PriceListType, pk) if pk else PriceListType()
    initial = {
        "attributes": "\n".join(f"{a.code}; {a.name}; {a.kind}" for a in list_type.attributes.all())
        if pk
        else ""
    }
    form = PriceListTypeForm(request.POST or None, instance=list_type, initial=initial)
    if request.method == "POST" and form.is_valid():
        services.price_list_type_save(
            actor=request.user,
            list_type=form.instance,
            attributes=form.cleaned_data["attributes"],
        )
        messages.success(request, _("The price-list type is saved."))
        return redirect("catalog:type-list")
    return render(request, "catalog/form.html", {"form": form, "title": _("Price-list type")})
