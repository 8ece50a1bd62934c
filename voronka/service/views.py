from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from voronka.accounts import access
from voronka.accounts.models import Deputy
from voronka.audit.services import record_view
from voronka.core.bounds import parse_id
from voronka.core.errors import ConflictError
from voronka.sales.models import Deal
from voronka.ui import crud
from voronka.ui.forms import style_widgets
from voronka.ui.listing import Column

from . import selectors, services
from .filters import CaseFilter
from .forms import CaseForm, DeputyForm, StakeholderForm, StatusForm
from .models import ALLOWED_LABELS, Case, CaseStatus, SlaRule, Stakeholder, WorkCalendar

CASE_COLUMNS = [
    Column("subject", gettext_lazy("Case")),
    Column("status", gettext_lazy("Status"), classes="d-none d-sm-table-cell"),
    Column("priority", gettext_lazy("Priority"), classes="d-none d-md-table-cell"),
    Column("client", gettext_lazy("Client"), sortable=False, classes="d-none d-lg-table-cell"),
    Column("owner", gettext_lazy("Owner"), classes="d-none d-md-table-cell"),
    Column("due", gettext_lazy("Time left"), classes="d-none d-sm-table-cell"),
    Column("opened", gettext_lazy("Opened"), classes="d-none d-lg-table-cell"),
]

BOARD_LIMIT = 30


def _mark_left(cases) -> None:
    """The working time left on each case, for the list and the board (one calendar read)."""
    cal = services.calendar()
    now = timezone.now()
    for case in cases:
        case.left = services.time_left(case, now=now, cal=cal)


@login_required
@require_GET
def case_list(request: HttpRequest) -> HttpResponse:
    return crud.render_list(
        request,
        template="service/case_list.html",
        queryset=selectors.cases_visible_to(user=request.user),
        filterset_class=CaseFilter,
        columns=CASE_COLUMNS,
        default_sort="-opened",
        prepare_rows=_mark_left,
    )


@login_required
@require_GET
def case_board(request: HttpRequest) -> HttpResponse:
    filterset = CaseFilter(
        request.GET or None,
        queryset=selectors.cases_visible_to(user=request.user),
        request=request,
    )
    style_widgets(filterset.form, small=True)
    cases = filterset.qs if filterset.is_bound and filterset.is_valid() else filterset.queryset
    columns = []
    for status, label in CaseStatus.choices:
        in_status = cases.filter(status=status)
        cards = list(in_status.order_by("-opened_at", "-pk")[:BOARD_LIMIT])
        _mark_left(cards)
        columns.append(
            {"status": status, "label": label, "cards": cards, "count": in_status.count()}
        )
    return render(
        request,
        "service/case_board.html",
        {
            "columns": columns,
            "filterset": filterset,
            "querystring": request.GET.urlencode(),
            "board_limit": BOARD_LIMIT,
        },
    )


