"""What the service adds to other pages (a deal's stakeholder map and its cases) and the
filters of its own pages. The deal page loads these tags; sales never imports the service."""

from __future__ import annotations

from django import template
from django.utils.translation import gettext as _

from voronka.accounts import access

from ..forms import StakeholderForm
from ..models import Attitude, StakeholderRole
from ..selectors import cases_visible_to, stakeholders_of

register = template.Library()


@register.filter
def working_hours(seconds) -> str:
    """Working time as «3 h 20 min» (the sign is the template's business)."""
    if seconds is None:
        return ""
    seconds = abs(int(seconds))
    hours, minutes = seconds // 3600, (seconds % 3600) // 60
    if hours and minutes:
        return _("%(hours)s h %(minutes)s min") % {"hours": hours, "minutes": minutes}
    if hours:
        return _("%(hours)s h") % {"hours": hours}
    return _("%(minutes)s min") % {"minutes": minutes}


@register.inclusion_tag("service/_deal_stakeholders.html", takes_context=True)
def deal_stakeholders(context, deal) -> dict:
    """The «People around the deal» card: the map (Cytoscape.js) and the table."""
    user = context["request"].user
    may_change = access.can_change(user, deal)
    return {
        "request": context["request"],
        "csrf_token": context.get("csrf_token"),
        "deal": deal,
        "people": stakeholders_of(deal),
        "may_change": may_change,
        "form": StakeholderForm(user=user, deal=deal) if may_change else None,
        "roles": StakeholderRole.choices,
        "attitudes": Attitude.choices,
    }


@register.inclusion_tag("service/_deal_cases.html", takes_context=True)
def deal_cases(context, deal) -> dict:
    user = context["request"].user
    cases = cases_visible_to(user=user).filter(deal=deal).order_by("-opened_at")
    return {"deal": deal, "cases": list(cases[:20]), "count": cases.count()}
