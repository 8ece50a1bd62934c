"""Marketing writes: groups, campaigns and their figures, mailings (queueing, sending with a
row per recipient claimed atomically, unsubscribing) and questionnaire answers."""

from __future__ import annotations

import contextlib
import logging
import re
import smtplib
import time
from dataclasses import dataclass
from decimal import Decimal
from email.charset import QP, Charset

from django.conf import settings
from django.core import signing
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape, linebreaks
from django.utils.translation import gettext as _

from voronka.accounts import access
from voronka.contacts.models import Contact
from voronka.contacts.selectors import companies_visible_to, contacts_visible_to
from voronka.core import money, net
from voronka.leads.models import Lead
from voronka.mail import templating
from voronka.mail.connections import smtp as mailbox_smtp
from voronka.sales.models import Deal, StageKind

from . import segments
from .models import (
    MARKETER_ROLE,
    Answer,
    Audience,
    Campaign,
    Mailing,
    MailingStatus,
    QuestionKind,
    Recipient,
    RecipientState,
    Response,
    SurveyLink,
    Unsubscription,
)

log = logging.getLogger("voronka.marketing")

BATCH = 2000
_SALT_UNSUB = "voronka.marketing.unsubscribe"
_SALT_CLICK = "voronka.marketing.click"
_SALT_OPEN = "voronka.marketing.open"
_URL = re.compile(r"https?://[^\s<>\"')]+")


# Access -----------------------------------------------------------------------------------


def can_manage(user) -> bool:
    """Administrators and marketers change the marketing; managers only look."""
    if access.is_admin(user):
        return True
    return bool(
        user.is_authenticated
        and user.is_active
        and user.role_id
        and user.role.code == MARKETER_ROLE
    )


def require_manage(user) -> None:
    if not can_manage(user):
        raise PermissionDenied(_("Only an administrator or a marketer can change this."))


def add_to_group(user, group_id, entity: str, ids: list[int]) -> int:
    """Add the records (those the user may see) to a group the user may change; returns how
    many. Used by the lists' bulk bar and by a record's page."""
    group = segments.groups_visible_to(user=user).filter(pk=group_id).first()
    if group is None or group.audience != entity:
        raise ValidationError(_("Choose a group of these records."))
    if not (can_manage(user) or group.curator_id == user.pk or group.sharing != "personal"):
        raise ValidationError(_("You cannot change this group."))
    if entity == Audience.COMPANY:
        found = list(
            companies_visible_to(user=user).filter(pk__in=ids).values_list("pk", flat=True)
        )
        group.companies.add(*found)
    else:
        found = list(contacts_visible_to(user=user).filter(pk__in=ids).values_list("pk", flat=True))
        group.contacts.add(*found)
    return len(found)


# Campaign figures -------------------------------------------------------------------------


@dataclass
class CampaignFigures:
    leads: int
    deals: int
    won: int
    revenue: Decimal
    cost: Decimal
    budget: Decimal | None
    missing_rates: int = 0

    @property
    def cost_per_lead(self) -> Decimal | None:
        return (self.cost / self.leads).quantize(money.CENT) if self.leads else None

    @property
    def cost_per_won(self) -> Decimal | None:
        return (self.cost / self.won).quantize(money.CENT) if self.won else None

    @property
    def roi(self) -> Decimal | None:
        """(revenue − cost) / cost, as a fraction (0.5 is 50 %); None without costs."""
        if not self.cost:
            return None
        return ((self.revenue - self.cost) / self.cost).quantize(Decimal("0.0001"))

    @property
    def roi_percent(self) -> Decimal | None:
        roi = self.roi
        return (roi * 100).quantize(Decimal("0.1")) if roi is not None else None


