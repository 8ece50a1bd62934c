"""A deal's past, as the application would have written it while people worked the deal.

`deal_create` records the first stage (a StageChange from nowhere) and a "created" event on
the stream; each later move through `deal_update` records a StageChange, a history batch
(stage, probability and, when lost, the reason, in the tracked fields' order) and, when the
deal closes, a "won" or "lost" event; entering a stage with a checklist needs its items
ticked first. `Past` makes those rows for each generated deal, with ids chosen up front, and
sets the deal's own fields to match (stage_entered_at, closed_at, lost_reason).
"""

from __future__ import annotations

import datetime
import random
import uuid
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import models

from voronka.accounts.models import Entity
from voronka.audit.models import HistoryEntry, StreamEvent, Verb
from voronka.sales.models import Deal, DealChecklistTick, StageChange, StageKind

Stage = tuple[int, int, str, str]  # (id, probability, kind, name)
ExtraRows = list[tuple[type[models.Model], tuple[str, ...], list[tuple]]]

# A deal spends about this long at a stage before the next move (exponential).
STAGE_STAY = datetime.timedelta(days=12)
# How many edits the deal with the long history gets (~1.4 history rows each).
LONG_HISTORY_EDITS = 160

STAGE_CHANGE_FIELDS = (
    "id",
    "deal",
    "from_stage",
    "to_stage",
    "actor",
    "changed_at",
    "stay_seconds",
)
HISTORY_FIELDS = (
    "id",
    "entity",
    "object_id",
    "batch",
    "position",
    "field",
    "old_value",
    "new_value",
    "old_label",
    "new_label",
    "actor",
    "changed_at",
)
EVENT_FIELDS = (
    "id",
    "verb",
    "actor",
    "entity",
    "object_id",
    "label",
    "owner",
    "company_id",
    "company_label",
    "amount",
    "currency",
    "data",
    "created_at",
)
TICK_FIELDS = ("id", "deal", "item", "ticked_by", "ticked_at")


@dataclass
class PipelineInfo:
    """A pipeline's stages in board order, and the checklist item ids of each stage."""

    pk: int
    stages: list[Stage]
    checklist: dict[int, list[int]] = field(default_factory=dict)

    @property
    def open_stages(self) -> list[Stage]:
        return [s for s in self.stages if s[2] == StageKind.OPEN]

    def closed_stage(self, kind: str) -> Stage:
        return next(s for s in self.stages if s[2] == kind)

    def stage(self, pk: int) -> Stage:
        return next(s for s in self.stages if s[0] == pk)

    @property
    def complete(self) -> bool:
        """At least one open stage, a won one and a lost one."""
        return {s[2] for s in self.stages} >= {StageKind.OPEN, StageKind.WON, StageKind.LOST}


