"""The public end of a web form, `/f/<key>/`: what a visitor of the organisation's site fills.

Public means hostile. The endpoint is CSRF-exempt on purpose (it is posted from another
site, where no CSRF cookie of ours exists) and defends itself instead:
- a honeypot field people never see: a robot that fills it is answered "thank you" and
  nothing is saved;
- a minimum fill time: the page carries a signed timestamp; a sending faster than the
  form's minimum (or without a valid timestamp) saves nothing;
- a rate limit per visitor address (on the cache): past it, 429;
- size limits: the whole body, and each field's length;
- only the form's own fields are read: anything else a browser sends is ignored;
- after sending, a redirect only to the form's own addresses (never to one the request
  names), otherwise the thank-you text;
- every value is escaped where it is shown (templates), never marked safe.
The page may be shown in an iframe on any site (`xframe_options_exempt` and the CSP's
`frame-ancestors *`, this view only).
"""

from __future__ import annotations

import logging
import time

from csp.decorators import csp_replace
from django import forms
from django.conf import settings
from django.core import signing
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.clickjacking import xframe_options_exempt
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from . import hooks, services
from .models import FORM_FIELDS, WebForm

log = logging.getLogger("voronka.leads")

MAX_BODY_BYTES = 16 * 1024
MAX_LENGTHS = {
    "person_name": 150,
    "company_name": 255,
    "phone": 32,
    "email": 254,
    "question": 2000,
}
HONEYPOT = "website"
STAMP = "ts"
REDIRECT_PARAM = "redirect"
# A page opened more than a day ago must be reloaded before it is sent.
STAMP_MAX_AGE = 24 * 3600
_SALT = "voronka.leads.webform"


def stamp(form: WebForm) -> str:
    """The signed moment the page was shown, for this form only."""
    return signing.dumps({"k": form.key, "t": time.time()}, salt=_SALT)


def stamp_age(form: WebForm, value: str) -> float | None:
    """Seconds since the page was shown, or None when the stamp is not ours or too old."""
    try:
        data = signing.loads(value or "", salt=_SALT, max_age=STAMP_MAX_AGE)
    except signing.BadSignature:
        return None
    if not isinstance(data, dict) or data.get("k") != form.key:
        return None
    try:
        return time.time() - float(data["t"])
    except (KeyError, TypeError, ValueError):
        return None


def client_address(request: HttpRequest) -> str:
    """The visitor's address. Behind a proxy, set the proxy to pass the real one in
    REMOTE_ADDR (a forwarded header is the visitor's to forge)."""
    return request.META.get("REMOTE_ADDR", "") or "unknown"


def rate_limited(address: str) -> bool:
    """Count this sending against the address; True once it is past the limit."""
    limit = settings.VORONKA["WEBFORM_RATE"]
    window = settings.VORONKA["WEBFORM_RATE_MINUTES"] * 60
    key = f"voronka:webform:rate:{address}"
    cache.add(key, 0, timeout=window)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=window)
        count = 1
    return count > limit


class PublicForm(forms.Form):
    """Only the fields the web form declares, each with its length limit."""

    def __init__(self, *args, web_form: WebForm, **kwargs):
        super().__init__(*args, **kwargs)
        for spec in web_form.fields:
            name = spec["name"]
            if name not in FORM_FIELDS:
                continue
            label = spec.get("label") or FORM_FIELDS[name]
            required = bool(spec.get("required"))
            length = MAX_LENGTHS[name]
            if name == "email":
                field = forms.EmailField(label=label, required=required, max_length=length)
            elif name == "question":
                field = forms.CharField(
                    label=label,
                    required=required,
                    max_length=length,
                    widget=forms.Textarea(attrs={"rows": 4}),
                )
            else:
                field = forms.CharField(label=label, required=required, max_length=length)
            if name == "phone":
                field.widget.input_type = "tel"
            field.widget.attrs["class"] = "form-control"
            self.fields[name] = field

    def clean(self):
        cleaned = super().clean()
        if not any(cleaned.get(name) for name in ("person_name", "company_name", "phone", "email")):
            raise ValidationError(_("Tell us how to reach you."))
        return cleaned


def _page(request, web_form, form, *, status=200, message="") -> HttpResponse:
    return render(
        request,
        "leads/public_form.html",
        {
            "web_form": web_form,
            "form": form,
            "stamp": stamp(web_form),
            "honeypot": HONEYPOT,
            "message": message,
            "redirect_value": request.POST.get(REDIRECT_PARAM, "")[:500]
            if request.method == "POST"
            else request.GET.get(REDIRECT_PARAM, "")[:500],
        },
        status=status,
    )


def _thanks(request, web_form, *, status=200) -> HttpResponse:
    wanted = request.POST.get(REDIRECT_PARAM, "")[:500] or web_form.redirect_url
    if wanted and web_form.allows_redirect(wanted):
        return HttpResponseRedirect(wanted)
    return render(request, "leads/public_thanks.html", {"web_form": web_form}, status=status)


@csrf_exempt
@xframe_options_exempt
@csp_replace({"frame-ancestors": ["*"]})
@require_http_methods(["GET", "POST"])
def public_form(request: HttpRequest, key: str) -> HttpResponse:
    web_form = WebForm.objects.select_related("source", "owner").filter(key=key[:32]).first()
    if web_form is None or not web_form.is_active:
        raise Http404
    if request.method == "GET":
        return _page(request, web_form, PublicForm(web_form=web_form))
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        length = MAX_BODY_BYTES + 1
    if length > MAX_BODY_BYTES:
        return HttpResponse(_("The form is too large."), status=413, content_type="text/plain")
    if rate_limited(client_address(request)):
        return render(request, "leads/public_limited.html", {"web_form": web_form}, status=429)
    if request.POST.get(HONEYPOT):
        log.info("Web form %s: honeypot filled, nothing saved", web_form.pk)
        return _thanks(request, web_form)
    form = PublicForm(request.POST, web_form=web_form)
    age = stamp_age(web_form, request.POST.get(STAMP, ""))
    if age is None or age < web_form.min_fill_seconds:
        # A robot's speed, or a page not shown by us (a plain HTML form on the site): the
        # visitor sees what they typed once more, with a fresh stamp, and sends it again.
        form.is_valid()
        return _page(
            request,
            web_form,
            form,
            status=400,
            message=_("Please check the details and send the form again."),
        )
    if not form.is_valid():
        return _page(request, web_form, form, status=400)
    try:
        opener = hooks.case_opener() if web_form.opens_case else None
        if opener is not None:
            opener(data=form.cleaned_data, web_form=web_form)
        else:
            services.lead_create(actor=None, data=form.cleaned_data, web_form=web_form)
    except ValidationError as error:
        for field, errors in getattr(error, "error_dict", {"__all__": error.messages}).items():
            form.add_error(field if field in form.fields else None, errors)
        return _page(request, web_form, form, status=400)
    return _thanks(request, web_form)
