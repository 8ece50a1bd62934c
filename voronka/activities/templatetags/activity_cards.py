"""What the activities add to the pages of the records they are about: the card of a record's
activities and the tabs of its timeline, stream and history. A company's, contact's or deal's
page loads these tags; those apps never import the activities (which sit above them)."""

from __future__ import annotations

from django import template

from voronka.accounts.models import Entity

from ..selectors import activities_visible_to, postponements
from ..timeline import record_context

register = template.Library()

RELATED_LIMIT = 20
_LINKS = {
    Entity.COMPANY: "company",
    Entity.CONTACT: "contact",
    Entity.DEAL: "deal",
    Entity.LEAD: "lead",
    Entity.CASE: "case",
}


@register.inclusion_tag("activities/_record_activities.html", takes_context=True)
def record_activities(context, record, entity: str) -> dict:
    """The «Activities» card: the first activities about the record, their count, and how many
    times they were postponed (companies and deals)."""
    user = context["request"].user
    link = _LINKS[entity]
    about = (
        activities_visible_to(user=user).filter(**{link: record}).order_by("done", "-due_at", "-pk")
    )
    postponed = 0
    if entity == Entity.COMPANY:
        postponed = postponements(companies=[record.pk]).get(record.pk, 0)
    elif entity == Entity.DEAL:
        postponed = postponements(deals=[record.pk]).get(record.pk, 0)
    return {
        "request": context["request"],
        "link": link,
        "pk": str(record.pk),
        "activities": list(about[:RELATED_LIMIT]),
        "activities_count": about.count(),
        "postponed": postponed,
    }


@register.inclusion_tag("activities/_record_cards.html", takes_context=True)
def record_cards(context, record, entity: str) -> dict:
    """The timeline (with the quick form), the activity stream and the change history."""
    request = context["request"]
    return {"request": request, **record_context(user=request.user, entity=entity, record=record)}
