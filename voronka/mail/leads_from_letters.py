"""Leads from letters: a shared mailbox's rule turns a letter from an unknown address into a
lead, and «Create a lead» does it by hand for a letter that matched nothing."""

from __future__ import annotations

from django.db import transaction

from voronka.accounts.models import User
from voronka.leads.models import Lead
from voronka.leads.services import lead_create

from .models import Direction, Message
from .services import relink_thread


def _data(message: Message) -> dict:
    if message.direction == Direction.INCOMING:
        name, address = message.from_name, message.from_address
    else:
        name, address = (message.to or [["", ""]])[0]
    question = message.subject or ""
    if message.text:
        question = f"{question}\n\n{message.text}".strip()
    return {
        "person_name": (name or address.split("@")[0])[:255],
        "email": address,
        "question": question[:4000],
        "requested_at": message.date,
        "source": message.mailbox.lead_source,
    }


def lead_from_letter(message: Message) -> Lead:
    """The mailbox's rule: the sender of a letter that matched nothing becomes a new lead,
    distributed as the lead settings say (and its new owner told)."""
    return lead_create(actor=None, data=_data(message))


def letter_to_lead(*, actor: User, message: Message) -> Lead:
    """«Create a lead» on a letter that matched nothing: the sender (for our own letter, its
    first recipient) becomes a lead owned by the actor, and the thread's letters are linked."""
    with transaction.atomic():
        lead = lead_create(actor=actor, data=_data(message), distribute_new=False)
        relink_thread(thread=message.thread)
    return lead
