"""The notifications page: the user's own notifications, marking them read, e-mail settings."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_POST

from . import selectors, services
from .forms import PreferenceForm
from .models import Notification


def _page_context(request: HttpRequest, form: PreferenceForm | None = None) -> dict:
    unread_only = request.GET.get("unread") == "1"
    rows = selectors.notifications_for(user=request.user, unread=True if unread_only else None)
    page_obj = Paginator(rows, settings.VORONKA["PAGE_SIZE"]).get_page(request.GET.get("page"))
    if form is None:
        form = PreferenceForm(instance=selectors.preferences_for(user=request.user))
    return {"page_obj": page_obj, "unread_only": unread_only, "form": form}


@login_required
@require_GET
def notification_list(request: HttpRequest) -> HttpResponse:
    return render(request, "notifications/notification_list.html", _page_context(request))


@login_required
@require_POST
def notification_read(request: HttpRequest, pk: int) -> HttpResponse:
    """Mark one of the user's notifications read; another user's is not found (404)."""
    notification = get_object_or_404(Notification, pk=pk, user=request.user)
    services.mark_read(user=request.user, ids=[notification.pk])
    if request.htmx:
        notification.refresh_from_db()
        return render(
            request,
            "notifications/notification_list.html#item",
            {
                "notification": notification,
                "swap_badge": True,
                "notifications_unread": selectors.unread_count(user=request.user),
            },
        )
    return redirect("notifications:list")


@login_required
@require_POST
def notification_read_all(request: HttpRequest) -> HttpResponse:
    marked = services.mark_read(user=request.user)
    if marked:
        messages.success(
            request,
            ngettext(
                "%(count)d notification is marked as read.",
                "%(count)d notifications are marked as read.",
                marked,
            )
            % {"count": marked},
        )
    return redirect("notifications:list")


@login_required
@require_POST
def preferences(request: HttpRequest) -> HttpResponse:
    form = PreferenceForm(request.POST)
    if not form.is_valid():  # pragma: no cover (two check boxes are always valid)
        return render(request, "notifications/notification_list.html", _page_context(request, form))
    services.preferences_update(user=request.user, data=form.cleaned_data)
    messages.success(request, _("Your notification settings are saved."))
    return redirect("notifications:list")
