"""The calendar page, its events and drag-and-drop, and the personal iCalendar feed."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from voronka.accounts import access
from voronka.accounts.models import Entity
from voronka.activities import ics
from voronka.activities.models import Activity, ActivityKind, ActivityType
from voronka.activities.selectors import activities_visible_to
from voronka.activities.services import activity_update
from voronka.core import bounds
from voronka.core.errors import ConflictError

from . import selectors, services
from .models import CalendarFeed


def event_json(activity: Activity, *, user) -> dict:
    """One activity as a FullCalendar event. Times are the user's wall-clock times without an
    offset: the calendar runs in the user's time zone (see calendar.js)."""
    zone = timezone.get_current_timezone()
    color = activity.type.color if activity.type_id else "#0d6efd"
    classes = [f"kind-{activity.kind}"]
    if activity.done:
        classes.append("is-done")
        color = "#adb5bd"
    elif activity.is_overdue:
        classes.append("is-overdue")
    return {
        "id": str(activity.pk),
        "title": activity.subject,
        "start": activity.due_at.astimezone(zone).replace(tzinfo=None).isoformat(),
        "end": activity.ends_at.astimezone(zone).replace(tzinfo=None).isoformat(),
        "url": activity.get_absolute_url(),
        "backgroundColor": color,
        "borderColor": "#b42318" if "is-overdue" in classes else color,
        "classNames": classes,
        "editable": access.can_change(user, activity),
        "extendedProps": {
            "kind": activity.kind,
            "version": activity.version,
            "hasEnd": activity.end_at is not None,
            "done": activity.done,
            "overdue": activity.is_overdue,
            "owner": activity.owner.display_name,
            "moveUrl": reverse("calendars:event-move", args=[activity.pk]),
        },
    }


@login_required
@require_GET
def calendar_page(request: HttpRequest) -> HttpResponse:
    user = request.user
    feed = CalendarFeed.objects.filter(user=user).first()
    chosen_user = bounds.parse_id(request.GET.get("user", ""))
    chosen_team = bounds.parse_id(request.GET.get("team", ""))
    return render(
        request,
        "calendars/calendar.html",
        {
            "colleagues": access.colleagues(user, Entity.ACTIVITY)
            .exclude(pk=user.pk)
            .filter(is_active=True)
            .order_by("first_name", "last_name", "username"),
            "teams": selectors.calendar_teams(user).order_by("name"),
            "chosen_user": chosen_user,
            "chosen_team": chosen_team,
            "types": ActivityType.objects.filter(is_active=True).exclude(kind=ActivityKind.NOTE),
            "feed": feed,
            "time_zone": timezone.get_current_timezone_name(),
            "fc_locale": "ru" if translation.get_language().startswith("ru") else "en",
        },
    )


@login_required
@require_GET
def calendar_events(request: HttpRequest) -> JsonResponse:
    try:
        start, end = selectors.parse_period(request.GET.get("start"), request.GET.get("end"))
        of = selectors.whose(
            request.user, user_id=request.GET.get("user"), team_id=request.GET.get("team")
        )
    except ValidationError as error:
        return _refuse(" ".join(error.messages), 400)
    activities = selectors.events(user=request.user, start=start, end=end, of=of)
    return JsonResponse([event_json(a, user=request.user) for a in activities], safe=False)


def _refuse(message: str, status: int) -> JsonResponse:
    return JsonResponse({"error": message}, status=status)


@login_required
@require_POST
def event_move(request: HttpRequest, pk: int) -> JsonResponse:
    """Drag (new start, and end) or resize (new end) an activity in the calendar."""
    try:
        activity = access.get_changeable(request.user, activities_visible_to(user=request.user), pk)
    except Http404:
        return JsonResponse(
            {"error": _("No such record, or you have no access to it.")}, status=404
        )
    except PermissionDenied as denied:
        return JsonResponse(
            {"error": str(denied) or _("You may not change this record.")}, status=403
        )
    try:
        start = selectors.parse_moment(request.POST.get("start"))
        end = selectors.parse_moment(request.POST.get("end"))
    except ValidationError as error:
        return _refuse(" ".join(error.messages), 400)
    version = bounds.parse_id(request.POST.get("version", ""))
    if start is None or (request.POST.get("end") and end is None) or version is None:
        return _refuse(_("The new time could not be read."), 400)
    data = {"due_at": start}
    if end is not None:
        data["end_at"] = end
    try:
        activity = activity_update(
            actor=request.user, activity=activity, data=data, version=version
        )
    except ConflictError as conflict:
        return _refuse(str(conflict), 409)
    except PermissionDenied as denied:
        return JsonResponse(
            {"error": str(denied) or _("You may not change this record.")}, status=403
        )
    except ValidationError as error:
        return _refuse(" ".join(error.messages), 400)
    return JsonResponse(event_json(activity, user=request.user))


@login_required
@require_POST
def feed_renew(request: HttpRequest) -> HttpResponse:
    had = CalendarFeed.objects.filter(user=request.user).exists()
    services.feed_renew(user=request.user)
    if had:
        messages.success(request, _("The calendar has a new address; the old one no longer works."))
    else:
        messages.success(
            request, _("The calendar address is ready: add it to your calendar program.")
        )
    return _back(request)


@login_required
@require_POST
def feed_revoke(request: HttpRequest) -> HttpResponse:
    services.feed_revoke(user=request.user)
    messages.success(request, _("The calendar address is revoked."))
    return _back(request)


def _back(request: HttpRequest) -> HttpResponse:
    """Back to the profile (where the address is also managed) or to the calendar."""
    if request.POST.get("next") == "profile":
        return redirect(reverse("accounts:profile") + "#calendar-feed")
    return redirect(reverse("calendars:calendar") + "#subscribe")


@require_GET
def feed(request: HttpRequest, token: str) -> HttpResponse:
    """The personal feed, read by calendar programs: no session, the secret token is the key."""
    feed = get_object_or_404(
        CalendarFeed.objects.select_related("user"), token=token, user__is_active=True
    )
    user = feed.user
    with translation.override(user.language or settings.LANGUAGE_CODE):
        body = ics.feed(user, selectors.feed_activities(user=user))
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="voronka.ics"'
    response["Cache-Control"] = "private, max-age=300"
    return response
