"""What the marketing adds to the pages of lower apps' records (they load these tags and
never import the marketing): on a contact's and a company's page the groups (and «add to a
group»), the unsubscription, the questionnaires answered and to fill; on a deal's page the
competitors the client considers."""

from __future__ import annotations

from django import template

from voronka.contacts.selectors import companies_visible_to

from .. import segments
from ..models import (
    Audience,
    DealCompetitor,
    Group,
    Questionnaire,
    Response,
    Unsubscription,
)

register = template.Library()


@register.inclusion_tag("marketing/_record_card.html", takes_context=True)
def marketing_card(context, record, entity: str) -> dict:
    request = context["request"]
    groups = []
    member_ids: set[int] = set()
    if entity in Audience.values:
        groups = list(segments.groups_visible_to(user=request.user).filter(audience=entity)[:50])
        if groups:
            through = (
                Group.companies.through if entity == Audience.COMPANY else Group.contacts.through
            )
            member_ids = set(
                through.objects.filter(
                    **{f"{entity}_id": record.pk}, group_id__in=[g.pk for g in groups]
                ).values_list("group_id", flat=True)
            )
    out = {
        "request": request,
        "record": record,
        "entity": entity,
        "member_of": [g for g in groups if g.pk in member_ids],
        "groups": [g for g in groups if g.pk not in member_ids],
    }
    if entity == Audience.CONTACT:
        out["unsubscription"] = Unsubscription.objects.filter(contact=record).first()
        out["responses"] = list(
            Response.objects.filter(contact=record)
            .select_related("questionnaire", "filled_by")
            .prefetch_related("answers__question")[:10]
        )
        out["questionnaires"] = list(Questionnaire.objects.filter(is_active=True)[:20])
    return out


@register.inclusion_tag("marketing/_deal_competitors.html", takes_context=True)
def deal_competitors(context, deal) -> dict:
    request = context["request"]
    visible = companies_visible_to(user=request.user)
    chosen = DealCompetitor.objects.filter(deal=deal, competitor__in=visible).select_related(
        "competitor"
    )
    return {
        "request": request,
        "deal": deal,
        "chosen": list(chosen),
        "competitors": list(
            visible.filter(is_competitor=True)
            .exclude(pk__in=[c.competitor_id for c in chosen])
            .order_by("name")[:100]
        ),
    }


@register.inclusion_tag("marketing/_bulk_group.html", takes_context=True)
def bulk_group_options(context, entity: str) -> dict:
    """In a list's bulk bar: «add to a group» with the groups of this kind of records."""
    request = context["request"]
    groups = []
    if entity in Audience.values:
        groups = list(segments.groups_visible_to(user=request.user).filter(audience=entity)[:100])
    return {"groups": groups}
