"""Workflow rules: a trigger, conditions and actions, all data read by this module (no eval,
no user templates). Triggers and actions are registries: another app adds its own
(`register_trigger("case_breached", …)` when cases arrive; `register_action("add_to_group",
…)` when groups exist) from its AppConfig.ready.

A rule runs in the background after the commit of the change that triggered it; each run is
a RuleRun with its outcome. Loops are cut twice: a rule never runs on a change made by its own
actions (or by a rule it triggered), and a chain of rules stops at events.MAX_DEPTH.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from voronka.accounts import access
from voronka.accounts.models import User
from voronka.activities.models import Activity, ActivityKind
from voronka.activities.services import activity_create
from voronka.audit.models import Verb
from voronka.audit.records import update_record
from voronka.audit.services import record_setting, setting_snapshot
from voronka.contacts.models import Company, Contact
from voronka.leads.models import Lead
from voronka.notifications.models import Kind
from voronka.notifications.services import notify
from voronka.sales.models import Deal
from voronka.service.models import Case

from . import events
from .models import Rule, RuleRun, RunOutcome

ENTITIES: dict[str, type[models.Model]] = {
    "company": Company,
    "contact": Contact,
    "deal": Deal,
    "lead": Lead,
    "activity": Activity,
    "case": Case,
}


def entity_choices() -> list[tuple[str, str]]:
    return [(key, model._meta.verbose_name) for key, model in ENTITIES.items()]


# --- triggers ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Trigger:
    key: str
    label: Any
    # (rule, payload) → does this event start the rule? None: the trigger is periodic.
    matches: Callable[[Rule, dict], bool] | None


TRIGGERS: dict[str, Trigger] = {}


def register_trigger(key: str, label, matches=None) -> None:
    TRIGGERS[key] = Trigger(key, label, matches)


def _created(rule: Rule, payload: dict) -> bool:
    return payload["event"] == f"{rule.entity}.created"


def _changed_to(field: str, value: str, payload: dict) -> bool:
    for change in payload.get("changes") or []:
        if change["field"] == field and (value in ("", None) or str(change["new"]) == value):
            return True
    return False


def _field_changed(rule: Rule, payload: dict) -> bool:
    options = rule.trigger_options or {}
    return payload["entity"] == rule.entity and _changed_to(
        options.get("field", ""), str(options.get("value", "")), payload
    )


def _stage_reached(rule: Rule, payload: dict) -> bool:
    options = rule.trigger_options or {}
    return payload["entity"] == "deal" and _changed_to(
        "stage", str(options.get("value", "")), payload
    )


def _event_named(name: str):
    def matches(rule: Rule, payload: dict) -> bool:
        return payload["event"] == f"{rule.entity}.{name}"

    return matches


register_trigger("created", gettext_lazy("a record is created"), _created)
register_trigger("field_changed", gettext_lazy("a field changes (to a value)"), _field_changed)
register_trigger("stage_reached", gettext_lazy("a deal reaches a stage"), _stage_reached)
register_trigger("date_reached", gettext_lazy("a date is reached"), None)
# Emitted by the apps that have them: cases (service) and the mail's linking of a letter.
register_trigger(
    "deadline_breached",
    gettext_lazy("a case breaches its deadline"),
    _event_named("deadline_breached"),
)
register_trigger(
    "letter_received", gettext_lazy("a letter is received"), _event_named("letter_received")
)


# --- conditions -------------------------------------------------------------------------

OPERATORS = {
    "eq": gettext_lazy("equals"),
    "ne": gettext_lazy("does not equal"),
    "gt": gettext_lazy("greater than"),
    "gte": gettext_lazy("at least"),
    "lt": gettext_lazy("less than"),
    "lte": gettext_lazy("at most"),
    "contains": gettext_lazy("contains"),
    "empty": gettext_lazy("is empty"),
    "not_empty": gettext_lazy("is not empty"),
}


def condition_fields(entity: str) -> list[str]:
    model = ENTITIES.get(entity)
    if model is None:
        return []
    return [
        f.name
        for f in model._meta.concrete_fields
        if not f.primary_key and f.name not in ("version", "search_text")
    ]


def _comparable(value: Any) -> Any:
    if isinstance(value, models.Model):
        return str(value.pk)
    if isinstance(value, datetime.date | datetime.datetime):
        return value.isoformat()
    return value


def _number(value: Any) -> Decimal | None:
    try:
        return Decimal(str(value))
    except (InvalidOperation, ValueError):
        return None


def holds(record: models.Model, condition: dict) -> bool:
    """One condition row on a record: field, operator, value — compared by this code."""
    name, op, wanted = condition.get("field"), condition.get("op"), condition.get("value", "")
    if name not in condition_fields(record.access_entity) or op not in OPERATORS:
        raise ValidationError(_("A condition names an unknown field or operator."))
    field = record._meta.get_field(name)
    value = _comparable(getattr(record, field.attname))
    if op == "empty":
        return value in (None, "", [])
    if op == "not_empty":
        return value not in (None, "", [])
    if value is None:
        return False
    if op == "contains":
        return str(wanted).casefold() in str(value).casefold()
    left, right = _number(value), _number(wanted)
    if left is None or right is None or isinstance(value, str):
        left, right = str(value), str(wanted)
    if op == "eq":
        return left == right
    if op == "ne":
        return left != right
    if op == "gt":
        return left > right
    if op == "gte":
        return left >= right
    if op == "lt":
        return left < right
    return left <= right


# --- actions ----------------------------------------------------------------------------


@dataclass(frozen=True)
class RuleAction:
    key: str
    label: Any
    run: Callable[..., str]


ACTIONS: dict[str, RuleAction] = {}


def register_action(key: str, label, run) -> None:
    ACTIONS[key] = RuleAction(key, label, run)


def _user(value, record) -> User:
    if value in (None, "", "owner"):
        return record.owner
    user = User.objects.filter(pk=value, is_active=True).first()
    if user is None:
        raise ValidationError(_("The user of the action does not exist or is inactive."))
    return user


def _create_task(*, rule: Rule, record, action: dict, actor: User) -> str:
    owner = _user(action.get("owner"), record)
    days = int(action.get("days") or 0)
    links = {record.access_entity: record} if record.access_entity != "activity" else {}
    if isinstance(record, Contact | Deal) and record.company_id:
        links.setdefault("company", record.company)
    task = activity_create(
        actor=actor,
        data={
            "kind": ActivityKind.TASK,
            "subject": (action.get("title") or rule.name)[:255],
            "owner": owner,
            "due_at": timezone.now() + datetime.timedelta(days=days),
            **links,
        },
    )
    return _("task “%(task)s” for %(user)s") % {"task": task, "user": owner}


def _set_field(*, rule: Rule, record, action: dict, actor: User) -> str:
    name = action.get("field")
    if name not in condition_fields(record.access_entity) or name in ("owner", "id"):
        raise ValidationError(_("The action names an unknown field."))
    field = record._meta.get_field(name)
    value = action.get("value")
    if field.is_relation:
        value = field.related_model._default_manager.filter(pk=value).first()
    elif value not in (None, ""):
        value = field.to_python(value)
    update_record(record, {name: value}, actor=actor, version=None)
    return _("%(field)s set") % {"field": field.verbose_name}


def _change_owner(*, rule: Rule, record, action: dict, actor: User) -> str:
    owner = _user(action.get("owner"), record)
    update_record(record, {"owner": owner}, actor=actor, version=None)
    return _("owner changed to %(user)s") % {"user": owner}


def _notify(*, rule: Rule, record, action: dict, actor: User) -> str:
    user = _user(action.get("user"), record)
    notify(
        user=user,
        kind=Kind.SYSTEM,
        title=(action.get("text") or rule.name)[:200],
        body=str(record),
        entity=record.access_entity,
        object_id=record.pk,
    )
    return _("%(user)s notified") % {"user": user}


def _send_email(*, rule: Rule, record, action: dict, actor: User) -> str:
    from voronka.mail.models import Mailbox, Template
    from voronka.mail.sending import letter_compose
    from voronka.mail.templating import render, values

    template = Template.objects.filter(pk=action.get("template")).first()
    mailbox = Mailbox.objects.filter(pk=action.get("mailbox")).first()
    if template is None or mailbox is None:
        raise ValidationError(_("The letter template or the mailbox of the action is gone."))
    contact = record if isinstance(record, Contact) else getattr(record, "contact", None)
    company = record if isinstance(record, Company) else getattr(record, "company", None)
    deal = record if isinstance(record, Deal) else None
    address = getattr(contact, "email", "") or getattr(record, "email", "")
    if not address:
        raise ValidationError(_("The record has no e-mail address."))
    context = values(contact=contact, company=company, deal=deal, sender=actor)
    letter_compose(
        actor=actor,
        mailbox=mailbox,
        to=[address],
        subject=render(template.subject, context),
        body=render(template.body, context),
        deal=deal,
        contact=contact,
        company=company,
    )
    return _("letter sent to %(address)s") % {"address": address}


def _call_webhook(*, rule: Rule, record, action: dict, actor: User) -> str:
    from .models import Delivery, Webhook
    from .tasks import deliver_task

    hook = Webhook.objects.filter(pk=action.get("webhook"), is_active=True).first()
    if hook is None:
        raise ValidationError(_("The webhook of the action is gone or inactive."))
    payload = {
        "event": "rule.fired",
        "rule": rule.pk,
        "entity": record.access_entity,
        "id": record.pk,
        "label": str(record),
        "at": timezone.now().isoformat(),
    }
    delivery = Delivery.objects.create(webhook=hook, event="rule.fired", payload=payload)
    transaction.on_commit(lambda: deliver_task(delivery.pk))
    return _("webhook “%(name)s” called") % {"name": hook}


register_action("create_task", gettext_lazy("create a task"), _create_task)
register_action("set_field", gettext_lazy("set a field"), _set_field)
register_action("change_owner", gettext_lazy("change the owner"), _change_owner)
register_action("notify", gettext_lazy("notify"), _notify)
register_action("send_email", gettext_lazy("send an e-mail from a template"), _send_email)
register_action("call_webhook", gettext_lazy("call a webhook"), _call_webhook)
# "add_to_group": registered by the app of groups and segments when it exists.


# --- running ----------------------------------------------------------------------------


def enqueue(payload: dict, rule_chain: tuple[int, ...] = ()) -> None:
    """The rules this event may start, each as a background job."""
    from .tasks import run_rule_task

    rules = [
        rule
        for rule in Rule.objects.filter(is_active=True, entity=payload["entity"]).order_by("pk")
        if rule.trigger in TRIGGERS
        and TRIGGERS[rule.trigger].matches is not None
        and TRIGGERS[rule.trigger].matches(rule, payload)
    ]
    for rule in rules:
        if rule.pk in rule_chain or len(rule_chain) >= events.MAX_DEPTH:
            RuleRun.objects.create(
                rule=rule,
                entity=payload["entity"],
                object_id=payload["id"],
                outcome=RunOutcome.STOPPED,
                depth=len(rule_chain),
                message=_("Not run: the change was made by this rule or by a chain of %(n)s rules.")
                % {"n": len(rule_chain)},
            )
            continue
        run_rule_task(rule.pk, payload, list(rule_chain))


def run_rule(*, rule_id: int, payload: dict, rule_chain: tuple[int, ...] = ()) -> RuleRun | None:
    rule = Rule.objects.select_related("created_by").filter(pk=rule_id, is_active=True).first()
    if rule is None:
        return None
    model = ENTITIES.get(rule.entity)
    record = model._default_manager.filter(pk=payload["id"]).first() if model else None
    run = RuleRun(rule=rule, entity=rule.entity, object_id=payload["id"], depth=len(rule_chain))
    if record is None:
        run.outcome, run.message = RunOutcome.SKIPPED, _("The record no longer exists.")
        run.save()
        return run
    actor = rule.created_by
    token = events.chain.set((*rule_chain, rule.pk))
    try:
        if not all(holds(record, c) for c in rule.conditions or []):
            run.outcome, run.message = RunOutcome.SKIPPED, ""
        else:
            done = []
            with transaction.atomic():
                for action in rule.actions or []:
                    kind = ACTIONS.get(action.get("type"))
                    if kind is None:
                        raise ValidationError(_("The rule has an unknown action."))
                    record.refresh_from_db()
                    done.append(kind.run(rule=rule, record=record, action=action, actor=actor))
            run.outcome, run.message = RunOutcome.DONE, "; ".join(str(d) for d in done)
    except (ValidationError, PermissionError, ValueError) as failure:
        run.outcome = RunOutcome.FAILED
        run.message = "; ".join(getattr(failure, "messages", [str(failure)]))
    except Exception as failure:  # any failure is the run's outcome, logged
        run.outcome, run.message = RunOutcome.FAILED, str(failure) or type(failure).__name__
    finally:
        events.chain.reset(token)
    run.save()
    return run


def run_date_triggers(*, today: datetime.date | None = None) -> int:
    """The daily job: records whose date field is `days` away from today start the rules
    with the trigger "a date is reached" (options: field, days before)."""
    today = today or timezone.localdate()
    count = 0
    for rule in Rule.objects.filter(is_active=True, trigger="date_reached").order_by("pk"):
        model = ENTITIES.get(rule.entity)
        name = (rule.trigger_options or {}).get("field", "")
        if model is None or name not in condition_fields(rule.entity):
            continue
        field = model._meta.get_field(name)
        if not isinstance(field, models.DateField):
            continue
        day = today + datetime.timedelta(days=int((rule.trigger_options or {}).get("days") or 0))
        lookup = f"{name}__date" if isinstance(field, models.DateTimeField) else name
        for pk in model._default_manager.filter(**{lookup: day}).values_list("pk", flat=True):
            run_rule(rule_id=rule.pk, payload={"entity": rule.entity, "id": pk})
            count += 1
    return count


def rule_save(*, actor: User, rule: Rule) -> Rule:
    access.require_configure(actor)
    if rule.trigger not in TRIGGERS:
        raise ValidationError({"trigger": _("Choose a trigger.")})
    for condition in rule.conditions or []:
        if condition.get("field") not in condition_fields(rule.entity) or (
            condition.get("op") not in OPERATORS
        ):
            raise ValidationError(_("A condition names an unknown field or operator."))
    for action in rule.actions or []:
        if action.get("type") not in ACTIONS:
            raise ValidationError(_("The rule has an unknown action."))
    rule.full_clean(exclude=["created_by"])
    with transaction.atomic():
        stored = Rule.objects.filter(pk=rule.pk).first() if rule.pk else None
        if rule.created_by_id is None:
            rule.created_by = actor
        rule.save()
        if stored is None:
            record_setting(actor=actor, setting=rule, verb=Verb.SETTING_ADDED)
        else:
            record_setting(
                actor=actor,
                setting=rule,
                verb=Verb.SETTING_CHANGED,
                before=setting_snapshot(stored),
            )
    return rule


def rule_delete(*, actor: User, rule: Rule) -> None:
    access.require_configure(actor)
    with transaction.atomic():
        record_setting(actor=actor, setting=rule, verb=Verb.SETTING_DELETED)
        rule.delete()
