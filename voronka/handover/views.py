"""The handover page: a head of sales gives a manager's clients to a colleague."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods

from voronka.accounts import access
from voronka.ui import crud

from .forms import HandoverForm
from .services import handover, handover_preview


@login_required
@require_http_methods(["GET", "POST"])
def handover_view(request: HttpRequest) -> HttpResponse:
    """Hand a manager's clients (or chosen companies) over to a colleague."""
    if not access.can_hand_over(request.user):
        raise PermissionDenied(_("Only a head of sales or an administrator hands clients over."))
    form = HandoverForm(request.POST or request.GET or None, user=request.user)
    preview = summary = None
    if form.is_bound and form.is_valid():
        from_user, to_user = form.cleaned_data["from_user"], form.cleaned_data["to_user"]
        if request.method == "POST" and request.POST.get("confirm") == "1":
            try:
                summary = handover(actor=request.user, from_user=from_user, to_user=to_user)
            except ValidationError as error:
                crud.add_service_errors(form, error)
            else:
                messages.success(
                    request,
                    # Translators: names stay in the nominative (a template cannot decline
                    # them): «Клиенты переданы (Алия Нурланова → Данияр Ахметов): …».
                    _("%(from)s's clients are handed over to %(to)s: %(what)s.")
                    % {
                        "from": from_user.display_name,
                        "to": to_user.display_name,
                        "what": summary.sentence(),
                    },
                )
        else:
            preview = handover_preview(owner=from_user)
    return render(
        request,
        "handover/handover.html",
        {"form": form, "preview": preview, "summary": summary},
    )
