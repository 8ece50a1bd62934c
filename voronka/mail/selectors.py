"""Reads of the mail app. Every letter, thread and attachment is reached through the mailboxes
the user may read (`accounts.access.readable_mailboxes`); an id from a request that is not
among them is «not found»."""

from __future__ import annotations

from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils.translation import gettext as _

from voronka.accounts import access
from voronka.accounts.models import User
from voronka.core.search import apply_search

from .models import Attachment, Link, Mailbox, Message, Signature, Template, Thread


def readable_mailbox_ids(*, user: User) -> list[int]:
    """Read once per request (kept on the user object, like the access rules)."""
    cached = getattr(user, "_voronka_mailboxes", None)
    if cached is None:
        cached = sorted(
            access.readable_mailboxes(user, Mailbox.objects.all()).values_list("pk", flat=True)
        )
        user._voronka_mailboxes = cached
    return cached


def mailboxes_readable(*, user: User) -> QuerySet[Mailbox]:
    return Mailbox.objects.filter(pk__in=readable_mailbox_ids(user=user))


def mailboxes_to_send_from(*, user: User) -> list[Mailbox]:
    candidates = Mailbox.objects.filter(is_active=True).filter(
        Q(is_shared=False, owner=user) | Q(is_shared=True)
    )
    return [
        m for m in candidates.order_by("is_shared", "name", "pk") if access.can_send_from(user, m)
    ]


def mailboxes_configurable(*, user: User) -> QuerySet[Mailbox]:
    if access.is_admin(user):
        return Mailbox.objects.select_related("owner", "team").order_by("is_shared", "name")
    return Mailbox.objects.filter(owner=user, is_shared=False).order_by("name")


def threads_for(
    *,
    user: User,
    mailbox_id: int | None = None,
    query: str = "",
    unread: bool = False,
    unlinked: bool = False,
) -> QuerySet[Thread]:
    ids = readable_mailbox_ids(user=user)
    if mailbox_id is not None:
        ids = [pk for pk in ids if pk == mailbox_id]
    threads = Thread.objects.filter(mailbox_id__in=ids, message_count__gt=0)
    if unread:
        threads = threads.filter(unread_count__gt=0)
    if unlinked:
        threads = threads.filter(is_linked__is=False)
    if query:
        threads = apply_search(threads, query)
    return threads.select_related("mailbox").order_by("-last_at", "-id")


def thread_for(*, user: User, pk) -> Thread:
    try:
        return Thread.objects.select_related("mailbox", "deal").get(
            pk=int(pk), mailbox_id__in=readable_mailbox_ids(user=user)
        )
    except (Thread.DoesNotExist, ValueError, TypeError):
        raise Http404(_("No such record, or you have no access to it.")) from None


def message_for(*, user: User, pk) -> Message:
    try:
        return Message.objects.select_related("mailbox", "thread").get(
            pk=int(pk), mailbox_id__in=readable_mailbox_ids(user=user)
        )
    except (Message.DoesNotExist, ValueError, TypeError):
        raise Http404(_("No such record, or you have no access to it.")) from None


def attachment_for(*, user: User, pk) -> Attachment:
    try:
        return Attachment.objects.select_related("message").get(
            pk=int(pk), message__mailbox_id__in=readable_mailbox_ids(user=user)
        )
    except (Attachment.DoesNotExist, ValueError, TypeError):
        raise Http404(_("No such record, or you have no access to it.")) from None


def thread_messages(*, thread: Thread) -> list[Message]:
    return list(
        thread.messages.select_related("author", "activity")
        .prefetch_related("attachments")
        .order_by("date", "id")
    )


def record_letters(*, user: User, entity: str, object_id: int, limit: int = 20):
    """The letters about a record that the user may read, newest first, and how many."""
    links = Link.objects.filter(
        entity=entity, object_id=object_id, mailbox_id__in=readable_mailbox_ids(user=user)
    )
    ids = list(links.order_by("-date").values_list("message_id", flat=True)[:limit])
    by_id = {
        m.pk: m
        for m in Message.objects.filter(pk__in=ids).only(
            "pk", "thread_id", "subject", "from_name", "from_address", "to", "date",
            "direction", "seen", "status", "has_attachments", "mailbox_id",
        )
    }  # fmt: skip
    count = links.order_by()[:1000].count()
    return [by_id[pk] for pk in ids if pk in by_id], count


def links_of(*, messages: list[Message]) -> dict[int, list[tuple[str, int]]]:
    found: dict[int, list[tuple[str, int]]] = {}
    for message_id, entity, object_id in Link.objects.filter(
        message_id__in=[m.pk for m in messages]
    ).values_list("message_id", "entity", "object_id"):
        found.setdefault(message_id, []).append((entity, object_id))
    return found


def templates_for(*, user: User) -> QuerySet[Template]:
    return Template.objects.filter(Q(owner=user) | Q(is_shared=True)).order_by("name", "pk")


def template_for(*, user: User, pk) -> Template:
    try:
        return templates_for(user=user).get(pk=int(pk))
    except (Template.DoesNotExist, ValueError, TypeError):
        raise Http404(_("No such record, or you have no access to it.")) from None


def signature_of(*, user: User) -> str:
    return Signature.objects.filter(user=user).values_list("text", flat=True).first() or ""
