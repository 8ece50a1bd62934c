"""The steps of a sale, enforced: what a deal needs to enter a stage, and which moves a
strict pipeline allows. The board, the deal form, the API and bulk actions all ask here
(through `services.deal_update`), so a move is refused the same way everywhere."""

from __future__ import annotations

from django.utils.translation import gettext as _

from .models import REQUIRABLE_FIELDS, Deal, InvoiceState, Stage, StageChange, StageKind


def _is_empty(deal: Deal, field_name: str) -> bool:
    if field_name == "amount":
        return not deal.amount
    field = Deal._meta.get_field(field_name)
    value = getattr(deal, field.attname)
    return value is None or (isinstance(value, str) and not value.strip())


def ticked_item_ids(deal: Deal) -> set[int]:
    if deal.pk is None:
        return set()
    return set(deal.ticks.values_list("item_id", flat=True))


def missing_to_enter(deal: Deal, stage: Stage, *, ticked: set[int] | None = None) -> list[str]:
    """What keeps the deal out of the stage, as sentences naming the fields and items."""
    problems = []
    fields = [str(REQUIRABLE_FIELDS[f]) for f in stage.required_fields if _is_empty(deal, f)]
    if fields:
        problems.append(
            _("To move to «%(stage)s», fill in: %(fields)s.")
            % {"stage": stage.name, "fields": ", ".join(fields)}
        )
    invoice = invoice_problem(deal, stage)
    if invoice:
        problems.append(invoice)
    if stage.requires_decision_maker and not deal.decision_maker_known:
        problems.append(
            _("To move to «%(stage)s», name the decision maker in the deal's stakeholder map.")
            % {"stage": stage.name}
        )
    items = list(stage.checklist.all())
    if items:
        ticked = ticked_item_ids(deal) if ticked is None else ticked
        unticked = [item.text for item in items if item.pk not in ticked]
        if unticked:
            problems.append(
                _("To move to «%(stage)s», tick: %(items)s.")
                % {"stage": stage.name, "items": ", ".join(unticked)}
            )
    return problems


def invoice_problem(deal: Deal, stage: Stage) -> str | None:
    """A stage that wants an issued (or a paid) invoice: the deal's invoice state, kept by
    the documents' services, must have got that far (paid counts as issued)."""
    wanted = stage.required_invoice
    if not wanted:
        return None
    have = deal.invoice_state
    if wanted == InvoiceState.ISSUED and have in (InvoiceState.ISSUED, InvoiceState.PAID):
        return None
    if wanted == InvoiceState.PAID and have == InvoiceState.PAID:
        return None
    if wanted == InvoiceState.PAID:
        return _("To move to «%(stage)s», the deal's invoice must be paid.") % {"stage": stage.name}
    return _("To move to «%(stage)s», issue an invoice for the deal.") % {"stage": stage.name}


def _open_stages(stage: Stage) -> list[Stage]:
    return [s for s in stage.pipeline.stages.order_by("order", "id") if s.kind == StageKind.OPEN]


def next_open_stage(stage: Stage) -> Stage | None:
    opens = _open_stages(stage)
    if stage.kind != StageKind.OPEN:
        return None
    position = [s.pk for s in opens].index(stage.pk)
    return opens[position + 1] if position + 1 < len(opens) else None


def _stage_before_closing(deal: Deal, closed: Stage) -> Stage | None:
    change = (
        StageChange.objects.filter(deal=deal, to_stage=closed)
        .select_related("from_stage")
        .order_by("-changed_at", "-id")
        .first()
    )
    if change and change.from_stage and change.from_stage.kind == StageKind.OPEN:
        return change.from_stage
    return None


def is_forward(old: Stage, new: Stage) -> bool:
    if old.pipeline_id != new.pipeline_id:
        return True
    if old.kind == StageKind.OPEN and new.kind != StageKind.OPEN:
        return True
    return (new.order, new.pk) > (old.order, old.pk) and new.kind == StageKind.OPEN


def move_problems(deal: Deal, old: Stage, new: Stage) -> list[str]:
    """Why the deal (with its new values already set) may not go from `old` to `new`."""
    if old.pk == new.pk:
        return []
    problems = []
    pipeline = new.pipeline
    if pipeline.strict_order and old.pipeline_id == pipeline.pk and new.kind == StageKind.OPEN:
        opens = [s.pk for s in _open_stages(new)]
        if old.kind == StageKind.OPEN:
            if opens.index(new.pk) > opens.index(old.pk) + 1:
                following = next_open_stage(old)
                problems.append(
                    _(
                        "In the pipeline «%(pipeline)s» a deal moves one stage at a time: "
                        "the next stage is «%(next)s»."
                    )
                    % {"pipeline": pipeline.name, "next": following.name if following else ""}
                )
        else:
            last_open = _stage_before_closing(deal, old)
            if last_open is not None and opens.index(new.pk) > opens.index(last_open.pk):
                problems.append(
                    _("A reopened deal goes back to «%(stage)s» or an earlier stage.")
                    % {"stage": last_open.name}
                )
    if is_forward(old, new):
        problems.extend(missing_to_enter(deal, new))
    return problems


def start_problems(deal: Deal) -> list[str]:
    """Why a new deal may not start at its stage."""
    stage = deal.stage
    if stage.pipeline.strict_order:
        opens = _open_stages(stage)
        if opens and stage.pk != opens[0].pk:
            return [
                _("In the pipeline «%(pipeline)s» a new deal starts at «%(stage)s».")
                % {"pipeline": stage.pipeline.name, "stage": opens[0].name}
            ]
    return missing_to_enter(deal, stage, ticked=set())
