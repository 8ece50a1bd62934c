"""The recycle bin (/trash/), webhooks (/settings/webhooks/), workflow rules
(/settings/workflow/) and the load balancers' /healthz."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from voronka.accounts import access
from voronka.core.bounds import parse_id
from voronka.core.pagination import CappedPaginator
from voronka.ui.listing import list_page

from . import bin, webhooks, workflow
from .filters import BinFilter
from .forms import RuleForm, WebhookForm
from .models import Delivery, Rule, RuleRun, Webhook


@login_required
def trash_list(request: HttpRequest) -> HttpResponse:
    entries = bin.entries_visible_to(request.user)
    page = list_page(
        request, entries, filterset_class=BinFilter, columns=[], default_sort="-deleted"
    )
    context = {
        "list": page,
        "page_obj": page.page,
        "entries": page.page.object_list,
        "may_purge": access.is_admin(request.user),
        "days": bin.bin_days(),
    }
    if request.htmx:
        return render(request, "administration/trash_list.html#results", context)
    return render(request, "administration/trash_list.html", context)


def _entry(request: HttpRequest, pk: int):
    entry = bin.entries_visible_to(request.user).filter(pk=pk).first()
    if entry is None:
        raise Http404(_("No such record, or you have no access to it."))
    return entry


@login_required
@require_POST
def trash_restore(request: HttpRequest, pk: int) -> HttpResponse:
    entry = _entry(request, pk)
    try:
        bin.bin_restore(actor=request.user, entry=entry)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("“%(name)s” is restored.") % {"name": entry.label})
    return redirect("administration:trash")


@login_required
@require_POST
def trash_purge(request: HttpRequest, pk: int) -> HttpResponse:
    entry = _entry(request, pk)
    bin.bin_purge(actor=request.user, entries=[entry])
    messages.success(request, _("“%(name)s” is deleted for good.") % {"name": entry.label})
    return redirect("administration:trash")


@login_required
@require_POST
def trash_empty(request: HttpRequest) -> HttpResponse:
    count = bin.bin_purge(actor=request.user, entries=bin.entries_visible_to(request.user))
    messages.success(request, _("The recycle bin is emptied: %(count)s.") % {"count": count})
    return redirect("administration:trash")


@login_required
@require_http_methods(["GET", "POST"])
def webhook_list(request: HttpRequest) -> HttpResponse:
    access.require_configure(request.user)
    form = WebhookForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            webhooks.webhook_save(actor=request.user, webhook=form.instance)
        except ValidationError as error:
            form.add_error("url", error)
        else:
            messages.success(request, _("“%(name)s” is saved.") % {"name": form.instance})
            return redirect("administration:webhook-edit", form.instance.pk)
    return render(
        request,
        "administration/webhook_list.html",
        {"webhooks": Webhook.objects.all(), "form": form},
    )


@login_required
@require_http_methods(["GET", "POST"])
def webhook_edit(request: HttpRequest, pk: int) -> HttpResponse:
    access.require_configure(request.user)
    hook = get_object_or_404(Webhook, pk=pk)
    form = WebhookForm(request.POST or None, instance=hook)
    if request.method == "POST" and request.POST.get("delete"):
        webhooks.webhook_delete(actor=request.user, webhook=hook)
        messages.success(request, _("“%(name)s” is deleted.") % {"name": hook})
        return redirect("administration:webhook-list")
    if request.method == "POST" and form.is_valid():
        try:
            webhooks.webhook_save(actor=request.user, webhook=form.instance)
        except ValidationError as error:
            form.add_error("url", error)
        else:
            messages.success(request, _("“%(name)s” is saved.") % {"name": hook})
            return redirect("administration:webhook-edit", hook.pk)
    deliveries = CappedPaginator(Delivery.objects.filter(webhook=hook), 25).get_page(
        parse_id(request.GET.get("page")) or 1
    )
    return render(
        request,
        "administration/webhook_form.html",
        {"form": form, "object": hook, "page_obj": deliveries},
    )


@login_required
@require_http_methods(["GET", "POST"])
def rule_list(request: HttpRequest) -> HttpResponse:
    access.require_configure(request.user)
    form = RuleForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            workflow.rule_save(actor=request.user, rule=form.instance)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("“%(name)s” is saved.") % {"name": form.instance})
            return redirect("administration:rule-list")
    runs = CappedPaginator(RuleRun.objects.select_related("rule"), 25).get_page(
        parse_id(request.GET.get("page")) or 1
    )
    return render(
        request,
        "administration/rule_list.html",
        {"rules": Rule.objects.all(), "form": form, "page_obj": runs},
    )


@login_required
@require_http_methods(["GET", "POST"])
def rule_edit(request: HttpRequest, pk: int) -> HttpResponse:
    access.require_configure(request.user)
    rule = get_object_or_404(Rule, pk=pk)
    if request.method == "POST" and request.POST.get("delete"):
        workflow.rule_delete(actor=request.user, rule=rule)
        messages.success(request, _("“%(name)s” is deleted.") % {"name": rule})
        return redirect("administration:rule-list")
    form = RuleForm(request.POST or None, instance=rule)
    if request.method == "POST" and form.is_valid():
        try:
            workflow.rule_save(actor=request.user, rule=form.instance)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("“%(name)s” is saved.") % {"name": rule})
            return redirect("administration:rule-list")
    return render(request, "administration/rule_form.html", {"form": form, "object": rule})
