"""Background jobs of the administration: webhook deliveries with their retries, workflow
rules, the bin's purge and the scheduled backups (Huey; crontabs in UTC)."""

from __future__ import annotations

from huey import crontab
from huey.contrib.djhuey import HUEY, db_periodic_task, db_task

from . import bin, webhooks, workflow
from .models import Delivery, DeliveryState


@db_task()
def deliver_task(delivery_id: int) -> None:
    delivery = (
        Delivery.objects.select_related("webhook")
        .filter(pk=delivery_id, state=DeliveryState.PENDING)
        .first()
    )
    if delivery is None:
        return
    wait = webhooks.deliver(delivery)
    if wait is not None:
        if HUEY.immediate:
            # Tests (and HUEY_IMMEDIATE) retry at once: the back-off is the consumer's.
            deliver_task(delivery_id)
        else:
            deliver_task.schedule((delivery_id,), delay=wait)


@db_task()
def run_rule_task(rule_id: int, payload: dict, rule_chain: list[int]) -> None:
    workflow.run_rule(rule_id=rule_id, payload=payload, rule_chain=tuple(rule_chain))


@db_periodic_task(crontab(hour="2", minute="30"))
def purge_bin_daily() -> int:
    return bin.bin_purge_expired()


@db_periodic_task(crontab(hour="4", minute="15"))
def date_rules_daily() -> int:
    return workflow.run_date_triggers()


@db_periodic_task(crontab(hour="1", minute="0"))
def backup_daily() -> str:
    from . import backup

    return backup.scheduled_backup()
