"""Mail inside the CRM: mailboxes connected over IMAP and SMTP, their letters grouped in
threads and linked to the records whose addresses they carry, templates and signatures.

A letter is as visible as its mailbox (`accounts.access.readable_mailboxes`): a personal
mailbox's letters are its owner's (and, by the role's rules for letters, a head's); a shared
mailbox's are its team's.
"""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from voronka.accounts.models import Entity
from voronka.core.models import OwnedRecord, TimeStampedModel
from voronka.core.search import SearchTokenBase, token_indexes, tokens_for


class Security(models.TextChoices):
    SSL = "ssl", _("SSL/TLS")
    STARTTLS = "starttls", _("STARTTLS")
    NONE = "none", _("none (unencrypted)")


def default_folders() -> list[str]:
    return ["INBOX"]


def default_first_sync_days() -> int:
    return settings.MAIL_FIRST_SYNC_DAYS


class Mailbox(OwnedRecord):
    """A mailbox the CRM reads over IMAP and sends from over SMTP. Personal (its owner's) or
    shared (sales@, info@: connected by an administrator and given to a team). Passwords are
    kept encrypted (`mail.crypto`) and never shown again."""

    access_entity = Entity.EMAIL

    name = models.CharField(pgettext_lazy("object", "name"), max_length=150)
    email = models.EmailField(_("address"))
    is_shared = models.BooleanField(_("shared mailbox"), default=False)
    team = models.ForeignKey(
        "accounts.Team",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="mailboxes",
        verbose_name=_("team"),
        help_text=_("The team that reads and sends the letters of a shared mailbox."),
    )
    imap_host = models.CharField(_("IMAP server"), max_length=255)
    imap_port = models.PositiveIntegerField(
        _("IMAP port"), default=993, validators=[MinValueValidator(1), MaxValueValidator(65535)]
    )
    imap_security = models.CharField(
        _("IMAP encryption"), max_length=10, choices=Security.choices, default=Security.SSL
    )
    imap_login = models.CharField(_("IMAP login"), max_length=255)
    imap_password = models.TextField(editable=False, blank=True)
    smtp_host = models.CharField(_("SMTP server"), max_length=255)
    smtp_port = models.PositiveIntegerField(
        _("SMTP port"), default=465, validators=[MinValueValidator(1), MaxValueValidator(65535)]
    )
    smtp_security = models.CharField(
        _("SMTP encryption"), max_length=10, choices=Security.choices, default=Security.SSL
    )
    smtp_login = models.CharField(_("SMTP login"), max_length=255, blank=True)
    smtp_password = models.TextField(editable=False, blank=True)
    folders = models.JSONField(_("folders to sync"), default=default_folders, blank=True)
    sent_folder = models.CharField(
        _("sent folder"),
        max_length=255,
        blank=True,
        help_text=_("Where sent letters are saved; found on the server when left empty."),
    )
    first_sync_days = models.PositiveIntegerField(
        _("first sync: days back"),
        default=default_first_sync_days,
        validators=[MinValueValidator(1), MaxValueValidator(3650)],
    )
    is_active = models.BooleanField(_("active"), default=True)
    notify_deal_owner = models.BooleanField(
        _("tell the deal's owner about a letter on a deal's thread"), default=True
    )
    leads_from_strangers = models.BooleanField(
        _("a letter from an unknown address becomes a lead"),
        default=False,
        help_text=_(
            "For shared mailboxes like info@ or sales@: the lead is distributed as the lead "
            "settings say."
        ),
    )
    cases_from_letters = models.BooleanField(
        _("letters open cases"),
        default=False,
        help_text=_(
            "For a shared mailbox like support@: a new letter opens a service case in the "
            "queue of the mailbox's team; the replies stay in its thread."
        ),
    )
    lead_source = models.ForeignKey(
        "sales.LeadSource",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("lead source of such leads"),
    )
    # The state of the sync, shown to the owner.
    last_sync_at = models.DateTimeField(_("last synced"), null=True, blank=True, editable=False)
    last_error = models.TextField(_("last error"), blank=True, editable=False)
    failures = models.PositiveIntegerField(default=0, editable=False)
    next_sync_at = models.DateTimeField(null=True, blank=True, editable=False)
    # A sync under way holds the mailbox from this moment (a killed job's hold expires).
    sync_started_at = models.DateTimeField(null=True, blank=True, editable=False)
    sync_total = models.PositiveIntegerField(default=0, editable=False)
    sync_done = models.PositiveIntegerField(default=0, editable=False)

    class Meta:
        verbose_name = _("mailbox")
        verbose_name_plural = _("mailboxes")
        ordering = ["name", "id"]
        indexes = [models.Index(fields=["is_active", "next_sync_at"], name="mailbox_due_idx")]

    def __str__(self) -> str:
        return f"{self.name} <{self.email}>"

    def get_absolute_url(self) -> str:
        return reverse("mail:mailbox-edit", args=[self.pk])

    @property
    def progress(self) -> int | None:
        """Per cent of the current sync, None when nothing is being fetched."""
        if not self.sync_total or self.sync_done >= self.sync_total:
            return None
        return int(100 * self.sync_done / self.sync_total)


