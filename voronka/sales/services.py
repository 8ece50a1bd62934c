"""Writes to the sales domain: deals, and the pipelines an administrator configures."""

from __future__ import annotations

import uuid
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from voronka.accounts import access
from voronka.accounts.models import Entity, User
from voronka.audit.deletion import delete_record
from voronka.audit.models import Verb
from voronka.audit.records import FieldChange, create_record, update_record
from voronka.audit.services import (
    record_deal_events,
    record_entry,
    record_event,
    record_setting,
    setting_snapshot,
)
from voronka.audit.values import require_active
from voronka.catalog.models import PriceListLine, Product
from voronka.contacts.models import Company
from voronka.core import money

from . import rules
from .models import (
    Deal,
    DealChecklistTick,
    DealLine,
    LostReason,
    Pipeline,
    Stage,
    StageChange,
    StageChecklistItem,
    StageKind,
)


def default_stage() -> Stage | None:
    """The first open stage of the first active pipeline: where a new deal starts."""
    return (
        Stage.objects.filter(pipeline__is_active=True, kind=StageKind.OPEN)
        .select_related("pipeline")
        .order_by("pipeline__order", "pipeline_id", "order", "id")
        .first()
    )


def _check_owner(actor: User, owner: User) -> None:
    if not access.can_assign(actor, Entity.DEAL, owner):
        raise ValidationError({"owner": _("You may not make this user the owner of a record.")})


def _fill_from_stage(deal: Deal) -> None:
    """The pipeline and the probability follow the stage, unless given (a stage of another
    pipeline than the one given is refused by Deal.clean)."""
    if deal.stage_id:
        if deal.pipeline_id is None:
            deal.pipeline_id = deal.stage.pipeline_id
        if deal.probability is None:
            deal.probability = deal.stage.probability


def deal_create(*, actor: User, data: dict[str, Any]) -> Deal:
    """A new deal; in a strict pipeline it starts at the first stage, and the stage's
    requirements must already hold."""
    if not access.can_create(actor, Entity.DEAL):
        raise PermissionDenied(_("You may not create records here."))
    data = {"owner": actor, **data}
    if not data.get("stage"):
        data["stage"] = default_stage()
        if data["stage"] is None:
            raise ValidationError({"stage": _("Create a pipeline with stages first.")})
    deal = Deal(**data)
    _check_owner(actor, deal.owner)
    access.require_links(actor, company=deal.company, contact=deal.contact)
    require_active(
        lead_source=deal.lead_source, direction=deal.direction, lost_reason=deal.lost_reason
    )
    _fill_from_stage(deal)
    problems = rules.start_problems(deal)
    if problems:
        raise ValidationError({"stage": problems})
    if deal.stage.is_closed:
        deal.closed_at = timezone.now()
    with transaction.atomic():
        deal = create_record(deal)
        StageChange.objects.create(deal=deal, to_stage=deal.stage, actor=actor)
        record_event(
            verb=Verb.CREATED,
            actor=actor,
            record=deal,
            amount=deal.amount,
            currency=deal.currency,
            company=deal.company,
        )
    return deal


