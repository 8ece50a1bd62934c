"""The client's rating of a resolved case, `/rate/<key>/`: public, so it defends itself like
the web forms (voronka/leads/public.py): an unguessable key per case, a honeypot, a rate limit
per address, size limits, and one answer per link. CSRF-exempt on purpose: the client opens
the link from a letter, signed in nowhere; the key is the credential."""

from __future__ import annotations

import logging

from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from voronka.leads.public import HONEYPOT, client_address, rate_limited

from . import services
from .forms import RatingForm
from .models import CaseRating

log = logging.getLogger("voronka.service")

MAX_BODY_BYTES = 8 * 1024
KEY_LENGTH = 48


def _page(request, rating, form, *, status=200, template="service/rate.html"):
    return render(
        request,
        template,
        {"rating": rating, "case": rating.case, "form": form, "honeypot": HONEYPOT},
        status=status,
    )


@csrf_exempt
@require_http_methods(["GET", "POST"])
def rate(request: HttpRequest, key: str) -> HttpResponse:
    rating = CaseRating.objects.select_related("case", "owner").filter(key=key[:KEY_LENGTH]).first()
    if rating is None:
        raise Http404
    if rating.answered_at is not None:
        return _page(request, rating, None, template="service/rate_thanks.html")
    if request.method == "GET":
        return _page(request, rating, RatingForm())
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        length = MAX_BODY_BYTES + 1
    if length > MAX_BODY_BYTES:
        return HttpResponse(_("The form is too large."), status=413, content_type="text/plain")
    if rate_limited(client_address(request)):
        return render(request, "service/rate_limited.html", status=429)
    if request.POST.get(HONEYPOT):
        log.info("Rating %s: honeypot filled, nothing saved", rating.pk)
        return _page(request, rating, None, template="service/rate_thanks.html")
    form = RatingForm(request.POST)
    if not form.is_valid():
        return _page(request, rating, form, status=400)
    try:
        services.rate(
            rating=rating, score=form.cleaned_data["score"], comment=form.cleaned_data["comment"]
        )
    except ValidationError as error:
        form.add_error(None, error.messages)
        return _page(request, rating, form, status=400)
    rating.refresh_from_db()
    return _page(request, rating, None, template="service/rate_thanks.html")
