"""Rendering the activity stream: a sentence per event and a short "3 wk ago"."""

from django import template
from django.apps import apps
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from voronka.accounts.models import Entity
from voronka.audit.models import Verb
from voronka.audit.selectors import URL_NAMES
from voronka.core.money import format_money

register = template.Library()


@register.filter
def ago(moment) -> str:
    """How long ago, the short way a stream says it: "5 min ago", "3 wk ago"."""
    if not moment:
        return ""
    seconds = max(0, int((timezone.now() - moment).total_seconds()))
    minutes, hours, days = seconds // 60, seconds // 3600, seconds // 86400
    if minutes < 1:
        return _("just now")
    if hours < 1:
        return _("%(n)s min ago") % {"n": minutes}
    if days < 1:
        return _("%(n)s h ago") % {"n": hours}
    if days < 14:
        return _("%(n)s d ago") % {"n": days}
    if days < 60:
        return _("%(n)s wk ago") % {"n": days // 7}
    if days < 365:
        return _("%(n)s mo ago") % {"n": days // 30}
    return _("%(n)s yr ago") % {"n": days // 365}


def _link(entity: str, object_id, label: str):
    if not object_id:
        return label
    try:
        url = reverse(URL_NAMES[entity], args=[object_id])
    except (KeyError, NoReverseMatch):
        return label
    return format_html('<a href="{}">{}</a>', url, label)


SETTING_VERBS = {
    Verb.SETTING_ADDED: gettext_lazy("{actor} added to the settings ({kind}): {record}"),
    Verb.SETTING_CHANGED: gettext_lazy("{actor} changed the settings ({kind}): {record}"),
    Verb.SETTING_DELETED: gettext_lazy("{actor} deleted from the settings ({kind}): {record}"),
    Verb.SETTING_DEACTIVATED: gettext_lazy(
        "{actor} deactivated in the settings ({kind}): {record}"
    ),
}


def _setting_sentence(event, actor: str) -> str:
    """A settings change, with the kind of setting named in the reader's language."""
    try:
        kind = apps.get_model(event.entity)._meta.verbose_name
    except (LookupError, ValueError):
        kind = event.entity
    return format_html(str(SETTING_VERBS[event.verb]), actor=actor, kind=kind, record=event.label)


@register.simple_tag
def event_sentence(event) -> str:
    """The event as a sentence in the reader's language; names link to the records."""
    actor = event.actor.display_name if event.actor else _("Someone")
    record = _link(event.entity, event.object_id, event.label)
    company = (
        _link(Entity.COMPANY, event.company_id, event.company_label) if event.company_id else ""
    )
    amount = format_money(event.amount, event.currency) if event.amount is not None else ""
    data = event.data or {}
    parts = {"actor": actor, "record": record, "company": company, "amount": amount}
    verb, entity = event.verb, event.entity
    if verb in SETTING_VERBS:
        return _setting_sentence(event, actor)
    if verb == Verb.DELETED:
        parts["record"] = event.label  # no link: the record is gone
        text = {
            Entity.COMPANY: _("{actor} deleted the company {record}"),
            Entity.CONTACT: _("{actor} deleted the contact {record}"),
            Entity.DEAL: _("{actor} deleted the deal {record}"),
            Entity.LEAD: _("{actor} deleted the lead {record}"),
        }.get(entity, _("{actor} deleted the activity {record}"))
    elif verb == Verb.CREATED and entity == Entity.DEAL:
        text = (
            _("{actor} created the deal {record} for {amount}")
            if amount
            else _("{actor} created the deal {record}")
        )
    elif verb == Verb.CREATED and entity == Entity.COMPANY:
        text = _("{actor} created the company {record}")
    elif verb == Verb.CREATED and entity == Entity.CONTACT:
        text = _("{actor} created the contact {record}")
    elif verb == Verb.CREATED and entity == Entity.LEAD:
        parts["source"] = data.get("source") or "—"
        text = _("New lead {record} ({source})")
    elif verb == Verb.CONVERTED:
        text = (
            _("{actor} converted the lead {record} into {company}")
            if company
            else _("{actor} converted the lead {record}")
        )
    elif verb == Verb.MERGED:
        parts["other"] = data.get("other", "")
        text = _("{actor} merged {other} into {record}")
    elif verb == Verb.UNMERGED:
        parts["other"] = data.get("other", "")
        text = _("{actor} undid the merge of {other} into {record}")
    elif verb == Verb.WON:
        if amount:
            text = (
                _("{actor} closed won the deal {record} with {company} for {amount}")
                if company
                else _("{actor} closed won the deal {record} for {amount}")
            )
        else:
            text = (
                _("{actor} closed won the deal {record} with {company}")
                if company
                else _("{actor} closed won the deal {record}")
            )
    elif verb == Verb.LOST:
        parts["reason"] = data.get("reason") or "—"
        text = (
            _("{actor} closed lost the deal {record} for {amount}: {reason}")
            if amount
            else _("{actor} closed lost the deal {record}: {reason}")
        )
    elif verb == Verb.REOPENED:
        text = _("{actor} reopened the deal {record}")
    elif verb == Verb.AMOUNT_CHANGED:
        parts["old"] = format_money(data.get("old_amount"), event.currency)
        text = _("{actor} changed the amount of the deal {record} from {old} to {amount}")
    elif verb == Verb.REASSIGNED:
        parts |= {"from": data.get("from", ""), "to": data.get("to", "")}
        # Translators: {from} and {to} are people's names, which a template cannot decline:
        # keep them in the nominative («передал(а) {record}: {from} → {to}»).
        text = (
            _("{actor} handed {record} over from {from} to {to}")
            if parts["from"]
            else _("{actor} handed {record} over to {to}")
        )
    elif verb == Verb.HANDOVER:
        parts |= {
            "from": data.get("from", ""),
            "to": data.get("to", ""),
            "summary": data.get("summary", ""),
        }
        text = _("{actor} handed the clients of {from} over to {to}: {summary}")
    else:
        text = "{actor}: {record}"
    return format_html(text, **parts)
