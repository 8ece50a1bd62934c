"""What the marketing adds to the pages of lower apps' records (they load these tags and
never import the marketing): on a contact's and a company's page the groups (and «add to a
group»), the unsubscription, the questionnaires answered and to fill; on a deal's page the
competitors the client considers."""

from __future__ import annotations

from django import template

from voronka.contacts.selectors import companies_visible_to

from .. import segments, services
from ..models import Audience, DealCompetitor, Questionnaire, Response, Unsubscription

register = template.Library()


@register.inclusion_tag("marketing/_record_card.html", takes_context=True)
def marketing_card(context, record, entity: str) -> dict:
    request = context["request"]
    user = request.user
    groups = segments.groups_visible_to(user=user).filter(audience=entity)
    related = {"company": "companies", "contact": "contacts"}.get(entity)
    member_of = groups.filter(**{related: record}) if related else []
    out = {
        "request": request,
        "record": record,
        "entity": entity,
        "member_of": list(member_of),
        "groups": list(groups.exclude(pk__in=[g.pk for g in member_of])[:50]),
    }
    if entity == Audience.CONTACT:
        out["unsubscription"] = Unsubscription.objects.filter(contact=record).first()
        out["responses"] = list(
            Response.objects.filter(contact=record)
            .select_related("questionnaire", "filled_by")
            .prefetch_related("answers__question")[:10]
        )
        out["questionnaires"] = list(Questionnaire.objects.filter(is_active=True)[:20])
    out["can_manage"] = services.can_manage(user)
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
