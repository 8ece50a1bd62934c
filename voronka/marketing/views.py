"""Marketing pages: campaigns, segments, groups, mailings, questionnaires, competitors; the
public ends of a mailing (unsubscribe, signed links, the open pixel) and of a questionnaire."""

import base64
import contextlib
import csv
import io

import django_filters
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Q
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from voronka.accounts import access
from voronka.contacts.models import Company, Contact
from voronka.contacts.selectors import companies_visible_to, contacts_visible_to
from voronka.core import bounds, money
from voronka.leads.public import client_address, rate_limited
from voronka.sales.models import Deal, StageKind
from voronka.sales.selectors import deals_visible_to
from voronka.ui import crud
from voronka.ui.filters import RecordFilterSet
from voronka.ui.listing import Column

from . import segments, services
from .forms import (
    AnswerForm,
    CampaignForm,
    CostForm,
    GroupForm,
    MailingForm,
    QuestionnaireForm,
    SegmentForm,
    questions_text,
)
from .models import (
    Answer,
    Audience,
    Campaign,
    CampaignCost,
    CampaignStatus,
    Channel,
    DealCompetitor,
    Mailing,
    MailingStatus,
    QuestionKind,
    Questionnaire,
    Recipient,
    Segment,
    SurveyLink,
)

PREVIEW = 50


def _manage(request) -> bool:
    return services.can_manage(request.user)


# Campaigns --------------------------------------------------------------------------------


class CampaignFilter(RecordFilterSet):
    channel = django_filters.ChoiceFilter(
        choices=Channel.choices, label=gettext_lazy("Channel"), empty_label=gettext_lazy("Any")
    )
    status = django_filters.ChoiceFilter(
        choices=CampaignStatus.choices,
        label=gettext_lazy("Status"),
        empty_label=gettext_lazy("Any"),
    )
    sort_fields = {"name": ["name"], "starts": ["starts_on"], "status": ["status", "name"]}

    class Meta:
        model = Campaign
        fields = ["search", "channel", "status"]

    def filter_search(self, queryset, name, value):
        return queryset.filter(name__icontains=value[:100]) if value else queryset


CAMPAIGN_COLUMNS = [
    Column("name", gettext_lazy("Campaign")),
    Column("channel", gettext_lazy("Channel"), sortable=False),
    Column("starts", gettext_lazy("Period")),
    Column("status", gettext_lazy("Status")),
]


@login_required
@require_GET
def campaign_list(request):
    return crud.render_list(
        request,
        template="marketing/campaign_list.html",
        queryset=Campaign.objects.select_related("owner"),
        filterset_class=CampaignFilter,
        columns=CAMPAIGN_COLUMNS,
        default_sort="-starts",
        context={"can_manage": _manage(request)},
    )


def _form_page(request, form, title, template="marketing/form.html", **extra):
    return render(request, template, {"form": form, "title": title, **extra})


@login_required
@require_http_methods(["GET", "POST"])
def campaign_edit(request, pk=None):
    services.require_manage(request.user)
    campaign = get_object_or_404(Campaign, pk=pk) if pk else None
    form = CampaignForm(request.POST or None, instance=campaign, user=request.user)
    if request.method == "POST" and form.is_valid():
        campaign = form.save()
        messages.success(request, _("Campaign saved."))
        return redirect(campaign)
    title = _("Edit the campaign") if campaign else _("New campaign")
    return _form_page(request, form, title)


