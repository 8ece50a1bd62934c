"""The report builder's pages: the reports I may open, making and changing one (with a
preview), running it, exporting it."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from voronka.accounts import access
from voronka.core.export import table_response
from voronka.ui.forms import style_widgets

from . import builder, services
from .models import ReportEntity, ReportSchedule, ReportSharing, SavedReport

FILTER_ROWS = 4


class ReportForm(forms.Form):
    """The builder's form: what the report is about, then its parts, all chosen from lists
    the entity's whitelist fills."""

    name = forms.CharField(label=gettext_lazy("Report name"), max_length=200)
    entity = forms.ChoiceField(label=gettext_lazy("What"), choices=ReportEntity.choices)
    columns = forms.MultipleChoiceField(
        label=gettext_lazy("Columns"), required=False, widget=forms.CheckboxSelectMultiple
    )
    group_1 = forms.ChoiceField(label=gettext_lazy("Group by"), required=False)
    group_2 = forms.ChoiceField(label=gettext_lazy("then by"), required=False)
    aggregate = forms.ChoiceField(
        label=gettext_lazy("Total"), choices=list(builder.AGGREGATES.items()), required=False
    )
    aggregate_field = forms.ChoiceField(label=gettext_lazy("of"), required=False)
    sort = forms.ChoiceField(label=gettext_lazy("Sort by"), required=False)
    chart = forms.ChoiceField(
        label=gettext_lazy("Chart"), choices=list(builder.CHARTS.items()), required=False
    )
    sharing = forms.ChoiceField(
        label=gettext_lazy("Who may open it"), choices=ReportSharing.choices
    )
    schedule = forms.ChoiceField(
        label=gettext_lazy("Send it to me by e-mail"),
        choices=ReportSchedule.choices,
        required=False,
    )

    def __init__(self, *args, entity: str, **kwargs):
        super().__init__(*args, **kwargs)
        spec = builder.ENTITIES.get(entity) or builder.ENTITIES["deals"]
        fields = [(f.key, f.label) for f in spec.fields]
        groupable = [("", "—")] + [(f.key, f.label) for f in spec.fields if f.groupable]
        self.fields["columns"].choices = fields
        self.fields["group_1"].choices = groupable
        self.fields["group_2"].choices = groupable
        self.fields["aggregate_field"].choices = [("", "—")] + [
            (f.key, f.label) for f in spec.fields if f.summable
        ]
        sorts = [
            ("", "—"),
            ("-value", _("total, largest first")),
            ("value", _("total, smallest first")),
        ]
        for key, label in fields:
            sorts += [(key, f"{label} ↑"), (f"-{key}", f"{label} ↓")]
        self.fields["sort"].choices = sorts
        self.filter_choices = [("", "—"), *fields]
        self.operators = list(builder.OPERATOR_LABELS.items())
        style_widgets(self, small=True)

    def filter_rows(self) -> list[dict]:
        data = self.data if self.is_bound else {}
        rows = []
        initial = self.initial.get("filters", [])
        for index in range(FILTER_ROWS):
            if self.is_bound:
                row = {
                    "field": data.get(f"filter_{index}_field", ""),
                    "op": data.get(f"filter_{index}_op", ""),
                    "value": data.get(f"filter_{index}_value", ""),
                }
            else:
                row = (
                    initial[index] if index < len(initial) else {"field": "", "op": "", "value": ""}
                )
            rows.append({"index": index, **row})
        return rows

    def spec(self) -> dict:
        """The definition the form describes, checked by the builder (ValidationError)."""
        data = self.cleaned_data
        return builder.clean_spec(
            data["entity"],
            {
                "columns": data.get("columns") or [],
                "filters": [
                    {"field": r["field"], "op": r["op"], "value": r["value"]}
                    for r in self.filter_rows()
                    if r["field"]
                ],
                "group_by": [data.get("group_1"), data.get("group_2")],
                "aggregate": {
                    "fn": data.get("aggregate") or "count",
                    "field": data.get("aggregate_field"),
                },
                "sort": data.get("sort") or "",
                "chart": data.get("chart") or "",
            },
        )


def _initial(report: SavedReport) -> dict:
    spec = report.spec or {}
    groups = [*spec.get("group_by", []), "", ""]
    aggregate = spec.get("aggregate") or {}
    return {
        "name": report.name,
        "entity": report.entity,
        "columns": spec.get("columns", []),
        "filters": spec.get("filters", []),
        "group_1": groups[0],
        "group_2": groups[1],
        "aggregate": aggregate.get("fn", "count"),
        "aggregate_field": aggregate.get("field", ""),
        "sort": spec.get("sort", ""),
        "chart": spec.get("chart", ""),
        "sharing": report.sharing,
        "schedule": report.schedule,
    }