class Folder(models.Model):
    """An IMAP folder of a mailbox and how far it has been read (UIDs below `last_uid` under
    this `uidvalidity` are stored)."""

    mailbox = models.ForeignKey(Mailbox, on_delete=models.CASCADE, related_name="folder_states")
    name = models.CharField(max_length=255)
    uidvalidity = models.BigIntegerField(null=True, blank=True)
    last_uid = models.BigIntegerField(default=0)
    is_sent = models.BooleanField(default=False)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["mailbox", "name"], name="mail_folder_unique_name")
        ]

    def __str__(self) -> str:
        return self.name


class Thread(models.Model):
    """Letters that answer one another (by Message-ID, In-Reply-To and References), with
    what the inbox lists: the latest date, counts, who wrote, whether anything links it."""

    mailbox = models.ForeignKey(Mailbox, on_delete=models.CASCADE, related_name="threads")
    subject = models.CharField(_("subject"), max_length=500, blank=True)
    last_at = models.DateTimeField(_("last letter"))
    message_count = models.PositiveIntegerField(default=0)
    unread_count = models.PositiveIntegerField(default=0)
    participants = models.CharField(max_length=500, blank=True)
    snippet = models.CharField(max_length=200, blank=True)
    has_attachments = models.BooleanField(default=False)
    is_linked = models.BooleanField(default=False)
    deal = models.ForeignKey(
        "sales.Deal",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="mail_threads",
        verbose_name=_("deal"),
    )

    class Meta:
        verbose_name = _("thread")
        verbose_name_plural = _("threads")
        indexes = [
            models.Index(fields=["mailbox", "-last_at", "-id"], name="mail_thread_inbox_idx"),
            models.Index(fields=["-last_at", "-id", "mailbox"], name="mail_thread_recent_idx"),
            models.Index(
                fields=["mailbox", "-last_at"],
                condition=models.Q(unread_count__gt=0),
                name="mail_thread_unread_idx",
            ),
            models.Index(
                fields=["mailbox", "-last_at"],
                condition=models.Q(is_linked__is=False),
                name="mail_thread_unlinked_idx",
            ),
        ]

    def __str__(self) -> str:
        return self.subject

    def get_absolute_url(self) -> str:
        return reverse("mail:thread", args=[self.pk])


class ThreadSearchToken(SearchTokenBase):
    """Words of the subjects and the names and addresses of everyone in a thread."""

    record = models.ForeignKey(Thread, on_delete=models.CASCADE, related_name="search_tokens")

    class Meta:
        indexes = token_indexes("mail_thread")


class Direction(models.TextChoices):
    INCOMING = "in", _("incoming")
    OUTGOING = "out", _("outgoing")


class SendStatus(models.TextChoices):
    NONE = "", _("—")
    QUEUED = "queued", _("waiting to be sent")
    SENDING = "sending", _("being sent")
    SENT = "sent", pgettext_lazy("letter", "sent")
    FAILED = "failed", pgettext_lazy("letter", "not sent")


