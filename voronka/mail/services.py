"""Writes of the mail app other than syncing and sending: mailboxes (with their passwords
encrypted), reading state, remote images, templates, signatures, and turning the sender of
a letter that matched nothing into a contact."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from voronka.accounts import access
from voronka.accounts.models import User
from voronka.audit.records import create_record, update_record
from voronka.contacts.services import contact_create

from . import crypto, linking, templating
from .models import Link, Mailbox, Message, Signature, Template, Thread


def _passwords(mailbox: Mailbox, *, imap_password: str, smtp_password: str) -> list[str]:
    changed = []
    if imap_password:
        mailbox.imap_password = crypto.encrypt(imap_password)
        changed.append("imap_password")
    if smtp_password:
        mailbox.smtp_password = crypto.encrypt(smtp_password)
        changed.append("smtp_password")
    return changed


def _check_sharing(actor: User, data: dict[str, Any]) -> None:
    if (data.get("is_shared") or data.get("team")) and not access.is_admin(actor):
        raise PermissionDenied(_("Only an administrator connects shared mailboxes."))
    if data.get("is_shared") and not data.get("team"):
        raise ValidationError({"team": _("Give the team that works with this mailbox.")})


def mailbox_create(
    *, actor: User, data: dict[str, Any], imap_password: str = "", smtp_password: str = ""
) -> Mailbox:
    """A personal mailbox for the actor, or (administrators) a shared one for a team."""
    _check_sharing(actor, data)
    if not imap_password:
        raise ValidationError({"imap_password": _("Enter the password.")})
    mailbox = Mailbox(**{"owner": actor, **data})
    _passwords(mailbox, imap_password=imap_password, smtp_password=smtp_password)
    return create_record(mailbox)


def mailbox_update(
    *,
    actor: User,
    mailbox: Mailbox,
    data: dict[str, Any],
    version: int | None,
    imap_password: str = "",
    smtp_password: str = "",
) -> Mailbox:
    """Change a mailbox's settings; an empty password keeps the saved one."""
    if not access.can_configure_mailbox(actor, mailbox):
        raise PermissionDenied(_("You may not change this mailbox."))
    _check_sharing(actor, {"is_shared": mailbox.is_shared, **data})
    with transaction.atomic():
        mailbox, changes = update_record(mailbox, data, actor=actor, version=version)
        changed = _passwords(mailbox, imap_password=imap_password, smtp_password=smtp_password)
        if changes or changed:
            # New settings deserve a fresh try at once, whatever failed before.
            mailbox.failures, mailbox.next_sync_at = 0, None
            changed += ["failures", "next_sync_at"]
            mailbox.save(update_fields=changed)
    return mailbox


def thread_mark_read(*, thread: Thread) -> None:
    """The reader opened the thread: its letters are read."""
    if thread.unread_count or Message.objects.filter(thread=thread, seen=False).exists():
        Message.objects.filter(thread=thread, seen=False).update(seen=True)
        Thread.objects.filter(pk=thread.pk).update(unread_count=0)
        thread.unread_count = 0


def message_allow_images(*, message: Message) -> None:
    Message.objects.filter(pk=message.pk).update(remote_images=True)
    message.remote_images = True


def letter_to_contact(*, actor: User, message: Message):
    """«Create a contact» on a letter that matched nothing: its sender (or, for our own
    letter, its first recipient) becomes a contact, and the thread's letters are linked."""
    if message.direction == "in":
        name, address = message.from_name, message.from_address
    else:
        name, address = (message.to or [["", ""]])[0]
    if not address:
        raise ValidationError(_("The letter has no address to make a contact of."))
    words = (name or "").split()
    last_name = words[-1] if len(words) > 1 else (words[0] if words else address.split("@")[0])
    first_name = " ".join(words[:-1]) if len(words) > 1 else ""
    contact = contact_create(
        actor=actor,
        data={"last_name": last_name[:150], "first_name": first_name[:150], "emails": [address]},
    )
    relink_thread(thread=message.thread)
    return contact


def relink_thread(*, thread: Thread) -> None:
    """Match the thread's letters again (after a contact was created for their address)."""
    with transaction.atomic():
        for message in thread.messages.select_related("mailbox"):
            matches = linking.match(linking.addresses_of(message), thread_deal_id=thread.deal_id)
            if matches:
                linking.link(message, matches)
                Thread.objects.filter(pk=thread.pk).update(is_linked=True)
                if message.activity_id is None:
                    activity = linking.record_activity(
                        message, matches, actor=message.mailbox.owner, deal_id=thread.deal_id
                    )
                    if activity is not None:
                        Message.objects.filter(pk=message.pk).update(activity=activity)


def template_save(
    *, actor: User, data: dict[str, Any], template: Template | None = None
) -> Template:
    """Create or change a template; its text is checked by the sandbox first."""
    templating.check(data.get("subject", ""))
    templating.check(data.get("body", ""))
    if data.get("is_shared") and not access.is_admin(actor):
        raise PermissionDenied(_("Only an administrator shares templates with everyone."))
    if template is None:
        template = Template(owner=actor, **data)
        template.full_clean()
        template.save()
        return template
    if template.owner_id != actor.pk and not access.is_admin(actor):
        raise PermissionDenied(_("You may not change this template."))
    for name, value in data.items():
        setattr(template, name, value)
    template.full_clean()
    template.save(update_fields=[*data.keys(), "updated_at"])
    return template


def template_delete(*, actor: User, template: Template) -> None:
    if template.owner_id != actor.pk and not access.is_admin(actor):
        raise PermissionDenied(_("You may not delete this template."))
    template.delete()


def signature_save(*, user: User, text: str) -> Signature:
    signature, _created = Signature.objects.get_or_create(user=user)
    signature.text = text
    signature.save(update_fields=["text"])
    return signature


def thread_set_deal(*, actor: User, thread: Thread, deal) -> None:
    """Tie a thread to a deal: its letters (and the next ones) are linked to it."""
    access.require_links(actor, deal=deal)
    with transaction.atomic():
        Thread.objects.filter(pk=thread.pk).update(deal=deal, is_linked=True)
        for message in thread.messages.all():
            Link.objects.get_or_create(
                message=message,
                entity="deal",
                object_id=deal.pk,
                defaults={"mailbox_id": message.mailbox_id, "date": message.date},
            )
