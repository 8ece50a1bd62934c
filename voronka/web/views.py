from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template import loader
from django.utils import timezone
from django.views.decorators.http import require_GET

from voronka.accounts import access
from voronka.activities.models import ActivityKind
from voronka.activities.selectors import activities_visible_to
from voronka.audit.selectors import URL_NAMES, StreamScope, stream
from voronka.contacts.selectors import companies_visible_to, contacts_visible_to
from voronka.core import money
from voronka.core.pagination import slice_by_ids
from voronka.core.search import apply_search, search_terms
from voronka.leads.selectors import leads_visible_to
from voronka.notifications.selectors import notifications_for
from voronka.sales.models import StageKind
from voronka.sales.selectors import deals_visible_to, without_next_step

SEARCH_LIMIT = 10
NO_STEP_LIMIT = 100


@login_required
@require_GET
def home(request: HttpRequest) -> HttpResponse:
    """What a manager sees first: their open calls, meetings and tasks, and their top deals."""
    user = request.user
    # A head of sales (who manages more than their own) can switch to the whole team.
    can_see_team = access.heads_team(user)
    whose = "team" if request.GET.get("who") == "team" and can_see_team else "mine"
    owners = {"owner": user} if whose == "mine" else {}
    mine = (
        activities_visible_to(user=user).filter(done__is=False, **owners).order_by("due_at", "pk")
    )
    end_of_today = timezone.localtime().replace(hour=23, minute=59, second=59)
    open_deals = deals_visible_to(user=user).filter(stage__kind=StageKind.OPEN, **owners)
    top_deals = list(open_deals.order_by("-amount", "pk")[:10])
    today = timezone.localdate()
    for deal in top_deals:  # still open after the day it was expected to close
        deal.close_date_passed = bool(deal.expected_close_date and deal.expected_close_date < today)
    no_step = without_next_step(open_deals)
    no_step_rows = list(no_step.order_by("-amount", "pk")[:5])
    # Counted up to NO_STEP_LIMIT ("100+" beyond): the page must stay fast for a big team.
    no_step_count = (
        no_step.order_by()[: NO_STEP_LIMIT + 1].count()
        if len(no_step_rows) == 5
        else len(no_step_rows)
    )
    scope = request.GET.get("stream", StreamScope.ALL)
    if scope not in (StreamScope.MINE, StreamScope.TEAM, StreamScope.ALL):
        scope = StreamScope.ALL
    return render(
        request,
        "web/home.html",
        {
            "rates": money.latest_rates(),
            "events": stream(user=user, scope=scope, limit=15),
            "stream_scope": scope,
            "calls": list(mine.filter(kind=ActivityKind.CALL, due_at__lte=end_of_today)[:10]),
            "meetings": list(mine.filter(kind=ActivityKind.MEETING, due_at__lte=end_of_today)[:10]),
            "tasks": list(mine.filter(kind=ActivityKind.TASK, due_at__lte=end_of_today)[:10]),
            "top_deals": top_deals,
            "any_close_date_passed": any(deal.close_date_passed for deal in top_deals),
            "no_step_deals": no_step_rows,
            "unread_notes": list(notifications_for(user=user, unread=True)[:5]),
            "no_step_count": min(no_step_count, NO_STEP_LIMIT),
            "no_step_more": no_step_count > NO_STEP_LIMIT,
            "whose": whose,
            "can_see_team": can_see_team,
        },
    )


def _section(queryset, query: str, order_by: tuple[str, ...]) -> dict:
    matches = apply_search(queryset, query).order_by(*order_by)
    rows = slice_by_ids(matches, 0, SEARCH_LIMIT + 1)
    return {"rows": rows[:SEARCH_LIMIT], "more": len(rows) > SEARCH_LIMIT}


@login_required
@require_GET
def search(request: HttpRequest) -> HttpResponse:
    """One box for companies, contacts and deals: by name, e-mail, phone or tax id."""
    query = request.GET.get("q", "").strip()[:200]
    sections = {}
    if query and not search_terms(query):
        sections = {"too_short": True}
    elif query:
        user = request.user
        sections = {
            "companies": _section(companies_visible_to(user=user), query, ("name", "pk")),
            "contacts": _section(
                contacts_visible_to(user=user), query, ("last_name", "first_name", "pk")
            ),
            "deals": _section(deals_visible_to(user=user), query, ("name", "pk")),
            "leads": _section(leads_visible_to(user=user), query, ("-requested_at", "-pk")),
        }
    template = (
        "web/search.html#results"
        if request.htmx and not request.htmx.boosted
        else "web/search.html"
    )
    return render(request, template, {"query": query, **sections})


@login_required
@require_GET
def record(request: HttpRequest, entity: str, pk: int) -> HttpResponse:
    """A record's page by entity and id (links of the top bar's recently viewed)."""
    if entity not in URL_NAMES:
        raise Http404
    return redirect(URL_NAMES[entity], pk)


def error_404(request: HttpRequest, exception=None) -> HttpResponse:
    return render(request, "404.html", {"message": str(exception) if exception else ""}, status=404)


def error_403(request: HttpRequest, exception=None) -> HttpResponse:
    return render(request, "403.html", {"message": str(exception) if exception else ""}, status=403)


def error_500(request: HttpRequest) -> HttpResponse:
    # Without the request's context: the context processors read the user and the bell, and
    # the error may be that the database is gone. The page is static text and static files.
    return HttpResponse(loader.get_template("500.html").render(), status=500)