def deal_update(*, actor: User, deal: Deal, data: dict[str, Any], version: int | None) -> Deal:
    """Change a deal. A new stage must be allowed by the pipeline's rules; it brings its
    pipeline and, unless one is given, its probability; closing sets the date, losing needs
    a reason; the move is kept in the stage history and closing goes to the stream.

    `data["checklist"]`, if given, is what is ticked among the checklist items of the
    (new) stage's pipeline, ticked first so a move the items allow goes through in the same
    save (the edit form's checkboxes); each tick and untick is kept in the history."""
    data = dict(data)
    checklist = data.pop("checklist", None)
    probability_given = "probability" in data and data["probability"] is not None
    old_probability = deal.probability
    moved: dict[str, Stage] = {}

    def before_save(record: Deal, changes: list[FieldChange]) -> list[FieldChange]:
        fields = {c.field: c for c in changes}
        extra: list[FieldChange] = []
        if checklist is not None:
            # On the locked row the rights are checked on; before the move's rules read them.
            _set_checklist(
                actor=actor, deal=record, pipeline=record.stage.pipeline, ticked=checklist
            )

        def put(field: str, value) -> None:
            old = getattr(record, Deal._meta.get_field(field).attname)
            new = value.pk if hasattr(value, "pk") else value
            if old != new:
                extra.append(FieldChange(field, old, new))
                setattr(record, field, value)

        if "owner" in fields:
            _check_owner(actor, record.owner)
        if fields.keys() & {"amount", "quantity"} and record.lines.exists():
            raise ValidationError(
                {"amount": _("The deal has lines: its amount is their total. Change the lines.")}
            )
        require_active(
            **{
                name: getattr(record, name)
                for name in ("lead_source", "direction", "lost_reason")
                if name in fields
            }
        )
        if fields.keys() & {"company", "contact", "lost_to"}:
            access.require_links(
                actor,
                company=record.company if "company" in fields else None,
                contact=record.contact if "contact" in fields else None,
                lost_to=record.lost_to if "lost_to" in fields else None,
            )
        if "stage" in fields:
            old_stage = Stage.objects.select_related("pipeline").get(pk=fields["stage"].old)
            new_stage = record.stage
            errors: dict[str, Any] = {}
            problems = rules.move_problems(record, old_stage, new_stage)
            if problems:
                errors["stage"] = problems
            if new_stage.kind == StageKind.LOST and record.lost_reason_id is None:
                errors["lost_reason"] = _("Choose why the deal was lost.")
            if errors:
                raise ValidationError(errors)
            moved["from"] = old_stage
            moved["since"] = record.stage_entered_at
            if "pipeline" not in data:
                put("pipeline", new_stage.pipeline)
            keep_own_choice = probability_given and data["probability"] != old_probability
            if not keep_own_choice:
                put("probability", new_stage.probability)
            record.stage_entered_at = timezone.now()
            extra.append(FieldChange("stage_entered_at", None, record.stage_entered_at))
            if new_stage.kind == StageKind.OPEN:
                put("closed_at", None)
            elif old_stage.kind == StageKind.OPEN:
                put("closed_at", timezone.now())
            if new_stage.kind != StageKind.LOST:
                put("lost_reason", None)
                put("lost_to", None)
        return extra

    if "probability" in data and data["probability"] is None:
        data = {k: v for k, v in data.items() if k != "probability"}
    with transaction.atomic():
        deal, changes = update_record(
            deal, data, actor=actor, version=version, before_save=before_save
        )
        if "from" in moved:
            stay = deal.stage_entered_at - moved["since"] if moved.get("since") else None
            StageChange.objects.create(
                deal=deal,
                from_stage=moved["from"],
                to_stage=deal.stage,
                actor=actor,
                changed_at=deal.stage_entered_at,
                stay_seconds=max(int(stay.total_seconds()), 0) if stay is not None else None,
            )
        record_deal_events(actor=actor, deal=deal, changes=changes, old_stage=moved.get("from"))
    return deal


def deal_move_stage(
    *,
    actor: User,
    deal: Deal,
    stage: Stage,
    lost_reason: LostReason | None = None,
    lost_to: Company | None = None,
    version: int | None = None,
) -> Deal:
    """Move a deal to a stage (the board's drag and drop, the stage buttons, the API)."""
    data: dict[str, Any] = {"stage": stage}
    if stage.kind == StageKind.LOST:
        data |= {"lost_reason": lost_reason, "lost_to": lost_to}
    return deal_update(actor=actor, deal=deal, data=data, version=version)


def deal_set_tick(*, actor: User, deal: Deal, item: StageChecklistItem, ticked: bool) -> None:
    """Tick (or untick) a checklist item of one of the deal's pipeline stages."""
    access.require(actor, access.Action.CHANGE, deal)
    if item.stage.pipeline_id != deal.pipeline_id:
        raise ValidationError(_("This checklist item belongs to another pipeline."))
    with transaction.atomic():
        _tick(actor=actor, deal=deal, item=item, ticked=ticked)


def _tick(
    *, actor: User, deal: Deal, item: StageChecklistItem, ticked: bool, **history: Any
) -> None:
    """Tick or untick one item; a change is a row of the deal's history (who, when), in the
    save's group of rows if `history` names it (batch, position, at)."""
    if ticked:
        _tick_row, changed = DealChecklistTick.objects.get_or_create(
            deal=deal, item=item, defaults={"ticked_by": actor}
        )
    else:
        changed, _rows = DealChecklistTick.objects.filter(deal=deal, item=item).delete()
    if changed:
        record_entry(
            actor=actor,
            record=deal,
            field="checklist",
            old=None if ticked else item.pk,
            new=item.pk if ticked else None,
            old_label="" if ticked else item.text,
            new_label=item.text if ticked else "",
            **history,
        )


