"""The records files can be attached to, by entity name, and how a user reaches one: the one
place to extend when a new kind of record arrives."""

from __future__ import annotations

from django.db import models
from django.http import Http404
from django.utils.translation import gettext as _

from voronka.accounts import access
from voronka.activities.models import Activity
from voronka.contacts.models import Company, Contact
from voronka.leads.models import Lead
from voronka.sales.models import Deal

from .models import Document

ATTACHABLE: dict[str, type[models.Model]] = {
    "company": Company,
    "contact": Contact,
    "deal": Deal,
    "activity": Activity,
    "lead": Lead,
    "document": Document,
}


def documents_visible_to(user) -> models.QuerySet[Document]:
    """A document is seen by whoever sees its deal."""
    return access.visible_through(user, Document.objects.all(), "deal")


def get_record(user, entity: str, object_id, *, change: bool = False) -> models.Model:
    """The record a file hangs off, if the user may see it (404 otherwise, whether or not it
    exists); with `change`, 403 unless they may also change it."""
    model = ATTACHABLE.get(entity)
    if model is None:
        raise Http404(_("No such record, or you have no access to it."))
    if model is Document:
        document = _get_document(user, object_id)
        if change:
            access.require(user, access.Action.CHANGE, document.deal)
        return document
    if change:
        return access.get_changeable(user, model, object_id)
    return access.get_visible(user, model, object_id)


def _get_document(user, object_id) -> Document:
    try:
        return documents_visible_to(user).select_related("deal", "type").get(pk=int(object_id))
    except (Document.DoesNotExist, ValueError, TypeError):
        raise Http404(_("No such record, or you have no access to it.")) from None


def entity_of(record: models.Model) -> str:
    for name, model in ATTACHABLE.items():
        if isinstance(record, model):
            return name
    raise TypeError(f"{record!r} takes no attachments")
