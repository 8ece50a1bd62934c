"""Bulk actions on the rows chosen in a list: reassign, change a deal's stage, delete.

Each record goes through the same access rules and services as one at a time; the answer
says how many were done and why the others were not.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from voronka.accounts import access
from voronka.accounts.models import Entity, User
from voronka.activities.services import activity_delete
from voronka.audit.selectors import model_of
from voronka.contacts.services import company_delete, contact_delete
from voronka.core import bounds
from voronka.handover.services import handover, reassign
from voronka.leads.services import lead_delete
from voronka.marketing.services import add_to_group
from voronka.sales.models import LostReason, Stage
from voronka.sales.services import deal_delete, deal_move_stage

ACTIONS = ("reassign", "stage", "delete", "group")


def _delete(user: User, record) -> None:
    deleters = {
        Entity.COMPANY: lambda: company_delete(actor=user, company=record),
        Entity.CONTACT: lambda: contact_delete(actor=user, contact=record),
        Entity.DEAL: lambda: deal_delete(actor=user, deal=record),
        Entity.ACTIVITY: lambda: activity_delete(actor=user, activity=record),
        Entity.LEAD: lambda: lead_delete(actor=user, lead=record),
    }
    deleters[record.access_entity]()


def _move(user: User, deal, stage, lost_reason) -> None:
    deal_move_stage(actor=user, deal=deal, stage=stage, lost_reason=lost_reason)


@login_required
@require_POST
def bulk_action(request: HttpRequest, entity: str) -> HttpResponse:
    if entity not in Entity.values:
        raise Http404
    back = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}):
        back = "/"
    # Ids that cannot be ids (10**23, "²") are dropped like ids of records one cannot see.
    ids = [i for i in map(bounds.parse_id, request.POST.getlist("ids")) if i is not None]
    action = request.POST.get("action", "")
    if not ids or action not in ACTIONS:
        messages.error(request, _("Choose the records and what to do with them."))
        return redirect(back)
    model = model_of(entity)
    records = access.visible(request.user, model.objects.filter(pk__in=ids))
    done, refused = 0, []
    invisible = len(ids) - records.count()
    if action == "group":  # the marketing's groups (voronka.marketing)
        try:
            added = add_to_group(
                request.user, bounds.parse_id(request.POST.get("group", "")), entity, ids
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("Added to the group: %(n)s.") % {"n": added})
        return redirect(back)
    if action == "reassign":
        owner = (
            access.assignable_owners(request.user, entity)
            .filter(pk=bounds.parse_id(request.POST.get("owner", "")) or 0)
            .first()
        )
        if owner is None:
            messages.error(request, _("Choose whom to give the records to."))
            return redirect(back)
        try:
            if entity == Entity.COMPANY and request.POST.get("with_related") == "1":
                moved = handover(actor=request.user, to_user=owner, companies=records)
                messages.success(request, _("Handed over: %(what)s.") % {"what": moved.sentence()})
                return redirect(back)
            done, not_allowed = reassign(actor=request.user, queryset=records, to_user=owner)
        except (PermissionDenied, ValidationError) as error:
            messages.error(request, " ".join(getattr(error, "messages", [str(error)])))
            return redirect(back)
        refused += [_("you may not change it")] * not_allowed
    else:
        stage = lost_reason = None
        if action == "stage":
            if entity != Entity.DEAL:
                raise Http404
            stage_id = bounds.parse_id(request.POST.get("stage", ""))
            reason_id = bounds.parse_id(request.POST.get("lost_reason", ""))
            stage = Stage.objects.filter(pk=stage_id).first() if stage_id else None
            lost_reason = LostReason.objects.filter(pk=reason_id).first() if reason_id else None
            if stage is None:
                messages.error(request, _("Choose the stage."))
                return redirect(back)
        for record in records.select_related(*(["stage", "pipeline"] if stage else [])):
            try:
                if action == "delete":
                    _delete(request.user, record)
                else:
                    _move(request.user, record, stage, lost_reason)
                done += 1
            except (PermissionDenied, ValidationError) as error:
                reason = " ".join(getattr(error, "messages", [str(error)]))
                refused.append(f"{record}: {reason}")
    refused += [_("no such record, or you have no access to it")] * invisible
    if done:
        messages.success(
            request, ngettext("%(n)s record done.", "%(n)s records done.", done) % {"n": done}
        )
    if refused:
        messages.warning(
            request,
            ngettext("%(n)s record not changed:", "%(n)s records not changed:", len(refused))
            % {"n": len(refused)}
            + " "
            + "; ".join(refused[:10]),
        )
    return redirect(back)
