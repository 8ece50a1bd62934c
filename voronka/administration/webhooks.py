"""Webhooks: an event POSTed as JSON to each subscribed URL, signed with HMAC-SHA256 of the
body under the webhook's secret (header X-Voronka-Signature: sha256=<hex>), retried with
back-off, every attempt's answer logged on the Delivery.

The URL is checked by core.net on every attempt: the host (in any spelling of a number) and
every address it resolves to must be public, and a redirect is never followed — it counts as
a failed attempt, so a public URL cannot bounce the call to a private one.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from voronka.accounts import access
from voronka.accounts.models import User
from voronka.audit.models import Verb
from voronka.audit.services import record_setting, setting_snapshot
from voronka.core import net

from .models import Delivery, DeliveryState, Webhook

SIGNATURE_HEADER = "X-Voronka-Signature"
EVENT_HEADER = "X-Voronka-Event"
# Seconds to wait before the 2nd, 3rd … attempt; after the last one the delivery has failed.
BACKOFF = (10, 60, 300, 1800, 7200)


def backoff() -> tuple[int, ...]:
    return tuple(settings.VORONKA.get("WEBHOOK_BACKOFF", BACKOFF))


def sign(secret: str, body: bytes) -> str:
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def check_url(url: str) -> None:
    """ValidationError with the reason when the URL may not be called."""
    parts = urlsplit(url or "")
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ValidationError(_("Only http:// and https:// addresses can be called."))
    try:
        net.check_host(parts.hostname, parts.port or (443 if parts.scheme == "https" else 80))
    except net.HostRefused as refused:
        raise ValidationError(str(refused)) from None
    except ValueError:
        raise ValidationError(_("The address is not valid.")) from None


def webhook_save(*, actor: User, webhook: Webhook) -> Webhook:
    access.require_configure(actor)
    check_url(webhook.url)
    webhook.full_clean()
    with transaction.atomic():
        stored = Webhook.objects.filter(pk=webhook.pk).first() if webhook.pk else None
        webhook.save()
        if stored is None:
            record_setting(actor=actor, setting=webhook, verb=Verb.SETTING_ADDED)
        else:
            record_setting(
                actor=actor,
                setting=webhook,
                verb=Verb.SETTING_CHANGED,
                before=setting_snapshot(stored),
            )
    return webhook


def webhook_delete(*, actor: User, webhook: Webhook) -> None:
    access.require_configure(actor)
    with transaction.atomic():
        record_setting(actor=actor, setting=webhook, verb=Verb.SETTING_DELETED)
        webhook.delete()


def enqueue(payload: dict) -> list[Delivery]:
    """A delivery per active webhook that wants the event, each sent by a background job."""
    from .tasks import deliver_task

    deliveries = [
        Delivery.objects.create(webhook=hook, event=payload["event"], payload=payload)
        for hook in Webhook.objects.filter(is_active=True).order_by("pk")
        if hook.wants(payload["event"])
    ]
    for delivery in deliveries:
        deliver_task(delivery.pk)
    return deliveries


def deliver(delivery: Delivery) -> int | None:
    """One attempt. Returns the seconds to wait before the next one, or None when done
    (delivered, or failed for good)."""
    hook = delivery.webhook
    body = json.dumps(delivery.payload, ensure_ascii=False, sort_keys=True).encode()
    headers = {
        "Content-Type": "application/json",
        "User-Agent": "Voronka-Webhook",
        EVENT_HEADER: delivery.event,
        SIGNATURE_HEADER: sign(hook.secret, body),
        "X-Voronka-Delivery": str(delivery.pk),
    }
    delivery.attempts += 1
    delivery.sent_at = timezone.now()
    delivery.error = ""
    retry = True
    try:
        reply = net.post(hook.url, body, headers, timeout=10)
    except net.HostRefused as refused:
        delivery.status_code, delivery.response = None, ""
        delivery.error = str(refused)[:500]
        retry = False
    except (OSError, ValueError) as failure:
        delivery.status_code, delivery.response = None, ""
        delivery.error = (str(failure) or type(failure).__name__)[:500]
    else:
        delivery.status_code, delivery.response = reply.status, reply.body[:10000]
        if 200 <= reply.status < 300:
            delivery.state = DeliveryState.DELIVERED
            retry = False
        elif 300 <= reply.status < 400:
            delivery.error = (
                _("A redirect to %(location)s is not followed.") % {"location": reply.location}
            )[:500]
            retry = False
    waits = backoff()
    wait = None
    if delivery.state != DeliveryState.DELIVERED:
        if retry and delivery.attempts <= len(waits):
            wait = waits[delivery.attempts - 1]
        else:
            delivery.state = DeliveryState.FAILED
    delivery.save(
        update_fields=["attempts", "sent_at", "error", "status_code", "response", "state"]
    )
    return wait
