"""The import wizard at /import/: upload → preview and mapping → check (a dry run) → run
with a progress bar → the report, its file, the undo. And vCard export of contacts."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from voronka.accounts import access
from voronka.contacts import selectors as contact_selectors
from voronka.contacts.filters import ContactFilter
from voronka.contacts.models import Contact
from voronka.core import bounds, export
from voronka.ui.listing import list_page

from . import services, tasks
from .forms import MappingForm, UploadForm
from .models import ImportJob, Status
from .vcard import contact_card

JOBS_PER_PAGE = 20
PROBLEMS_SHOWN = 100
VCARD_LIMIT = 50_000


def _job(request: HttpRequest, pk: int) -> ImportJob:
    job = services.jobs_visible_to(request.user).filter(pk=pk).first()
    if job is None:
        raise Http404
    return job


@login_required
@require_http_methods(["GET", "POST"])
def import_start(request: HttpRequest) -> HttpResponse:
    form = UploadForm(
        request.POST or None,
        request.FILES or None,
        initial={"target": request.GET.get("target", "contact")[:20]},
    )
    if request.method == "POST" and form.is_valid():
        try:
            job = services.job_upload(
                actor=request.user,
                upload=form.cleaned_data["file"],
                target=form.cleaned_data["target"],
            )
        except ValidationError as error:
            for message in error.messages:
                form.add_error("file", message)
        else:
            return redirect("imports:job", job.pk)
    jobs = Paginator(services.jobs_visible_to(request.user), JOBS_PER_PAGE)
    page = jobs.get_page(bounds.parse_id(request.GET.get("page")) or 1)
    return render(
        request,
        "imports/import_start.html",
        {
            "form": form,
            "page_obj": page,
            "section": "imports",
            "max_mb": services.max_upload_bytes() // 2**20,
        },
    )


def _mapping_form(request, job, data=None) -> MappingForm:
    initial = {f"col_{k}": v for k, v in job.mapping.items()}
    initial.update(rule=job.rule, match_by=job.match_by, owner=job.owner_id)
    return MappingForm(data, job=job, user=request.user, initial=initial)


@login_required
@require_http_methods(["GET", "POST"])
def job_detail(request: HttpRequest, pk: int) -> HttpResponse:
    job = _job(request, pk)
    form = None
    if job.status == Status.UPLOADED:
        form = _mapping_form(request, job, request.POST or None)
        if request.method == "POST" and form.is_valid():
            try:
                services.job_configure(
                    actor=request.user,
                    job=job,
                    mapping=form.mapping(),
                    rule=form.cleaned_data["rule"],
                    match_by=form.cleaned_data["match_by"],
                    owner=form.cleaned_data["owner"],
                )
                tasks.enqueue(actor=request.user, job=job, check=True)
            except ValidationError as error:
                for message in error.messages:
                    form.add_error(None, message)
            else:
                return redirect("imports:job", job.pk)
    problems = job.problems.all()[:PROBLEMS_SHOWN]
    return render(
        request,
        "imports/job_detail.html",
        {
            "job": job,
            "form": form,
            "preview": services.preview(job) if job.status == Status.UPLOADED else [],
            "problems": problems,
            "can_undo": services.can_undo(request.user, job),
            "can_resume": job.status == Status.FAILED or (job.is_active and services.is_stale(job)),
            "section": "imports",
        },
    )


@login_required
@require_GET
def job_progress(request: HttpRequest, pk: int) -> HttpResponse:
    job = _job(request, pk)
    response = render(request, "imports/_progress.html", {"job": job})
    if not job.is_active and not job.dry_run.get("running"):
        response["HX-Refresh"] = "true"  # done: the whole page shows the report
    return response


@login_required
@require_POST
def job_run(request: HttpRequest, pk: int) -> HttpResponse:
    job = _job(request, pk)
    try:
        tasks.enqueue(actor=request.user, job=job)
    except (ValidationError, PermissionDenied) as error:
        messages.error(request, " ".join(getattr(error, "messages", [str(error)])))
    return redirect("imports:job", job.pk)


@login_required
@require_POST
def job_reconfigure(request: HttpRequest, pk: int) -> HttpResponse:
    job = _job(request, pk)
    if job.status == Status.UPLOADED:
        job.dry_run = {}
        job.save(update_fields=["dry_run"])
    return redirect("imports:job", job.pk)


@login_required
@require_POST
def job_undo(request: HttpRequest, pk: int) -> HttpResponse:
    job = _job(request, pk)
    try:
        job = services.job_undo(actor=request.user, job=job)
    except PermissionDenied as error:
        messages.error(request, str(error))
    else:
        if job.undo_kept:
            messages.warning(
                request,
                _("The import is undone; %(n)s records changed since were kept.")
                % {"n": job.undo_kept},
            )
        else:
            messages.success(request, _("The import is undone."))
    return redirect("imports:job", job.pk)


@login_required
@require_GET
def job_report(request: HttpRequest, pk: int) -> StreamingHttpResponse:
    """The rejected rows with the file's own columns and the reason: fix and import again."""
    job = _job(request, pk)
    lines = export.csv_lines(services.report_header(job), services.report_rows(job))
    stamp = timezone.localtime().strftime("%Y-%m-%d")
    return export.csv_stream(lines, filename=f"import-{job.pk}-errors-{stamp}")


# vCard export.


def _version(request: HttpRequest) -> str:
    return (
        "4.0"
        if request.GET.get("version") == "4.0" or request.POST.get("version") == "4.0"
        else "3.0"
    )


def _vcf_response(contacts, *, filename: str, version: str) -> StreamingHttpResponse:
    response = StreamingHttpResponse(
        (contact_card(c, version=version) for c in contacts),
        content_type="text/vcard; charset=utf-8",
    )
    response["Content-Disposition"] = f'attachment; filename="{filename}.vcf"'
    return response


@login_required
@require_GET
def contact_vcard(request: HttpRequest, pk: int) -> StreamingHttpResponse:
    contact = access.get_visible(request.user, Contact.objects.select_related("company"), pk)
    return _vcf_response([contact], filename=f"contact-{contact.pk}", version=_version(request))


@login_required
@require_http_methods(["GET", "POST"])
def contacts_vcard(request: HttpRequest) -> StreamingHttpResponse:
    """GET: the contact list as filtered (its query string); POST: the ticked rows."""
    visible = contact_selectors.contacts_visible_to(user=request.user)
    if request.method == "POST":
        ids = [
            i for i in (bounds.parse_id(v) for v in request.POST.getlist("ids")[:VCARD_LIMIT]) if i
        ]
        contacts = visible.filter(pk__in=ids).select_related("company").order_by("last_name", "pk")
    else:
        page = list_page(
            request, visible, filterset_class=ContactFilter, columns=[], default_sort="name"
        )
        ids = list(page.paginator.object_list.values_list("pk", flat=True)[:VCARD_LIMIT])
        contacts = (
            Contact.objects.filter(pk__in=ids).select_related("company").order_by("last_name", "pk")
        )
    stamp = timezone.localtime().strftime("%Y-%m-%d")
    return _vcf_response(
        contacts.iterator(chunk_size=1000), filename=f"contacts-{stamp}", version=_version(request)
    )
