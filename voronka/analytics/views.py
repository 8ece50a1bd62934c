from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from voronka.core.export import table_response

from . import selectors, services
from .dashboard import BLOCKS, layout_of
from .dashboard import context as dashboard_context


@login_required
@require_GET
def dashboard(request: HttpRequest) -> HttpResponse:
    """The user's dashboard: the filters, the period's won deals (the answer to "how many,
    for how much", whatever the layout) and the places of the blocks the user chose, in
    their order; each block loads itself."""
    context = dashboard_context(request.user, request.GET)
    won = selectors.won_total(context.pop("deals"), context["start"], context["end"])
    context.update(won_count=won.count, won_total=won.total, won_unconverted=won.unconverted)
    return render(request, "analytics/dashboard.html", context)


@login_required
@require_GET
def block(request: HttpRequest, block: str) -> HttpResponse:
    """One block of the dashboard, loaded by the page after itself (the funnel with the
    sales cycle)."""
    if block not in BLOCKS:
        raise Http404
    context = dashboard_context(request.user, request.GET, only=block)
    context["panel"] = context["panels"][0]
    context["chart"] = context["charts"][block]
    if block == "funnel":
        context["cycle"] = selectors.sales_cycle(
            context.pop("deals"), context["start"], context["end"]
        )
    return render(request, "analytics/_late_block.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def layout(request: HttpRequest) -> HttpResponse:
    """Arrange the dashboard: which blocks, in what order (drag them; without script the
    checked ones keep the listed order)."""
    current = layout_of(request.user)
    if request.method == "POST":
        if "reset" in request.POST:
            services.layout_reset(user=request.user)
        else:
            services.layout_save(user=request.user, blocks=request.POST.getlist("blocks"))
        messages.success(request, _("The dashboard is arranged."))
        return redirect("reports:dashboard")
    rest = [key for key in BLOCKS if key not in current]
    return render(
        request,
        "analytics/layout.html",
        {"items": [(key, BLOCKS[key].title, key in current) for key in [*current, *rest]]},
    )


def filters_refused(form) -> HttpResponse | None:
    """A file of figures over other filters than the ones asked for would mislead: a bad
    filter refuses the export (400), saying what is wrong, where the page shows the default
    period beside the form's errors."""
    if not form.is_bound or form.is_valid():
        return None
    lines = [
        f"{form.fields[name].label}: {message}" if name in form.fields else message
        for name, messages in form.errors.items()
        for message in messages
    ]
    return HttpResponseBadRequest("\n".join(lines), content_type="text/plain; charset=utf-8")


@login_required
@require_GET
def export(request: HttpRequest, block: str, fmt: str) -> HttpResponse:
    """One block's figures as CSV (UTF-8 with BOM, semicolons: Excel opens it) or XLSX."""
    if block not in BLOCKS or fmt not in ("csv", "xlsx"):
        raise Http404
    context = dashboard_context(request.user, request.GET, only=block)
    refused = filters_refused(context["form"])
    if refused is not None:
        return refused
    panel = context["panels"][0]
    header = [_("Name"), *[str(title) for title in panel["columns"]]]
    rows = [[bar.label, *(value for value, _money in cells)] for bar, cells in panel["rows"]]
    return table_response(
        fmt,
        filename=block,
        title=str(BLOCKS[block].title),
        header=header,
        rows=rows,
        money_from=2,
    )