def _set_checklist(
    *, actor: User, deal: Deal, pipeline: Pipeline, ticked: list[StageChecklistItem]
) -> None:
    """Make the ticks of the pipeline's checklist items these (items of other pipelines in
    the list are not the deal's business now and stay as they are). The caller has checked
    the actor may change the deal."""
    wanted = {item.pk for item in ticked}
    have = rules.ticked_item_ids(deal)
    items = StageChecklistItem.objects.filter(stage__pipeline=pipeline).order_by(
        "stage__order", "order", "id"
    )
    changing = [item for item in items if (item.pk in wanted) != (item.pk in have)]
    batch, now = uuid.uuid4(), timezone.now()  # one save, one group of history rows
    for position, item in enumerate(changing):
        _tick(
            actor=actor,
            deal=deal,
            item=item,
            ticked=item.pk in wanted,
            batch=batch,
            position=position,
            at=now,
        )


def deal_delete(*, actor: User, deal: Deal) -> None:
    access.require(actor, access.Action.DELETE, deal)
    with transaction.atomic():
        delete_record(actor=actor, record=deal, company=deal.company)


def pipeline_save(*, actor: User, pipeline: Pipeline, stages: list[dict[str, Any]]) -> Pipeline:
    """Save a pipeline and its ordered stages in one go.

    `stages` lists the wanted stages in order; each dict has name, probability, kind and,
    for an existing stage, its `id`. Stages left out are deleted, unless deals use them.
    """
    access.require_configure(actor)
    if not any(s["kind"] == StageKind.OPEN for s in stages):
        raise ValidationError(_("A pipeline needs at least one open stage."))
    with transaction.atomic():
        pipeline.full_clean()
        stored = Pipeline.objects.filter(pk=pipeline.pk).first() if pipeline.pk else None
        if pipeline.pk is None:
            pipeline.order = (Pipeline.objects.aggregate(m=Max("order"))["m"] or 0) + 1
        pipeline.save()
        _record_setting(actor, pipeline, stored)
        kept = []
        existing = {s.pk: s for s in pipeline.stages.all()}
        for position, item in enumerate(stages, start=1):
            stage = existing.get(item.get("id")) or Stage(pipeline=pipeline)
            before = setting_snapshot(stage) if stage.pk else None
            stage.name = item["name"]
            stage.probability = item["probability"]
            stage.kind = item["kind"]
            stage.order = position
            for optional in ("color", "playbook", "required_fields"):
                if item.get(optional) not in (None, ""):
                    setattr(stage, optional, item[optional])
            if "required_invoice" in item:
                stage.required_invoice = item["required_invoice"] or ""
            if "requires_decision_maker" in item:
                stage.requires_decision_maker = bool(item["requires_decision_maker"])
            stage.full_clean()
            stage.save()
            _record_setting(actor, stage, before, snapshot=True)
            if "checklist" in item:
                _save_checklist(stage, item["checklist"])
            kept.append(stage.pk)
        dropped = pipeline.stages.exclude(pk__in=kept)
        in_use = list(dropped.filter(deals__isnull=False).distinct().values_list("name", flat=True))
        if in_use:
            raise ValidationError(
                _("Stages with deals cannot be deleted: %(names)s. Move the deals first.")
                % {"names": ", ".join(in_use)}
            )
        for stage in dropped:
            record_setting(actor=actor, setting=stage, verb=Verb.SETTING_DELETED)
        dropped.delete()
    return pipeline


def _record_setting(actor: User, setting, before, *, snapshot: bool = False) -> None:
    """History of a pipeline or a stage: added, or the values that changed. `before` is the
    stored row (or, with `snapshot`, its `setting_snapshot`); None for a new one."""
    if before is None:
        record_setting(actor=actor, setting=setting, verb=Verb.SETTING_ADDED)
        return
    record_setting(
        actor=actor,
        setting=setting,
        verb=Verb.SETTING_CHANGED,
        before=before if snapshot else setting_snapshot(before),
    )


def _save_checklist(stage: Stage, texts: list[str]) -> None:
    """The stage's checklist as these lines; an item kept by its text keeps its ticks."""
    current = {item.text: item for item in stage.checklist.all()}
    for order, text in enumerate(texts, start=1):
        item = current.pop(text, None) or StageChecklistItem(stage=stage, text=text)
        item.order = order
        item.save()
    StageChecklistItem.objects.filter(pk__in=[item.pk for item in current.values()]).delete()