def _visible(request: HttpRequest, pk: int) -> SavedReport:
    return get_object_or_404(access.reports_visible(request.user, SavedReport.objects), pk=pk)


@login_required
@require_GET
def report_list(request: HttpRequest) -> HttpResponse:
    reports = access.reports_visible(request.user, SavedReport.objects).select_related("author")
    return render(request, "analytics/builder_list.html", {"reports": reports})


@login_required
@require_http_methods(["GET", "POST"])
def report_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    """Make or change a report; "Preview" runs it without saving."""
    report = None
    if pk is not None:
        report = _visible(request, pk)
        if not access.can_change_report(request.user, report):
            raise PermissionDenied(_("Only the author may change this report."))
    entity = (
        request.POST.get("entity")
        or request.GET.get("entity")
        or (report.entity if report else "deals")
    )
    if entity not in builder.ENTITIES:
        entity = "deals"
    initial = (
        _initial(report)
        if report
        else {
            "entity": entity,
            "columns": list(builder.ENTITIES[entity].default_columns),
            "sharing": ReportSharing.PRIVATE,
            "aggregate": "count",
        }
    )
    if report and request.GET.get("entity") and request.GET["entity"] != report.entity:
        initial.update(
            entity=entity, columns=list(builder.ENTITIES[entity].default_columns), filters=[]
        )
    bound = request.method == "POST" and "change_entity" not in request.POST
    form = ReportForm(
        request.POST if bound else None, initial=initial if not bound else None, entity=entity
    )
    if request.method == "POST" and "change_entity" in request.POST:
        form = ReportForm(
            initial={
                **initial,
                "entity": entity,
                "name": request.POST.get("name", ""),
                "columns": list(builder.ENTITIES[entity].default_columns),
                "filters": [],
            },
            entity=entity,
        )
    preview = None
    if bound and form.is_valid():
        try:
            spec = form.spec()
        except ValidationError as error:
            for message in error.messages:
                form.add_error(None, message)
        else:
            if "preview" in request.POST:
                preview = builder.run(entity, spec, request.user)
            else:
                report = report or SavedReport(author=request.user)
                report.name = form.cleaned_data["name"]
                report.entity = entity
                report.spec = spec
                report.sharing = form.cleaned_data["sharing"]
                report.team_id = (
                    request.user.team_id if report.sharing == ReportSharing.TEAM else None
                )
                report.schedule = form.cleaned_data.get("schedule") or ""
                services.report_save(actor=request.user, report=report)
                messages.success(request, _("The report is saved."))
                return redirect("reports:builder-run", pk=report.pk)
    return render(
        request,
        "analytics/builder_form.html",
        {"form": form, "object": report, "preview": preview, "entity": entity},
    )


def _run_page(
    request: HttpRequest, report: SavedReport, result, problem: str = "", status: int = 200
) -> HttpResponse:
    return render(
        request,
        "analytics/builder_run.html",
        {
            "report": report,
            "result": result,
            "problem": problem,
            "can_change": access.can_change_report(request.user, report),
        },
        status=status,
    )


@login_required
@require_GET
def report_run(request: HttpRequest, pk: int) -> HttpResponse:
    """The report with the rows the viewer may see."""
    report = _visible(request, pk)
    try:
        result = builder.run(
            report.entity, report.spec, request.user, page=request.GET.get("page") or 1
        )
    except ValidationError as error:
        return _run_page(request, report, None, " ".join(error.messages))
    return _run_page(request, report, result)


@login_required
@require_GET
def report_export(request: HttpRequest, pk: int, fmt: str) -> HttpResponse:
    if fmt not in ("csv", "xlsx"):
        raise Http404
    report = _visible(request, pk)
    try:
        result = builder.run(report.entity, report.spec, request.user, everything=True)
    except ValidationError as error:  # saved before a check existed: say why, no file
        return _run_page(request, report, None, " ".join(error.messages), status=400)
    return export_response(report, result, fmt)


def export_response(report: SavedReport, result, fmt: str) -> HttpResponse:
    return table_response(
        fmt,
        filename=f"report-{report.pk}",
        title=report.name,
        header=result.headers,
        rows=result.rows,
    )


@login_required
@require_POST
def report_delete(request: HttpRequest, pk: int) -> HttpResponse:
    report = _visible(request, pk)
    services.report_delete(actor=request.user, report=report)
    messages.success(request, _("The report is deleted."))
    return redirect("reports:builder")
