"""Cases that arrive by themselves: from a web form that opens cases instead of leads, and from
a letter to a shared mailbox that opens cases (support@). Registered with the leads' and the
mail's hooks in `apps.ready()`, so those apps (below this one) never import it."""

from __future__ import annotations

from django.db import transaction
from django.db.models import Q

from voronka.accounts.models import User
from voronka.contacts.models import Contact
from voronka.core.search import TokenKind, find_exact
from voronka.leads.services import lead_settings
from voronka.mail.models import Direction, Link, Message, Thread

from . import services
from .models import Case, Channel


def _fallback_owner() -> User | None:
    return (
        User.objects.filter(is_active=True)
        .filter(Q(is_superuser=True) | Q(role__is_admin=True))
        .order_by("pk")
        .first()
    )


def _contact_for(address: str) -> Contact | None:
    if not address:
        return None
    return find_exact(Contact, TokenKind.EMAIL, [address.lower()]).order_by("pk").first()


def case_from_form(*, data: dict, web_form) -> Case:
    """A web form's sending as a case: with the form's owner, else in the queue of the lead
    settings' team, else with the first administrator."""
    question = (data.get("question") or "").strip()
    first_line = question.splitlines()[0] if question else ""
    contact = _contact_for(data.get("email", ""))
    case_data = {
        "subject": (first_line or web_form.title or web_form.name)[:255],
        "description": question,
        "channel": Channel.WEB_FORM,
        "client_name": " ".join(
            p for p in (data.get("person_name", ""), data.get("company_name", "")) if p
        )[:255],
        "client_email": data.get("email", ""),
        "contact": contact,
        "company": contact.company if contact is not None else None,
    }
    settings = lead_settings()
    if web_form.owner is not None and web_form.owner.is_active:
        case_data["owner"] = web_form.owner
    elif settings.team_id:
        case_data["team"] = settings.team
    else:
        case_data["owner"] = settings.owner or _fallback_owner()
    return services.case_create(actor=None, data=case_data)


def case_from_letter(message: Message, thread: Thread) -> Case | None:
    """A letter to a mailbox that opens cases: the first of a thread opens one (in the queue
    of the mailbox's team); the later ones, ours and the client's, are filed under it. The
    client's answer to a case waiting for them starts its clock again; our first letter is
    its first answer."""
    with transaction.atomic():
        case = Case.objects.filter(mail_thread_id=thread.pk).first()
        incoming = message.direction == Direction.INCOMING
        if case is None:
            if not incoming or not message.from_address:
                return None
            mailbox = message.mailbox
            contact = _contact_for(message.from_address)
            data = {
                "subject": (message.subject or message.from_address)[:255],
                "description": (message.text or "")[:20000],
                "channel": Channel.EMAIL,
                "client_name": message.from_name[:255],
                "client_email": message.from_address[:254],
                "contact": contact,
                "company": contact.company if contact is not None else None,
                "opened_at": message.date,
                "mail_thread_id": thread.pk,
            }
            if mailbox.team_id:
                data["team"] = mailbox.team
            else:
                data["owner"] = mailbox.owner
            case = services.case_create(actor=None, data=data)
        elif incoming:
            services.client_replied(case=case)
        else:
            services.answered(case=case, at=message.date)
        Link.objects.get_or_create(
            message=message,
            entity="case",
            object_id=case.pk,
            defaults={"mailbox": message.mailbox, "date": message.date},
        )
    return case