@login_required
@require_GET
def case_detail(request: HttpRequest, pk: int) -> HttpResponse:
    case = access.get_visible(
        request.user,
        selectors.cases_visible_to(user=request.user).select_related("deal", "document"),
        pk,
    )
    record_view(user=request.user, record=case)
    _mark_left([case])
    may_change = access.can_change(request.user, case)
    ratings = list(case.ratings.all()[:5])
    links = [
        (label, record, access.can_view(request.user, record))
        for label, record in (
            (_("Company"), case.company),
            (_("Contact"), case.contact),
            (_("Deal"), case.deal),
        )
        if record is not None
    ]
    return render(
        request,
        "service/case_detail.html",
        {
            "object": case,
            "can_change": may_change,
            "can_delete": access.can_delete(request.user, case),
            "can_take": services.can_take(request.user, case),
            "moves": [(s, ALLOWED_LABELS[s]) for s in services.ALLOWED.get(case.status, ())]
            if may_change
            else [],
            "status_form": StatusForm(),
            "links": links,
            "ratings": ratings,
            "rating_url": request.build_absolute_uri(ratings[0].public_url())
            if ratings and ratings[0].answered_at is None and may_change
            else "",
            "pauses": list(case.pauses.all()),
            "rule": services.rule_for(case),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def case_create(request: HttpRequest) -> HttpResponse:
    initial = {}
    deal_id = parse_id(request.GET.get("deal", ""))
    if deal_id is not None:
        deal = access.get_visible(request.user, Deal, deal_id)
        initial = {"deal": deal.pk, "company": deal.company_id, "contact": deal.contact_id}
    return crud.create_view(
        request,
        form_class=CaseForm,
        create=services.case_create,
        template="service/case_form.html",
        initial=initial,
    )


@login_required
@require_http_methods(["GET", "POST"])
def case_edit(request: HttpRequest, pk: int) -> HttpResponse:
    case = access.get_changeable(request.user, Case, pk)
    return crud.edit_view(
        request,
        record=case,
        form_class=CaseForm,
        update=services.case_update,
        template="service/case_form.html",
        record_arg="case",
    )


@login_required
@require_http_methods(["GET", "POST"])
def case_delete(request: HttpRequest, pk: int) -> HttpResponse:
    case = access.get_deletable(request.user, Case, pk)
    return crud.delete_view(
        request,
        record=case,
        delete=services.case_delete,
        record_arg="case",
        success_url=reverse("service:case-list"),
    )


@login_required
@require_POST
def case_status(request: HttpRequest, pk: int) -> HttpResponse:
    case = access.get_changeable(request.user, Case, pk)
    form = StatusForm(request.POST)
    status = request.POST.get("status", "")
    if not form.is_valid():
        messages.error(request, " ".join(e for errs in form.errors.values() for e in errs))
        return redirect(case.get_absolute_url())
    try:
        case = services.case_set_status(
            actor=request.user,
            case=case,
            status=status,
            resolution=form.cleaned_data["resolution"],
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    except ConflictError as conflict:
        messages.error(request, str(conflict))
    else:
        messages.success(request, _("“%(name)s” is saved.") % {"name": case})
    return redirect(case.get_absolute_url())


@login_required
@require_POST
def case_take(request: HttpRequest, pk: int) -> HttpResponse:
    case = access.get_visible(request.user, Case, pk)
    try:
        case = services.case_take(actor=request.user, case=case)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("The case “%(name)s” is yours now.") % {"name": case})
    return redirect(case.get_absolute_url())


@login_required
@require_GET
def case_autocomplete(request: HttpRequest) -> HttpResponse:
    return crud.autocomplete_response(request, Case.objects.all(), order_by=("-opened_at", "-pk"))


@login_required
@require_GET
def sla_settings(request: HttpRequest) -> HttpResponse:
    calendar = WorkCalendar.objects.filter(is_default=True).prefetch_related("days")
    return render(
        request,
        "service/sla_settings.html",
        {"rules": SlaRule.objects.all(), "calendar": calendar.first()},
    )


# The people around a deal.


@login_required
@require_GET
def stakeholder_graph(request: HttpRequest, pk: int) -> JsonResponse:
    """The map's data for Cytoscape.js: the contacts as nodes, influence as edges."""
    deal = access.get_visible(request.user, Deal, pk)
    people = selectors.stakeholders_of(deal)
    nodes = [
        {
            "data": {
                "id": f"s{p.pk}",
                "label": f"{p.contact}\n{p.get_role_display()}",
                "role": p.role,
                "attitude": p.attitude,
            }
        }
        for p in people
    ]
    edges = [
        {"data": {"id": f"e{p.pk}-{t.pk}", "source": f"s{p.pk}", "target": f"s{t.pk}"}}
        for p in people
        for t in p.influences.all()
    ]
    return JsonResponse({"elements": nodes + edges})


@login_required
@require_POST
def stakeholder_add(request: HttpRequest, pk: int) -> HttpResponse:
    deal = access.get_changeable(request.user, Deal, pk)
    form = StakeholderForm(request.POST, user=request.user, deal=deal)
    if form.is_valid():
        try:
            services.stakeholder_save(
                actor=request.user,
                deal=deal,
                contact=form.cleaned_data["contact"],
                role=form.cleaned_data["role"],
                attitude=form.cleaned_data["attitude"],
                note=form.cleaned_data["note"],
                influences=form.cleaned_data["influences"],
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("The stakeholder map is saved."))
    else:
        messages.error(request, " ".join(e for errs in form.errors.values() for e in errs))
    return redirect(deal.get_absolute_url() + "#stakeholders")


@login_required
@require_POST
def stakeholder_delete(request: HttpRequest, pk: int) -> HttpResponse:
    person = get_object_or_404(Stakeholder.objects.select_related("deal"), pk=pk)
    deal = access.get_changeable(request.user, Deal, person.deal_id)
    services.stakeholder_delete(actor=request.user, stakeholder=person)
    messages.success(request, _("The stakeholder map is saved."))
    return redirect(deal.get_absolute_url() + "#stakeholders")


# Deputies: the user's own page.


@login_required
@require_http_methods(["GET", "POST"])
def deputies(request: HttpRequest) -> HttpResponse:
    form = DeputyForm(request.POST or None, instance=Deputy(absent=request.user), user=request.user)
    if request.method == "POST" and form.is_valid():
        deputy = form.save()
        messages.success(
            request,
            _("%(name)s covers for you from %(start)s to %(end)s.")
            % {
                "name": deputy.deputy.display_name,
                "start": deputy.starts_on.strftime("%d.%m.%Y"),
                "end": deputy.ends_on.strftime("%d.%m.%Y"),
            },
        )
        return redirect("service:deputies")
    today = timezone.localdate()
    return render(
        request,
        "service/deputies.html",
        {
            "form": form,
            "mine": Deputy.objects.filter(absent=request.user, ends_on__gte=today).select_related(
                "deputy"
            ),
            "covering": Deputy.objects.filter(
                deputy=request.user, ends_on__gte=today
            ).select_related("absent"),
            "today": today,
        },
    )


@login_required
@require_POST
def deputy_end(request: HttpRequest, pk: int) -> HttpResponse:
    deputy = Deputy.objects.filter(pk=pk, absent=request.user).first()
    if deputy is None:
        raise Http404
    deputy.delete()
    access.forget(request.user)
    messages.success(request, _("The deputy is removed."))
    return redirect("service:deputies")
