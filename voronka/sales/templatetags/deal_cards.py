"""The «Deals» card on the page of a company or a contact: the sales app sits above the
customer base, so those pages load this tag instead of importing it."""

from __future__ import annotations

from django import template

from ..selectors import deals_visible_to

register = template.Library()

RELATED_LIMIT = 20


@register.inclusion_tag("sales/_record_deals.html", takes_context=True)
def record_deals(context, record, link: str) -> dict:
    """The first deals of a company (`link="company"`) or a contact (`link="contact"`)."""
    if link not in ("company", "contact"):
        raise template.TemplateSyntaxError(f"record_deals links a company or a contact: {link}")
    user = context["request"].user
    deals = deals_visible_to(user=user).filter(**{link: record}).order_by("-created_at", "-pk")
    return {
        "request": context["request"],
        "link": link,
        "pk": str(record.pk),
        "deals": list(deals[:RELATED_LIMIT]),
        "deals_count": deals.count(),
    }