@dataclass
class Past:
    rng: random.Random
    now: datetime.datetime
    lost_reasons: list[tuple[int, str]]
    lost_reason_weights: list[float]
    stage_change_id: int = 1
    history_id: int = 1
    event_id: int = 1
    tick_id: int = 1
    stage_changes: list[tuple] = field(default_factory=list)
    history: list[tuple] = field(default_factory=list)
    events: list[tuple] = field(default_factory=list)
    ticks: list[tuple] = field(default_factory=list)

    def drain(self) -> ExtraRows:
        """The rows made since the last call, for the batch being written."""
        rows: ExtraRows = [
            (StageChange, STAGE_CHANGE_FIELDS, self.stage_changes),
            (HistoryEntry, HISTORY_FIELDS, self.history),
            (StreamEvent, EVENT_FIELDS, self.events),
            (DealChecklistTick, TICK_FIELDS, self.ticks),
        ]
        self.stage_changes, self.history, self.events, self.ticks = [], [], [], []
        return rows

    # --- the rows -----------------------------------------------------------------------

    def _uuid(self) -> uuid.UUID:
        return uuid.UUID(int=self.rng.getrandbits(128), version=4)

    def _stage_change(self, deal: Deal, old: Stage | None, new: Stage, at, since=None) -> None:
        stay = int((at - since).total_seconds()) if since is not None else None
        self.stage_changes.append(
            (
                self.stage_change_id,
                deal.pk,
                old[0] if old else None,
                new[0],
                deal.owner_id,
                at,
                stay,
            )
        )
        self.stage_change_id += 1

    def _history(self, deal: Deal, at, changes: list[tuple[str, object, object, str, str]]):
        """One save's batch: (field, old raw value, new raw value, old label, new label)."""
        batch = self._uuid()
        for position, (name, old, new, old_label, new_label) in enumerate(changes):
            self.history.append(
                (
                    self.history_id,
                    Entity.DEAL,
                    deal.pk,
                    batch,
                    position,
                    name,
                    old,
                    new,
                    old_label,
                    new_label,
                    deal.owner_id,
                    at,
                )
            )
            self.history_id += 1

    def _event(self, deal: Deal, verb: str, at, company_label: str, data: dict) -> None:
        self.events.append(
            (
                self.event_id,
                verb,
                deal.owner_id,
                Entity.DEAL,
                deal.pk,
                deal.name[:255],
                deal.owner_id,
                deal.company_id,
                company_label[:255] if deal.company_id else "",
                deal.amount,
                deal.currency,
                data,
                at,
            )
        )
        self.event_id += 1

    def _move(self, deal: Deal, old: Stage, new: Stage, at, reason: tuple[int, str] | None, since):
        """What `deal_update` writes for a stage move (the history in tracked-field order)."""
        self._stage_change(deal, old, new, at, since)
        changes = [("stage", old[0], new[0], old[3], new[3])]
        if old[1] != new[1]:
            changes.append(("probability", old[1], new[1], "", ""))
        if reason is not None:
            changes.append(("lost_reason", None, reason[0], "", reason[1]))
        self._history(deal, at, changes)

    def _ticks(self, deal: Deal, items: list[int], after, before) -> None:
        """Checklist items ticked some time before the deal entered their stage."""
        for item in items:
            at = before - (before - after) * self.rng.uniform(0.05, 0.6)
            self.ticks.append((self.tick_id, deal.pk, item, deal.owner_id, at))
            self.tick_id += 1

    # --- a deal's past --------------------------------------------------------------------

    def _path(self, pipeline: PipelineInfo, current: Stage) -> list[Stage]:
        """The stages from the first open one to the current one, in a strict order."""
        opens = pipeline.open_stages
        if current[2] == StageKind.OPEN:
            return opens[: opens.index(current) + 1]
        # Won deals mostly got to the last open stage; lost ones mostly dropped out early.
        weights = [(i + 1) ** 2 for i in range(len(opens))]
        if current[2] == StageKind.LOST:
            weights.reverse()
        reached = self.rng.choices(range(len(opens)), weights=weights)[0]
        return [*opens[: reached + 1], current]

    def _times(self, start, moves: int, closed_since=None) -> list:
        """When each move happened: after the creation, before now."""
        rng = self.rng
        if not moves:
            return []
        if closed_since is not None:
            # Closed lately (the board's won and lost columns): the last move is recent.
            end = max(start, closed_since) + (self.now - max(start, closed_since)) * rng.random()
            steps = sorted(rng.random() for _ in range(moves - 1))
            return [start + (end - start) * s for s in steps] + [end]
        times, at = [], start
        for _ in range(moves):
            at += STAGE_STAY * rng.expovariate(1.0) + datetime.timedelta(hours=rng.randint(1, 8))
            times.append(at)
        if times[-1] > self.now:
            # Squeeze the moves into the time the deal has had.
            room = (self.now - start) * rng.uniform(0.3, 0.98)
            span = times[-1] - start
            times = [start + room * ((t - start) / span) for t in times]
        return times

    def deal(
        self, deal: Deal, pipeline: PipelineInfo, company_label: str, *, closed_since=None
    ) -> None:
        """Set the deal's dates and reason and record how it got to its stage."""
        current = pipeline.stage(deal.stage_id)
        path = self._path(pipeline, current)
        times = self._times(deal.created_at, len(path) - 1, closed_since)
        reason = None
        if current[2] == StageKind.LOST and self.lost_reasons:
            reason = self.rng.choices(self.lost_reasons, weights=self.lost_reason_weights)[0]
            deal.lost_reason_id = reason[0]
        self._stage_change(deal, None, path[0], deal.created_at)
        self._event(deal, Verb.CREATED, deal.created_at, company_label, {})
        previous = deal.created_at
        for old, new, at in zip(path[:-1], path[1:], times, strict=True):
            items = pipeline.checklist.get(new[0])
            if items:
                self._ticks(deal, items, previous, at)
            lost = reason if new[2] == StageKind.LOST else None
            self._move(deal, old, new, at, lost, previous)
            previous = at
        deal.stage_entered_at = times[-1] if times else deal.created_at
        if current[2] != StageKind.OPEN:
            deal.closed_at = times[-1]
            data = {"reason": reason[1]} if reason else {}
            self._event(deal, current[2], deal.closed_at, company_label, data)

    def long_history(self, deal: Deal, pipeline: PipelineInfo, company_label: str) -> None:
        """An open deal worked on for a long time: amounts, dates and stages changed back and
        forth, about 200 history rows; the deal ends with the values its history leads to."""
        rng = self.rng
        opens = pipeline.open_stages
        self._stage_change(deal, None, opens[0], deal.created_at)
        self._event(deal, Verb.CREATED, deal.created_at, company_label, {})
        span = self.now - deal.created_at
        times = sorted(
            deal.created_at + span * rng.uniform(0.01, 0.99) for _ in range(LONG_HISTORY_EDITS)
        )
        stage, amount, close = opens[0], deal.amount, deal.expected_close_date
        entered = deal.created_at
        for at in times:
            what = rng.random()
            if what < 0.4 and len(opens) > 1:
                position = opens.index(stage)
                step = (
                    1 if position == 0 or (position < len(opens) - 1 and rng.random() < 0.6) else -1
                )
                new = opens[position + step]
                self._move(deal, stage, new, at, None, entered)
                stage, entered = new, at
            elif what < 0.75:
                new_amount = Decimal(
                    max(1, round(float(amount) * rng.uniform(0.7, 1.4) / 1000)) * 1000
                )
                self._history(deal, at, [("amount", f"{amount:.2f}", f"{new_amount:.2f}", "", "")])
                amount = new_amount
            elif close is not None:
                new_close = close + datetime.timedelta(days=rng.choice([-14, 7, 14, 30, 45]))
                self._history(
                    deal,
                    at,
                    [("expected_close_date", close.isoformat(), new_close.isoformat(), "", "")],
                )
                close = new_close
        deal.stage_id, deal.probability = stage[0], stage[1]
        deal.amount, deal.expected_close_date = amount, close
        deal.stage_entered_at = entered