def pipeline_delete(*, actor: User, pipeline: Pipeline) -> None:
    access.require_configure(actor)
    if pipeline.deals.exists():
        raise ValidationError(_("This pipeline has deals and cannot be deleted."))
    with transaction.atomic():
        record_setting(actor=actor, setting=pipeline, verb=Verb.SETTING_DELETED)
        pipeline.delete()


# Lines of a deal ---------------------------------------------------------------------------

LINE_FIELDS = (
    "name",
    "quantity",
    "unit",
    "unit_code",
    "price",
    "discount_percent",
    "vat_kind",
    "cost_price",
)


def _convert(amount: Decimal | None, source: str, target: str) -> Decimal | None:
    """A price of a product or a price list in the deal's currency, at today's rates (the
    way a deal's amount is converted); refused when a rate is missing."""
    if amount is None or source == target:
        return amount
    today = timezone.localdate()
    rates = money.rates_on(today, [source, target])
    if source not in rates or target not in rates:
        raise ValidationError(
            _("No exchange rate of %(source)s to %(target)s: enter the rates first.")
            % {"source": source, "target": target}
        )
    return (amount * rates[source] / rates[target]).quantize(Decimal("0.01"))


def _line_defaults(
    product: Product | None, price_line: PriceListLine | None, currency: str
) -> dict[str, Any]:
    """What a line starts with: the product's name, unit, price and VAT, or the price-list
    line's attributes (copied now, so a later upload does not change the deal)."""
    if price_line is not None:
        price_list = price_line.price_list
        supplier = price_list.supplier.name if price_list.supplier_id else ""
        name = " — ".join(p for p in (supplier, price_line.label) if p)
        return {
            "name": name[:500],
            "attributes": dict(price_line.attributes),
            "price": _convert(price_line.price, price_line.currency, currency),
            "cost_price": _convert(price_line.cost_price, price_line.currency, currency),
            "unit": "усл",
            "unit_code": "876",
            "vat_kind": "standard",
        }
    if product is not None:
        return {
            "name": product.name,
            "price": _convert(product.price, product.currency, currency),
            "cost_price": _convert(product.cost_price, product.currency, currency),
            "unit": product.unit.short_name,
            "unit_code": product.unit.code,
            "vat_kind": product.vat_kind,
        }
    return {}


def deal_line_add(
    *,
    actor: User,
    deal: Deal,
    data: dict[str, Any],
    product: Product | None = None,
    price_line: PriceListLine | None = None,
) -> DealLine:
    """Put a product, a price-list line or a typed line on a deal; the deal's amount follows."""
    access.require(actor, access.Action.CHANGE, deal)
    values = {**_line_defaults(product, price_line, deal.currency)}
    values.update({k: v for k, v in data.items() if k in LINE_FIELDS and v not in (None, "")})
    line = DealLine(deal=deal, product=product, price_list_line=price_line, **values)
    line.total = line.compute_total()
    with transaction.atomic():
        line.order = (deal.lines.aggregate(m=Max("order"))["m"] or 0) + 1
        line.full_clean()
        line.save()
        deal_sync_amount(actor=actor, deal=deal)
    return line


def deal_line_update(*, actor: User, line: DealLine, data: dict[str, Any]) -> DealLine:
    access.require(actor, access.Action.CHANGE, line.deal)
    for field in LINE_FIELDS:
        if field in data and data[field] is not None:
            setattr(line, field, data[field])
    line.total = line.compute_total()
    with transaction.atomic():
        line.full_clean()
        line.save()
        deal_sync_amount(actor=actor, deal=line.deal)
    return line


def deal_line_delete(*, actor: User, line: DealLine) -> None:
    access.require(actor, access.Action.CHANGE, line.deal)
    with transaction.atomic():
        deal = line.deal
        line.delete()
        deal_sync_amount(actor=actor, deal=deal)


def deal_sync_amount(*, actor: User, deal: Deal) -> Deal:
    """The deal's amount (and units, for the plans) are its lines' totals while it has lines;
    with none left the last amount stays, to be typed by hand."""
    lines = list(deal.lines.values_list("total", "quantity"))
    if not lines:
        return deal
    amount = sum((t for t, _q in lines), start=Decimal("0"))
    quantity = sum((q for _t, q in lines), start=Decimal("0")).quantize(Decimal("0.01"))
    data = {"amount": amount, "quantity": quantity}
    if deal.amount == amount and deal.quantity == quantity:
        return deal
    deal, _changes = update_record(deal, data, actor=actor, version=None)
    return deal
