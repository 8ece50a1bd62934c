"""The exchange-rate settings page: everyone reads it; administrators enter and load rates."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.dateparse import parse_date
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods, require_POST

from voronka.accounts import access
from voronka.core import bounds, money
from voronka.core.models import ExchangeRate
from voronka.core.pagination import CappedPaginator
from voronka.core.rates import feeds as rate_feeds
from voronka.core.rates import services as rate_services
from voronka.core.rates.feeds import FeedError
from voronka.core.rates.services import load_rates
from voronka.ui import crud

from .rates_forms import ManualRateForm


def _rates_context(request: HttpRequest) -> dict:
    """The current rate of each configured currency and a page of the history."""
    today = timezone.localdate()
    codes = money.rate_currencies()
    quotes = money.quotes_on(today, codes)
    current = []
    for code in codes:
        quote = quotes.get(code)
        rate = money.format_rate(quote.rate) if quote else ""
        current.append({"currency": code, "quote": quote, "rate": rate})
    history = ExchangeRate.objects.select_related("created_by").order_by("-date", "currency")
    currency = request.GET.get("currency", "").strip().upper()
    if currency:
        # A code is three Latin letters; anything else (a NUL byte PostgreSQL refuses) is none.
        known = len(currency) == 3 and currency.isascii() and currency.isalpha()
        history = history.filter(currency=currency) if known else history.none()
    paginator = CappedPaginator(history, settings.VORONKA["PAGE_SIZE"])
    page_obj = paginator.get_page(request.GET.get("page"))
    for row in page_obj.object_list:
        row.rate_text = money.format_rate(row.rate)
    return {
        "base_currency": money.base_currency(),
        "current": current,
        "currencies": codes,
        "currency": currency,
        "page_obj": page_obj,
        "feeds": [(feed.source, feed.name) for feed in rate_feeds.FEEDS.values()],
        "today": today,
    }


@login_required
@require_http_methods(["GET", "POST"])
def rates(request: HttpRequest) -> HttpResponse:
    """Everyone sees the rates; an administrator also enters one by hand and loads the feeds."""
    can_configure = access.can_configure(request.user)
    form = ManualRateForm() if can_configure else None
    if request.method == "POST":
        if not can_configure:
            raise PermissionDenied(_("Only an administrator can change exchange rates."))
        form = ManualRateForm(request.POST)
        if form.is_valid():
            try:
                record = rate_services.manual_rate_save(actor=request.user, data=form.record_data())
            except ValidationError as error:
                crud.add_service_errors(form, error)
            else:
                messages.success(
                    request,
                    _("The rate of %(currency)s on %(date)s is saved.")
                    % {
                        "currency": record.currency,
                        "date": date_format(record.date, "SHORT_DATE_FORMAT"),
                    },
                )
                return redirect("web:rates")
    context = {"form": form, "can_configure": can_configure, **_rates_context(request)}
    if request.htmx and not request.htmx.boosted:
        return render(request, "web/rates.html#results", context)
    return render(request, "web/rates.html", context)


@login_required
@require_POST
def rates_load(request: HttpRequest) -> HttpResponse:
    """Load a day's rates from a central bank's feed; its problem, if any, as a message."""
    if not access.can_configure(request.user):
        raise PermissionDenied(_("Only an administrator can change exchange rates."))
    source = request.POST.get("source", "")
    typed_date = request.POST.get("date", "").strip()
    try:
        day = parse_date(typed_date) if typed_date else None
    except ValueError:  # well-formed but impossible, like 2026-02-30
        day = None
    if source not in rate_feeds.FEEDS:
        messages.error(request, _("Choose the bank to load the rates from."))
    elif typed_date and day is None:
        messages.error(request, _("The date to load the rates for is not a date."))
    elif day is not None and not bounds.day_in_range(day):
        messages.error(request, bounds.day_range_error().messages[0])
    else:
        try:
            result = load_rates(source=source, on=day, actor=request.user)
        except FeedError as error:
            messages.error(request, str(error))
        else:
            messages.success(
                request,
                ngettext(
                    "%(count)s rate from the %(source)s for %(date)s is saved.",
                    "%(count)s rates from the %(source)s for %(date)s are saved.",
                    result.written,
                )
                % {
                    "count": result.written,
                    "source": rate_feeds.FEEDS[source].name,
                    "date": date_format(result.date, "SHORT_DATE_FORMAT"),
                },
            )
            if result.kept_manual:
                messages.info(
                    request,
                    _("Rates entered by hand are kept for: %(currencies)s.")
                    % {"currencies": ", ".join(result.kept_manual)},
                )
    return redirect("web:rates")