def campaign_figures(campaign: Campaign) -> CampaignFigures:
    """Leads, deals, won revenue and costs in the base currency (each at the rate of its day:
    a won deal's close day, a cost's date)."""
    missing = 0
    revenue = Decimal(0)
    won = 0
    deals = Deal.objects.filter(campaign=campaign)
    for amount, currency, closed_at, created_at in deals.filter(
        stage__kind=StageKind.WON
    ).values_list("amount", "currency", "closed_at", "created_at"):
        won += 1
        day = timezone.localdate(closed_at or created_at)
        value = money.to_base(amount or Decimal(0), currency, day)
        if value is None:
            missing += 1
            continue
        revenue += value
    cost = Decimal(0)
    for amount, currency, day in campaign.costs.values_list("amount", "currency", "date"):
        value = money.to_base(amount, currency, day)
        if value is None:
            missing += 1
            continue
        cost += value
    budget = None
    if campaign.budget is not None:
        budget = money.to_base(
            campaign.budget, campaign.currency, campaign.starts_on or timezone.localdate()
        )
    return CampaignFigures(
        leads=Lead.objects.filter(campaign=campaign).count(),
        deals=deals.count(),
        won=won,
        revenue=revenue,
        cost=cost,
        budget=budget,
        missing_rates=missing,
    )


# Mailings ---------------------------------------------------------------------------------


def unsubscribed_ids(contact_ids=None) -> set[int]:
    qs = Unsubscription.objects.all()
    if contact_ids is not None:
        qs = qs.filter(contact_id__in=contact_ids)
    return set(qs.values_list("contact_id", flat=True))


def queue(mailing: Mailing, *, actor, start: bool = True) -> dict[str, int]:
    """Write a row per recipient (the contacts the author may see), once: skipped ones are
    written with their reason so they are counted, and an address already taken by another
    contact of the mailing gets one letter only. Returns the counts by state."""
    require_manage(actor)
    if not access.can_send_mailings(actor):
        raise PermissionDenied(_("Your role may not send mailings."))
    if mailing.segment_id is None and mailing.group_id is None:
        raise ValidationError(_("Choose a segment or a group to send to."))
    contacts = segments.contacts_of(
        user=mailing.author, segment=mailing.segment, group=mailing.group
    )
    unsubscribed = unsubscribed_ids()
    rows = []
    counts: dict[str, int] = {}
    seen: set[str] = set()
    values = contacts.order_by("pk").values_list("pk", "emails", "mailing_consent")
    for pk, emails, consent in values:
        email = (emails or [""])[0] if isinstance(emails, list) else ""
        email = email.strip().lower() if isinstance(email, str) else ""
        if pk in unsubscribed:
            state = RecipientState.UNSUBSCRIBED
        elif not consent:
            state = RecipientState.NO_CONSENT
        elif not email:
            state = RecipientState.NO_ADDRESS
        elif email in seen:
            state = RecipientState.SAME_ADDRESS
        else:
            state = RecipientState.PENDING
            seen.add(email)
        counts[state] = counts.get(state, 0) + 1
        rows.append(Recipient(mailing_id=mailing.pk, contact_id=pk, email=email, state=state))
    with transaction.atomic():
        # Queued once: the first request to get here takes the mailing (a double click, a
        # second tab or an API retry find it taken).
        taken = Mailing.objects.filter(
            pk=mailing.pk,
            status__in=[MailingStatus.DRAFT, MailingStatus.SCHEDULED],
            queued_at__isnull=True,
        ).update(
            status=MailingStatus.SENDING if start else MailingStatus.SCHEDULED,
            queued_at=timezone.now(),
        )
        if not taken:
            raise ValidationError(_("This mailing is already queued."))
        Recipient.objects.bulk_create(rows, batch_size=BATCH)
    mailing.refresh_from_db()
    if start:
        transaction.on_commit(lambda: _enqueue(mailing.pk))
    return counts


def _enqueue(pk: int) -> None:
    from . import tasks

    tasks.send_mailing(pk)


def pause(mailing: Mailing, *, actor) -> None:
    require_manage(actor)
    Mailing.objects.filter(pk=mailing.pk, status=MailingStatus.SENDING).update(
        status=MailingStatus.PAUSED
    )