@login_required
@require_http_methods(["GET", "POST"])
def campaign_detail(request, pk):
    campaign = get_object_or_404(Campaign.objects.select_related("owner", "segment"), pk=pk)
    cost_form = CostForm(request.POST or None, prefix="cost")
    if request.method == "POST":
        services.require_manage(request.user)
        if cost_form.is_valid():
            cost_form.instance.campaign = campaign
            cost_form.save()
            messages.success(request, _("Cost added."))
            return redirect(campaign)
    figures = services.campaign_figures(campaign)
    leads = access.visible(request.user, campaign.leads.all()).order_by("-id")[:PREVIEW]
    deals = (
        deals_visible_to(user=request.user)
        .filter(campaign=campaign)
        .select_related("stage")
        .order_by("-id")[:PREVIEW]
    )
    return render(
        request,
        "marketing/campaign_detail.html",
        {
            "campaign": campaign,
            "figures": figures,
            "costs": campaign.costs.all(),
            "cost_form": cost_form,
            "leads": leads,
            "deals": deals,
            "mailings": campaign.mailings.all(),
            "base_currency": money.base_currency(),
            "can_manage": _manage(request),
        },
    )


@login_required
@require_POST
def cost_delete(request, pk, cost_pk):
    services.require_manage(request.user)
    get_object_or_404(CampaignCost, pk=cost_pk, campaign_id=pk).delete()
    messages.success(request, _("Cost deleted."))
    return redirect("marketing:campaign-detail", pk=pk)


# Segments ---------------------------------------------------------------------------------


def segments_visible(user):
    return Segment.objects.filter(Q(is_shared=True) | Q(owner=user))