class Message(models.Model):
    """One letter. The original (as received or sent) is kept as a file, so nothing is lost
    when a part could not be read; the text, the HTML and the headers are what was read."""

    mailbox = models.ForeignKey(Mailbox, on_delete=models.CASCADE, related_name="messages")
    thread = models.ForeignKey(Thread, on_delete=models.CASCADE, related_name="messages")
    folder = models.ForeignKey(
        Folder, on_delete=models.SET_NULL, null=True, blank=True, related_name="messages"
    )
    uidvalidity = models.BigIntegerField(null=True, blank=True)
    uid = models.BigIntegerField(null=True, blank=True)
    direction = models.CharField(_("direction"), max_length=3, choices=Direction.choices)
    message_id = models.TextField(_("Message-ID"), blank=True)
    # SHA-256 of the Message-ID: an index-friendly key to find the letters a reply refers to.
    message_key = models.CharField(max_length=64, db_index=True)
    in_reply_to = models.TextField(blank=True)
    references = models.TextField(blank=True)
    subject = models.CharField(_("subject"), max_length=500, blank=True)
    from_name = models.CharField(_("from"), max_length=255, blank=True)
    from_address = models.CharField(_("address"), max_length=320, blank=True)
    to = models.JSONField(_("to"), default=list, blank=True)
    cc = models.JSONField(_("copy"), default=list, blank=True)
    date = models.DateTimeField(_("date"))
    seen = models.BooleanField(_("read"), default=False)
    text = models.TextField(blank=True)
    html = models.TextField(blank=True)
    size = models.PositiveIntegerField(default=0)
    raw = models.CharField(max_length=255, blank=True)
    has_attachments = models.BooleanField(default=False)
    remote_images = models.BooleanField(_("remote images shown"), default=False)
    problems = models.TextField(blank=True)
    # Outgoing letters: who wrote it, and how its sending goes.
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("author"),
    )
    status = models.CharField(
        _("status"), max_length=10, choices=SendStatus.choices, blank=True, default=""
    )
    send_error = models.TextField(blank=True)
    attempts = models.PositiveIntegerField(default=0)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    activity = models.ForeignKey(
        "activities.Activity",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="letters",
        verbose_name=_("activity"),
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("letter")
        verbose_name_plural = _("letters")
        constraints = [
            # A letter of a folder is stored once, however often (or half-way) a sync runs.
            models.UniqueConstraint(
                fields=["folder", "uidvalidity", "uid"],
                condition=models.Q(uid__isnull=False),
                name="mail_message_once_per_uid",
            )
        ]
        indexes = [
            models.Index(fields=["mailbox", "message_key"], name="mail_message_key_idx"),
            models.Index(fields=["thread", "date", "id"], name="mail_message_thread_idx"),
            models.Index(
                fields=["status", "next_attempt_at"],
                condition=models.Q(status__in=["queued", "failed", "sending"]),
                name="mail_message_outbox_idx",
            ),
        ]

    def __str__(self) -> str:
        return self.subject

    def get_absolute_url(self) -> str:
        return reverse("mail:thread", args=[self.thread_id]) + f"#letter-{self.pk}"

    @property
    def recipients(self) -> list[str]:
        return [address for _name, address in (self.to or []) + (self.cc or [])]

    @property
    def sender(self) -> str:
        return self.from_name or self.from_address


class Attachment(models.Model):
    message = models.ForeignKey(Message, on_delete=models.CASCADE, related_name="attachments")
    filename = models.CharField(_("file name"), max_length=255)
    content_type = models.CharField(max_length=255, blank=True)
    size = models.PositiveIntegerField(default=0)
    file = models.CharField(max_length=255)
    content_id = models.CharField(max_length=255, blank=True)
    is_inline = models.BooleanField(default=False)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return self.filename


class Link(models.Model):
    """A letter is about a record (a contact, company, deal; a lead once leads exist): one row
    per record, with the letter's mailbox and date copied so a record's letters are read from
    one index, newest first, whatever the number of letters."""

    message = models.ForeignKey(Message, on_delete=models.CASCADE, related_name="links")
    entity = models.CharField(max_length=20)
    object_id = models.BigIntegerField()
    mailbox = models.ForeignKey(Mailbox, on_delete=models.CASCADE, related_name="+")
    date = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["message", "entity", "object_id"], name="mail_link_unique"
            )
        ]
        indexes = [
            models.Index(
                fields=["entity", "object_id", "mailbox", "-date"], name="mail_link_record_idx"
            ),
            models.Index(fields=["entity", "object_id", "-date"], name="mail_link_recent_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.entity} {self.object_id}"


class Template(TimeStampedModel):
    """A letter template with placeholders ({{ контакт.имя }}), personal or shared."""

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("author"),
    )
    name = models.CharField(pgettext_lazy("object", "name"), max_length=150)
    is_shared = models.BooleanField(
        _("shared"), default=False, help_text=_("Everyone can use a shared template.")
    )
    subject = models.CharField(_("subject"), max_length=500, blank=True)
    body = models.TextField(_("text"))

    class Meta:
        verbose_name = _("letter template")
        verbose_name_plural = _("letter templates")
        ordering = ["name", "id"]

    def __str__(self) -> str:
        return self.name


class Signature(models.Model):
    """What a user's letters end with."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="mail_signature",
        verbose_name=_("user"),
    )
    text = models.TextField(_("signature"), blank=True)

    class Meta:
        verbose_name = _("signature")
        verbose_name_plural = _("signatures")

    def __str__(self) -> str:
        return str(self.user)


def thread_tokens(*, subjects, people) -> set[tuple[int, str]]:
    """Tokens of a thread: words of its subjects, the names and addresses of its people."""
    names = list(subjects) + [name for name, _address in people]
    return tokens_for(names=names, emails=[address for _name, address in people])
