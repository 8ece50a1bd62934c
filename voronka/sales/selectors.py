"""Reads of the sales domain, always through the access layer."""

import datetime

from django.db.models import QuerySet
from django.utils import timezone

from voronka.accounts import access
from voronka.core import money
from voronka.core.search import apply_search

from . import rules
from .models import REQUIRABLE_FIELDS, Deal, LostReason, Pipeline, Stage, StageKind


def deals_visible_to(*, user) -> QuerySet[Deal]:
    return access.visible(
        user, Deal.objects.select_related("owner", "company", "stage", "pipeline")
    )


def deals_to_choose(*, user, query: str, limit: int = 20) -> list[Deal]:
    """The deals an autocomplete offers for what was typed: the open ones first, then the
    closed ones, the newest first in each. Two short reads by the creation-date index, not
    one sort of every visible deal by an expression."""
    deals = apply_search(
        access.visible(user, Deal.objects.select_related("company", "contact")), query
    )
    newest = ("-created_at", "-id")
    chosen = list(deals.filter(stage__kind=StageKind.OPEN).order_by(*newest)[:limit])
    if len(chosen) < limit:
        closed = deals.exclude(stage__kind=StageKind.OPEN).order_by(*newest)
        chosen += list(closed[: limit - len(chosen)])
    return chosen


def deal_links(deal: Deal, *, user) -> dict:
    """What a form needs to know about a chosen deal besides its name: its company and
    contact, which an activity about the deal takes (names only for a user who may see
    them)."""
    links = {}
    for name in ("company", "contact"):
        record = getattr(deal, name)
        links[name] = record.pk if record is not None else None
        if record is not None and access.can_view(user, record):
            links[f"{name}_text"] = str(record)
    return links


def pipelines_with_stages() -> list[Pipeline]:
    return list(Pipeline.objects.prefetch_related("stages__checklist").order_by("order", "id"))


def stage_choices() -> list[tuple[str, list[tuple[int, str]]]]:
    """Stages grouped by pipeline, for a select with one group per pipeline."""
    groups: dict[int, tuple[str, list]] = {}
    for stage in (
        Stage.objects.select_related("pipeline")
        .filter(pipeline__is_active=True)
        .order_by("pipeline__order", "pipeline_id", "order", "id")
    ):
        groups.setdefault(stage.pipeline_id, (stage.pipeline.name, []))[1].append(
            (stage.pk, f"{stage.name} ({stage.probability}%)")
        )
    return list(groups.values())


def stage_panel(*, deal: Deal) -> dict:
    """What the deal page shows about the sale's steps: the pipeline's stages, the playbook
    of the current one, and what the next stage asks for (fields and checklist)."""
    stages = list(
        Stage.objects.filter(pipeline_id=deal.pipeline_id)
        .prefetch_related("checklist")
        .order_by("order", "id")
    )
    current = next((s for s in stages if s.pk == deal.stage_id), deal.stage)
    following = rules.next_open_stage(current) if current.kind == StageKind.OPEN else None
    if following is not None:
        following = next(s for s in stages if s.pk == following.pk)
    ticked = rules.ticked_item_ids(deal)
    requirements = []
    if following is not None:
        requirements = [
            {"label": REQUIRABLE_FIELDS[f], "done": not rules._is_empty(deal, f)}
            for f in following.required_fields
            if f in REQUIRABLE_FIELDS
        ]
    # Items of the stages still ahead: a manager ticks them on the way there.
    checklist = [
        {"item": item, "stage": stage, "done": item.pk in ticked}
        for stage in stages
        if stage.kind != StageKind.LOST and (stage.order, stage.pk) > (current.order, current.pk)
        for item in stage.checklist.all()
    ]
    return {
        "stages": stages,
        "current_stage": current,
        "next_stage": following,
        "requirements": requirements,
        "checklist": checklist,
        "won_stages": [s for s in stages if s.kind == StageKind.WON],
        "lost_stages": [s for s in stages if s.kind == StageKind.LOST],
        "lost_reasons": list(LostReason.objects.filter(is_active=True)),
    }


def value_date(deal: Deal) -> datetime.date:
    """The date whose rate values a deal: its closing day once closed, today while open."""
    if deal.closed_at is not None:
        return timezone.localtime(deal.closed_at).date()
    return timezone.localdate()


def attach_base_amounts(deals) -> None:
    """Set `amount_base` (None without a rate) and `value_date` on each deal, one query in all."""
    deals = list(deals)
    rates = money.rates_for({(deal.currency, value_date(deal)) for deal in deals})
    for deal in deals:
        deal.value_date = value_date(deal)
        rate = rates.get((deal.currency.upper(), deal.value_date))
        deal.amount_base = (
            None
            if rate is None
            else money.to_base(
                deal.amount, deal.currency, deal.value_date, rates={deal.currency.upper(): rate}
            )
        )


def without_next_step(deals: QuerySet[Deal]) -> QuerySet[Deal]:
    """Open deals with no planned activity (a call, meeting, task… not yet done): the
    "без следующего шага" of the next-step discipline. The activities' services keep
    `next_activity_at` (activities.next_steps)."""
    return deals.filter(stage__kind=StageKind.OPEN, next_activity_at__isnull=True)
