"""Settings → Date rules (administrators only)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from voronka.accounts import access

from . import services
from .forms import DateRuleForm
from .models import DateRule


@login_required
@require_http_methods(["GET", "POST"])
def date_rule_list(request: HttpRequest) -> HttpResponse:
    access.require_configure(request.user)
    form = DateRuleForm()
    if request.method == "POST":
        form = DateRuleForm(request.POST)
        if form.is_valid():
            services.date_rule_save(actor=request.user, rule=form.instance)
            messages.success(request, _("“%(name)s” is saved.") % {"name": form.instance})
            return redirect("automation:date-rule-list")
    rules = DateRule.objects.select_related("activity_type")
    return render(request, "automation/date_rule_list.html", {"rules": rules, "form": form})


@login_required
@require_http_methods(["GET", "POST"])
def date_rule_edit(request: HttpRequest, pk: int) -> HttpResponse:
    access.require_configure(request.user)
    rule = get_object_or_404(DateRule, pk=pk)
    form = DateRuleForm(request.POST or None, instance=rule)
    if request.method == "POST" and form.is_valid():
        services.date_rule_save(actor=request.user, rule=form.instance)
        messages.success(request, _("“%(name)s” is saved.") % {"name": rule})
        return redirect("automation:date-rule-list")
    return render(request, "automation/date_rule_form.html", {"form": form, "object": rule})
