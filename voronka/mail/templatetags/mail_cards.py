"""What the mail adds to the pages of the records its letters are about: the «Letters» card
of a company's, contact's or deal's page (with «write a letter»), and the letter behind an
activity of kind e-mail. Those apps' templates load these tags; they never import the mail
(which sits above them)."""

from __future__ import annotations

from django import template

from ..models import Message
from ..selectors import readable_mailbox_ids, record_letters

register = template.Library()

RECORD_LIMIT = 10


@register.inclusion_tag("mail/_record_letters.html", takes_context=True)
def record_letters_card(context, record, entity: str) -> dict:
    request = context["request"]
    letters, count = record_letters(
        user=request.user, entity=entity, object_id=record.pk, limit=RECORD_LIMIT
    )
    return {
        "request": request,
        "letters": letters,
        "count": count,
        "entity": entity,
        "record": record,
        "compose_query": f"{entity}={record.pk}",
    }


@register.inclusion_tag("mail/_activity_letter.html", takes_context=True)
def activity_letter(context, activity) -> dict:
    """On an e-mail activity's page: a link to its letter, for those who may read it."""
    request = context["request"]
    letter = (
        Message.objects.filter(
            activity_id=activity.pk, mailbox_id__in=readable_mailbox_ids(user=request.user)
        )
        .only("pk", "thread_id", "subject")
        .first()
        if activity.kind == "email"
        else None
    )
    return {"letter": letter}