def resume(mailing: Mailing, *, actor) -> None:
    require_manage(actor)
    if Mailing.objects.filter(pk=mailing.pk, status=MailingStatus.PAUSED).update(
        status=MailingStatus.SENDING
    ):
        transaction.on_commit(lambda: _enqueue(mailing.pk))


def token(recipient_id: int, salt: str, extra: str = "") -> str:
    return signing.dumps([recipient_id, extra] if extra else recipient_id, salt=salt)


def read_token(value: str, salt: str):
    try:
        return signing.loads(value, salt=salt)
    except signing.BadSignature:
        return None


def unsubscribe_url(recipient_id: int) -> str:
    path = reverse("marketing:unsubscribe", args=[token(recipient_id, _SALT_UNSUB)])
    return settings.SITE_URL + path


def click_url(recipient_id: int, url: str) -> str:
    path = reverse("marketing:click", args=[token(recipient_id, _SALT_CLICK, url)])
    return settings.SITE_URL + path


def open_url(recipient_id: int) -> str:
    return settings.SITE_URL + reverse("marketing:open", args=[token(recipient_id, _SALT_OPEN)])


def letter(mailing: Mailing, recipient: Recipient) -> EmailMultiAlternatives:
    """One personalised letter with its unsubscribe link and the one-click headers."""
    context = templating.values(contact=recipient.contact, sender=mailing.author)
    subject = templating.render(mailing.template.subject or mailing.name, context)
    body = templating.render(mailing.template.body, context)
    body = _URL.sub(lambda m: click_url(recipient.pk, m.group(0)), body)
    unsubscribe = unsubscribe_url(recipient.pk)
    label = _("Unsubscribe from these letters")
    text = f"{body}\n\n--\n{label}: {unsubscribe}\n"
    html = linebreaks(escape(body))
    html = _URL.sub(lambda m: f'<a href="{m.group(0)}">{m.group(0)}</a>', html)
    html += f'<p style="font-size:small"><a href="{escape(unsubscribe)}">{escape(label)}</a></p>'
    if mailing.track_opens:
        html += f'<img src="{escape(open_url(recipient.pk))}" width="1" height="1" alt="">'
    sender = mailing.mailbox.email if mailing.mailbox_id else mailing.from_email
    message = EmailMultiAlternatives(
        subject=subject,
        body=text,
        from_email=sender,
        to=[recipient.email],
        headers={
            "List-Unsubscribe": f"<{unsubscribe}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        },
    )
    message.attach_alternative(html, "text/html")
    return message


def as_bytes(message: EmailMultiAlternatives) -> bytes:
    """The letter as SMTP sends it: CRLF line ends, the text parts in quoted-printable (a
    long line of Cyrillic, two bytes a letter, would pass Django's check in characters and
    break SMTP's limit in bytes)."""
    mime = message.message()
    for part in mime.walk():
        if part.get_content_maintype() != "text":
            continue
        text = part.get_payload(decode=True).decode(part.get_content_charset() or "utf-8")
        del part["Content-Transfer-Encoding"]
        charset = Charset("utf-8")
        charset.body_encoding = QP
        part.set_payload(text, charset)
    # SMTP lines end in CRLF; smtplib sends bytes as they are.
    return mime.as_bytes().replace(b"\r\n", b"\n").replace(b"\n", b"\r\n")


@contextlib.contextmanager
def connection(mailing: Mailing):
    if mailing.mailbox_id:
        with mailbox_smtp(mailing.mailbox) as session:
            yield session
        return
    address = net.resolve_allowed(mailing.smtp_host, mailing.smtp_port)
    session = smtplib.SMTP(address, mailing.smtp_port, timeout=30)
    try:
        session.ehlo()
        if mailing.smtp_tls:
            session.starttls()
            session.ehlo()
        if mailing.smtp_login:
            session.login(mailing.smtp_login, mailing.smtp_password)
        yield session
    finally:
        with contextlib.suppress(Exception):
            session.quit()


def claim_next(mailing_id: int) -> int | None:
    """Take the next waiting letter: pending → sending in one UPDATE, so two workers never
    take the same one and a letter once taken is never taken again."""
    while True:
        pk = (
            Recipient.objects.filter(mailing_id=mailing_id, state=RecipientState.PENDING)
            .order_by("id")
            .values_list("pk", flat=True)
            .first()
        )
        if pk is None:
            return None
        taken = Recipient.objects.filter(pk=pk, state=RecipientState.PENDING).update(
            state=RecipientState.SENDING, claimed_at=timezone.now()
        )
        if taken:
            return pk


def recover(mailing_id: int) -> int:
    """Letters a killed worker had taken but not marked sent: we cannot know whether the
    server got them, so they are never sent again (at most one letter per person)."""
    return Recipient.objects.filter(mailing_id=mailing_id, state=RecipientState.SENDING).update(
        state=RecipientState.INTERRUPTED
    )


def send(mailing_id: int, *, limit: int | None = None, sleep=time.sleep) -> int:
    """Send the waiting letters of a mailing at its rate; returns how many were sent. Stops
    when paused; `limit` stops after that many (tests, batches)."""
    mailing = Mailing.objects.select_related("template", "mailbox", "author").get(pk=mailing_id)
    if mailing.status != MailingStatus.SENDING:
        return 0
    recover(mailing_id)
    pause_between = 60.0 / max(mailing.per_minute, 1)
    sent = 0
    with connection(mailing) as session:
        while limit is None or sent < limit:
            if not Mailing.objects.filter(pk=mailing_id, status=MailingStatus.SENDING).exists():
                return sent
            pk = claim_next(mailing_id)
            if pk is None:
                break
            recipient = Recipient.objects.select_related("contact", "contact__company").get(pk=pk)
            if recipient.contact_id in unsubscribed_ids([recipient.contact_id]):
                Recipient.objects.filter(pk=pk).update(state=RecipientState.UNSUBSCRIBED)
                continue
            if (
                Recipient.objects.filter(
                    mailing_id=mailing_id,
                    email=recipient.email,
                    state__in=[RecipientState.SENT, RecipientState.SENDING],
                )
                .exclude(pk=pk)
                .exists()
            ):  # another row for the same address (contacts merged after queueing)
                Recipient.objects.filter(pk=pk).update(state=RecipientState.SAME_ADDRESS)
                continue
            try:
                message = letter(mailing, recipient)
                session.sendmail(message.from_email, [recipient.email], as_bytes(message))
            except (smtplib.SMTPException, OSError, ValidationError) as error:
                Recipient.objects.filter(pk=pk).update(
                    state=RecipientState.FAILED, error=str(error)[:500]
                )
                continue
            Recipient.objects.filter(pk=pk).update(
                state=RecipientState.SENT, sent_at=timezone.now()
            )
            sent += 1
            if pause_between:
                sleep(pause_between)
    if not Recipient.objects.filter(
        mailing_id=mailing_id, state__in=[RecipientState.PENDING, RecipientState.SENDING]
    ).exists():
        Mailing.objects.filter(pk=mailing_id, status=MailingStatus.SENDING).update(
            status=MailingStatus.DONE, finished_at=timezone.now()
        )
    return sent


def unsubscribe(token_value: str) -> Recipient | None:
    """The public unsubscribe (no sign-in): recorded once on the contact, with the mailing."""
    pk = read_token(token_value, _SALT_UNSUB)
    if not isinstance(pk, int):
        return None
    recipient = Recipient.objects.filter(pk=pk).select_related("contact").first()
    if recipient is None:
        return None
    with transaction.atomic():
        if not Unsubscription.objects.filter(contact_id=recipient.contact_id).exists():
            Unsubscription.objects.create(
                contact_id=recipient.contact_id,
                email=recipient.email,
                mailing_id=recipient.mailing_id,
            )
        Recipient.objects.filter(pk=pk, unsubscribed_at__isnull=True).update(
            unsubscribed_at=timezone.now()
        )
    return recipient


def record_click(token_value: str) -> str | None:
    """The target of a signed link (only a link we signed: never an open redirect)."""
    data = read_token(token_value, _SALT_CLICK)
    if not (isinstance(data, list) and len(data) == 2):
        return None
    pk, url = data
    if not (isinstance(url, str) and _URL.fullmatch(url)):
        return None
    Recipient.objects.filter(pk=pk, clicked_at__isnull=True).update(clicked_at=timezone.now())
    return url


def record_open(token_value: str) -> None:
    pk = read_token(token_value, _SALT_OPEN)
    if isinstance(pk, int):
        Recipient.objects.filter(pk=pk, opened_at__isnull=True).update(opened_at=timezone.now())


def mailing_stats(mailing: Mailing) -> dict[str, int]:
    from django.db.models import Count, Q

    stats = Recipient.objects.filter(mailing=mailing).aggregate(
        total=Count("id"),
        sent=Count("id", filter=Q(state__in=[RecipientState.SENT, RecipientState.BOUNCED])),
        waiting=Count("id", filter=Q(state__in=[RecipientState.PENDING, RecipientState.SENDING])),
        failed=Count("id", filter=Q(state__in=[RecipientState.FAILED, RecipientState.INTERRUPTED])),
        bounced=Count("id", filter=Q(state=RecipientState.BOUNCED)),
        no_consent=Count("id", filter=Q(state=RecipientState.NO_CONSENT)),
        skipped_unsubscribed=Count("id", filter=Q(state=RecipientState.UNSUBSCRIBED)),
        same_address=Count("id", filter=Q(state=RecipientState.SAME_ADDRESS)),
        no_address=Count("id", filter=Q(state=RecipientState.NO_ADDRESS)),
        opened=Count("id", filter=Q(opened_at__isnull=False)),
        clicked=Count("id", filter=Q(clicked_at__isnull=False)),
        unsubscribed=Count("id", filter=Q(unsubscribed_at__isnull=False)),
    )
    stats["skipped"] = (
        stats["no_consent"]
        + stats["skipped_unsubscribed"]
        + stats["no_address"]
        + stats["same_address"]
    )
    # What followed: the campaign's leads and deals that came after the mailing was queued.
    stats["leads"] = stats["deals"] = 0
    if mailing.campaign_id and mailing.queued_at:
        stats["leads"] = Lead.objects.filter(
            campaign_id=mailing.campaign_id, created_at__gte=mailing.queued_at
        ).count()
        stats["deals"] = Deal.objects.filter(
            campaign_id=mailing.campaign_id, created_at__gte=mailing.queued_at
        ).count()
    to_send = stats["total"] - stats["skipped"]
    done = to_send - stats["waiting"]
    stats["percent"] = round(done * 100 / to_send) if to_send else 100
    return stats


# Questionnaires ---------------------------------------------------------------------------


def save_response(questionnaire, data: dict, *, contact: Contact, deal=None, link=None, actor=None):
    """Store the answers (`data` cleaned by `forms.AnswerForm`). A link answers once."""
    with transaction.atomic():
        if link is not None:
            taken = SurveyLink.objects.filter(pk=link.pk, answered_at__isnull=True).update(
                answered_at=timezone.now()
            )
            if not taken:
                raise ValidationError(_("This questionnaire has already been answered."))
        response = Response.objects.create(
            questionnaire=questionnaire, contact=contact, deal=deal, link=link, filled_by=actor
        )
        answers = []
        for question in questionnaire.questions.all():
            value = data.get(f"q{question.pk}")
            if value in (None, "", []):
                continue
            answer = Answer(response=response, question=question)
            if question.kind == QuestionKind.CHOICE:
                answer.choices = [value]
            elif question.kind == QuestionKind.MULTIPLE:
                answer.choices = list(value)
            elif question.kind == QuestionKind.SCALE:
                answer.number = int(value)
            else:
                answer.text = str(value)
            answers.append(answer)
        Answer.objects.bulk_create(answers)
    return response