@login_required
@require_GET
def segment_list(request):
    items = segments_visible(request.user).select_related("owner")
    return render(
        request,
        "marketing/segment_list.html",
        {
            "segments": items,
            "groups": segments.groups_visible_to(user=request.user).annotate(
                n_companies=Count("companies", distinct=True),
                n_contacts=Count("contacts", distinct=True),
            ),
            "can_manage": _manage(request),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def segment_edit(request, pk=None):
    segment = None
    if pk:
        segment = get_object_or_404(segments_visible(request.user), pk=pk)
        if segment.owner_id != request.user.pk:
            services.require_manage(request.user)
    initial = segment.filters if segment else {}
    form = SegmentForm(request.POST or None, instance=segment)
    conditions = (
        segments.SegmentConditionsForm(
            request.POST or request.GET or None,
            user=request.user,
            initial=initial,
        )
        if request.method == "POST" or request.GET
        else segments.SegmentConditionsForm(initial=initial, user=request.user)
    )
    if request.method == "POST" and form.is_valid() and conditions.is_valid():
        form.instance.filters = conditions.stored()
        if not form.instance.pk:
            form.instance.owner = request.user
        segment = form.save()
        messages.success(request, _("Segment saved."))
        return redirect(segment)
    count = None
    if conditions.is_bound and conditions.is_valid():
        audience = request.POST.get("audience") or request.GET.get("audience") or "contact"
        resolve = segments.companies if audience == Audience.COMPANY else segments.contacts
        count = resolve(conditions.stored(), request.user).count()
    return render(
        request,
        "marketing/segment_form.html",
        {
            "form": form,
            "conditions": conditions,
            "segment": segment,
            "count": count,
            "title": _("Edit the segment") if segment else _("New segment"),
        },
    )


@login_required
@require_GET
def segment_count(request):
    """The live count while a segment is built (htmx)."""
    conditions = segments.SegmentConditionsForm(request.GET, user=request.user)
    if not conditions.is_valid():
        return HttpResponse(_("Check the conditions."))
    audience = request.GET.get("audience")
    resolve = segments.companies if audience == Audience.COMPANY else segments.contacts
    count = resolve(conditions.stored(), request.user).count()
    return HttpResponse(_("Found: %(n)s") % {"n": count})


@login_required
@require_GET
def segment_detail(request, pk):
    segment = get_object_or_404(segments_visible(request.user), pk=pk)
    records = segments.resolve(segment, request.user)
    cond = segments.conditions(segment.filters, request.user)
    return render(
        request,
        "marketing/segment_detail.html",
        {
            "segment": segment,
            "count": records.count(),
            "records": records.order_by("pk")[:PREVIEW],
            "list_query": segments.list_query(segment),
            "conditions": [
                (segments.SegmentConditionsForm.base_fields[k].label, v) for k, v in cond.items()
            ],
            "can_manage": _manage(request) or segment.owner_id == request.user.pk,
        },
    )


@login_required
@require_POST
def segment_delete(request, pk):
    segment = get_object_or_404(segments_visible(request.user), pk=pk)
    if segment.owner_id != request.user.pk:
        services.require_manage(request.user)
    segment.delete()
    messages.success(request, _("Segment deleted."))
    return redirect("marketing:segment-list")


def _address_rows(segment, user):
    contacts = segments.contacts_of(user=user, segment=segment).select_related("company")
    for contact in contacts.order_by("last_name", "first_name", "pk")[:20000]:
        company = contact.company
        yield {
            "name": contact.full_name,
            "company": company.name if company else "",
            "address": company.address if company else "",
            "city": company.city if company else "",
            "region": company.region if company else "",
        }


@login_required
@require_GET
def segment_addresses(request, pk):
    """The segment as an address table (CSV) or as labels (PDF) for a postal mailing."""
    segment = get_object_or_404(segments_visible(request.user), pk=pk)
    rows = list(_address_rows(segment, request.user))
    if request.GET.get("format") == "pdf":
        from voronka.documents.rendering import html_to_pdf

        html = render_to_string("marketing/labels.html", {"rows": rows})
        response = HttpResponse(html_to_pdf(html), content_type="application/pdf")
        response["Content-Disposition"] = 'attachment; filename="labels.pdf"'
        return response
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow([_("Name"), _("Company"), _("Address"), _("City"), _("Region")])
    for row in rows:
        writer.writerow([_safe(v) for v in row.values()])
    response = HttpResponse("\ufeff" + buffer.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="addresses.csv"'
    return response


def _safe(value: str) -> str:
    """No formula in a spreadsheet cell."""
    return "'" + value if value[:1] in ("=", "+", "-", "@") else value


# Groups -----------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def group_edit(request, pk=None):
    group = None
    if pk:
        group = get_object_or_404(segments.groups_visible_to(user=request.user), pk=pk)
        if group.curator_id != request.user.pk:
            services.require_manage(request.user)
    form = GroupForm(request.POST or None, instance=group, user=request.user)
    if request.method == "POST" and form.is_valid():
        group = form.save()
        messages.success(request, _("Group saved."))
        return redirect(group)
    return _form_page(request, form, _("Edit the group") if group else _("New group"))


@login_required
@require_http_methods(["GET", "POST"])
def group_detail(request, pk):
    group = get_object_or_404(segments.groups_visible_to(user=request.user), pk=pk)
    may_change = _manage(request) or group.curator_id == request.user.pk
    if request.method == "POST":
        if not may_change:
            raise Http404
        ids = [i for i in (bounds.parse_id(v) for v in request.POST.getlist("remove")) if i]
        related = group.companies if group.audience == Audience.COMPANY else group.contacts
        related.remove(*ids)
        messages.success(request, _("Removed from the group."))
        return redirect(group)
    records = segments.group_records(group, request.user)
    return render(
        request,
        "marketing/group_detail.html",
        {
            "group": group,
            "records": records.order_by("pk")[:500],
            "count": records.count(),
            "may_change": may_change,
        },
    )


@login_required
@require_POST
def group_add(request):
    entity = request.POST.get("entity", "")
    ids = [i for i in (bounds.parse_id(v) for v in request.POST.getlist("ids")) if i][:5000]
    try:
        n = services.add_to_group(
            request.user, bounds.parse_id(request.POST.get("group")), entity, ids
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Added to the group: %(n)s.") % {"n": n})
    back = request.POST.get("next", "")
    if back.startswith("/") and not back.startswith("//"):
        return HttpResponseRedirect(back)
    return redirect("marketing:segment-list")


# Mailings ---------------------------------------------------------------------------------


@login_required
@require_GET
def mailing_list(request):
    return render(
        request,
        "marketing/mailing_list.html",
        {
            "mailings": Mailing.objects.select_related("campaign", "segment", "group")[:200],
            "can_manage": _manage(request),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def mailing_edit(request, pk=None):
    services.require_manage(request.user)
    mailing = get_object_or_404(Mailing, pk=pk, status=MailingStatus.DRAFT) if pk else None
    initial = {}
    for name in ("campaign", "segment", "group"):
        value = bounds.parse_id(request.GET.get(name))
        if value:
            initial[name] = value
    form = MailingForm(request.POST or None, instance=mailing, user=request.user, initial=initial)
    if request.method == "POST" and form.is_valid():
        if not form.instance.pk:
            form.instance.author = request.user
        mailing = form.save()
        messages.success(request, _("Mailing saved. Check it and send."))
        return redirect(mailing)
    return _form_page(request, form, _("Edit the mailing") if mailing else _("New mailing"))


@login_required
@require_GET
def mailing_detail(request, pk):
    mailing = get_object_or_404(
        Mailing.objects.select_related("campaign", "segment", "group", "template", "author"),
        pk=pk,
    )
    stats = services.mailing_stats(mailing)
    context = {
        "mailing": mailing,
        "stats": stats,
        "can_manage": _manage(request),
        # The letters to the contacts the viewer may see (the counts above are of all).
        "recipients": Recipient.objects.filter(
            mailing=mailing, contact__in=contacts_visible_to(user=request.user)
        )
        .select_related("contact")
        .order_by("id")[:PREVIEW],
    }
    if request.htmx:
        return render(request, "marketing/_mailing_stats.html", context)
    return render(request, "marketing/mailing_detail.html", context)


@login_required
@require_POST
def mailing_send(request, pk):
    mailing = get_object_or_404(Mailing, pk=pk)
    start = not mailing.scheduled_at or mailing.scheduled_at <= timezone.now()
    try:
        counts = services.queue(mailing, actor=request.user, start=start)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Queued: %(n)s letters.") % {"n": counts.get("pending", 0)})
    return redirect(mailing)


@login_required
@require_POST
def mailing_pause(request, pk):
    mailing = get_object_or_404(Mailing, pk=pk)
    if mailing.status == MailingStatus.PAUSED:
        services.resume(mailing, actor=request.user)
    else:
        services.pause(mailing, actor=request.user)
    return redirect(mailing)


# The public ends of a letter --------------------------------------------------------------


@csrf_exempt
@require_http_methods(["GET", "POST"])
def unsubscribe(request, token):
    """GET shows a button (mail scanners follow links: a GET changes nothing); POST (the
    button, or the mail program's one-click per RFC 8058) unsubscribes."""
    if len(token) > 300 or services.read_token(token, services._SALT_UNSUB) is None:
        raise Http404
    done = False
    if request.method == "POST":
        if services.unsubscribe(token) is None:
            raise Http404
        done = True
    return render(request, "marketing/unsubscribe.html", {"done": done})


@require_GET
def click(request, token):
    url = services.record_click(token) if len(token) < 3000 else None
    if url is None:
        raise Http404
    return HttpResponseRedirect(url)


PIXEL = base64.b64decode("R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7")


@require_GET
def open_pixel(request, token):
    if len(token) < 300:
        services.record_open(token)
    return HttpResponse(PIXEL, content_type="image/gif")


# Questionnaires ---------------------------------------------------------------------------


@login_required
@require_GET
def questionnaire_list(request):
    return render(
        request,
        "marketing/questionnaire_list.html",
        {
            "questionnaires": Questionnaire.objects.annotate(n=Count("responses")),
            "can_manage": _manage(request),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def questionnaire_edit(request, pk=None):
    services.require_manage(request.user)
    questionnaire = get_object_or_404(Questionnaire, pk=pk) if pk else None
    initial = {"questions": questions_text(questionnaire)} if questionnaire else {}
    form = QuestionnaireForm(request.POST or None, instance=questionnaire, initial=initial)
    if request.method == "POST" and form.is_valid():
        if questionnaire is not None and questionnaire.responses.exists():
            form.add_error(
                None, _("The questionnaire has answers: its questions stay as they are.")
            )
        else:
            with transaction.atomic():
                if not form.instance.pk:
                    form.instance.author = request.user
                questionnaire = form.save()
                questionnaire.questions.all().delete()
                for q in form.parsed:
                    q.questionnaire = questionnaire
                    q.save()
            messages.success(request, _("Questionnaire saved."))
            return redirect(questionnaire)
    return _form_page(request, form, _("Questionnaire"))


def summary(questionnaire) -> list[dict]:
    """Per question: the counts of each option or score (and NPS), or the latest texts."""
    out = []
    for q in questionnaire.questions.all():
        answers = Answer.objects.filter(question=q)
        item = {"question": q, "labels": [], "values": [], "texts": [], "nps": None}
        if q.kind in (QuestionKind.CHOICE, QuestionKind.MULTIPLE):
            counts = dict.fromkeys(q.options, 0)
            for choices in answers.values_list("choices", flat=True):
                for choice in choices or []:
                    if choice in counts:
                        counts[choice] += 1
            item["labels"], item["values"] = list(counts), list(counts.values())
        elif q.kind == QuestionKind.SCALE:
            numbers = list(answers.exclude(number=None).values_list("number", flat=True))
            item["labels"] = [str(n) for n in q.scale]
            item["values"] = [numbers.count(n) for n in q.scale]
            if numbers:
                item["average"] = round(sum(numbers) / len(numbers), 1)
            if q.is_nps and numbers:
                promoters = sum(1 for n in numbers if n >= 9)
                detractors = sum(1 for n in numbers if n <= 6)
                item["nps"] = round((promoters - detractors) * 100 / len(numbers))
        else:
            item["texts"] = list(
                answers.exclude(text="").order_by("-id").values_list("text", flat=True)[:20]
            )
        out.append(item)
    return out


@login_required
@require_GET
def questionnaire_detail(request, pk):
    questionnaire = get_object_or_404(Questionnaire, pk=pk)
    items = summary(questionnaire)
    charts = {
        str(item["question"].pk): {"labels": item["labels"], "values": item["values"]}
        for item in items
        if item["labels"]
    }
    responses = questionnaire.responses.filter(
        contact__in=contacts_visible_to(user=request.user)
    ).select_related("contact", "filled_by")[:PREVIEW]
    return render(
        request,
        "marketing/questionnaire_detail.html",
        {
            "questionnaire": questionnaire,
            "items": items,
            "charts": charts,
            "responses": responses,
            "count": questionnaire.responses.count(),
            "can_manage": _manage(request),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def questionnaire_fill(request, pk, contact_pk):
    """A manager fills the questionnaire during a call, on the contact's behalf."""
    questionnaire = get_object_or_404(Questionnaire, pk=pk, is_active=True)
    contact = access.get_visible(request.user, Contact, contact_pk)
    deal = None
    deal_pk = bounds.parse_id(request.GET.get("deal") or request.POST.get("deal"))
    if deal_pk:
        deal = deals_visible_to(user=request.user).filter(pk=deal_pk).first()
    form = AnswerForm(request.POST or None, questionnaire=questionnaire)
    if request.method == "POST" and form.is_valid():
        services.save_response(
            questionnaire, form.cleaned_data, contact=contact, deal=deal, actor=request.user
        )
        messages.success(request, _("Answers saved."))
        return redirect(contact)
    return render(
        request,
        "marketing/questionnaire_fill.html",
        {"questionnaire": questionnaire, "form": form, "contact": contact, "deal": deal},
    )


@login_required
@require_POST
def survey_link_create(request, pk, contact_pk):
    questionnaire = get_object_or_404(Questionnaire, pk=pk, is_active=True)
    contact = access.get_visible(request.user, Contact, contact_pk)
    link = SurveyLink.objects.create(
        questionnaire=questionnaire, contact=contact, created_by=request.user
    )
    messages.success(
        request,
        _("The link for the client: %(url)s")
        % {"url": request.build_absolute_uri(link.get_absolute_url())},
    )
    return redirect(contact)


@csrf_exempt
@require_http_methods(["GET", "POST"])
def survey_public(request, key):
    """The client answers through the link: the key, a rate limit, one answer per link."""
    if len(key) > 64:
        raise Http404
    if request.method == "POST":
        if len(request.body) > 64 * 1024:
            return HttpResponse(_("Too much text."), status=413)
        if rate_limited(client_address(request)):
            return HttpResponse(_("Too many answers from your address. Try later."), status=429)
    link = (
        SurveyLink.objects.select_related("questionnaire", "contact", "deal")
        .filter(key=key, questionnaire__is_active=True)
        .first()
    )
    if link is None:
        raise Http404
    if link.answered_at:
        return render(request, "marketing/survey_public.html", {"answered": True, "link": link})
    form = AnswerForm(request.POST or None, questionnaire=link.questionnaire)
    if request.method == "POST" and form.is_valid():
        with contextlib.suppress(ValidationError):  # answered meanwhile: once only
            services.save_response(
                link.questionnaire,
                form.cleaned_data,
                contact=link.contact,
                deal=link.deal,
                link=link,
            )
        return render(request, "marketing/survey_public.html", {"answered": True, "link": link})
    return render(request, "marketing/survey_public.html", {"form": form, "link": link})


# Competitors ------------------------------------------------------------------------------


def competitor_figures(user, company) -> dict:
    deals = deals_visible_to(user=user)
    lost = deals.filter(lost_to=company, stage__kind=StageKind.LOST)
    open_ids = DealCompetitor.objects.filter(competitor=company).values("deal_id")
    against = deals.filter(pk__in=open_ids)
    won = against.filter(stage__kind=StageKind.WON)
    lost_revenue = {}
    for amount, currency in lost.values_list("amount", "currency"):
        lost_revenue[currency] = lost_revenue.get(currency, 0) + (amount or 0)
    reasons = lost.values("lost_reason__name").annotate(n=Count("id")).order_by("-n")
    return {
        "lost": lost.select_related("stage")[:PREVIEW],
        "lost_count": lost.count(),
        "won": won.select_related("stage")[:PREVIEW],
        "won_count": won.count(),
        "open": against.filter(stage__kind=StageKind.OPEN).select_related("stage")[:PREVIEW],
        "lost_revenue": sorted(lost_revenue.items()),
        "reasons": reasons,
    }


@login_required
@require_GET
def competitor_list(request):
    competitors = companies_visible_to(user=request.user).filter(is_competitor=True)
    rows = []
    for company in competitors.order_by("name")[:200]:
        figures = competitor_figures(request.user, company)
        rows.append((company, figures["won_count"], figures["lost_count"]))
    return render(request, "marketing/competitor_list.html", {"rows": rows})


@login_required
@require_GET
def competitor_detail(request, pk):
    company = access.get_visible(request.user, Company.objects.filter(is_competitor=True), pk)
    return render(
        request,
        "marketing/competitor_detail.html",
        {"company": company, **competitor_figures(request.user, company)},
    )


@login_required
@require_POST
def deal_competitor_add(request, deal_pk):
    deal = access.get_changeable(request.user, Deal, deal_pk)
    company_pk = bounds.parse_id(request.POST.get("competitor"))
    company = (
        companies_visible_to(user=request.user).filter(pk=company_pk, is_competitor=True).first()
    )
    if company is None:
        messages.error(request, _("Choose a competitor."))
    else:
        DealCompetitor.objects.get_or_create(deal=deal, competitor=company)
        messages.success(request, _("Competitor added."))
    return redirect(deal)


@login_required
@require_GET
def dashboard(request):
    """The marketing summary: campaigns with their ROI."""
    rows = [(c, services.campaign_figures(c)) for c in Campaign.objects.order_by("-id")[:50]]
    chart = {
        "labels": [c.name for c, _f in rows],
        "values": [float(f.roi_percent or 0) for _c, f in rows],
    }
    return render(
        request,
        "marketing/dashboard.html",
        {"rows": rows, "chart": chart, "base_currency": money.base_currency()},
    )
