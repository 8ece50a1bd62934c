"""What the documents app adds to the pages of the records below it: the documents card of
a deal or a company («все документы по контрагенту») and the files card of any record. Those
apps load these tags; they never import the documents app."""

from __future__ import annotations

from django import template

from voronka.accounts import access

from ..attachables import documents_visible_to
from ..models import DocumentType
from ..selectors import attachments_of

register = template.Library()

LIMIT = 20


@register.inclusion_tag("documents/_record_documents.html", takes_context=True)
def record_documents(context, record, entity: str) -> dict:
    user = context["request"].user
    documents = documents_visible_to(user).filter(**{entity: record}).select_related("type")
    may_make = entity == "deal" and access.can_change(user, record)
    shown = list(documents[:LIMIT])
    return {
        "request": context["request"],
        "record": record,
        "entity": entity,
        "documents": shown,
        "documents_count": len(shown) if len(shown) < LIMIT else documents.count(),
        "types": list(DocumentType.objects.filter(is_active=True)) if may_make else [],
        "csrf_token": context.get("csrf_token"),
    }


@register.inclusion_tag("documents/_record_files.html", takes_context=True)
def record_files(context, record, entity: str) -> dict:
    """The files card; the record was already checked visible by its page."""
    user = context["request"].user
    access_record = record.deal if entity == "document" else record
    return {
        "request": context["request"],
        "record": record,
        "entity": entity,
        "files": list(attachments_of(entity, record)[:100]),
        "may_upload": access.can_change(user, access_record),
        "csrf_token": context.get("csrf_token"),
    }
