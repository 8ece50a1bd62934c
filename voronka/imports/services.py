"""The import: upload, mapping, the check (a dry run), the run in batches, the undo.

Contacts and companies are written in batches (`bulk_create` of the records, their search
tokens, the history marks and the undo trail) so a 100,000-row file takes seconds; leads go
one by one through `leads.services.lead_create`, the one way a lead comes in. Each batch is
one transaction that also moves the job's `rows_done`: a worker killed mid-file leaves whole
batches behind, and the next run starts at the first row not done, so nothing doubles.
"""

from __future__ import annotations

import contextlib
import hashlib
import secrets
import shutil
import tempfile
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import connection, models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from voronka.accounts import access
from voronka.accounts.models import Entity, User
from voronka.activities.models import Activity
from voronka.activities.services import activity_create
from voronka.audit.models import HistoryEntry
from voronka.audit.records import FieldChange
from voronka.audit.services import DELETED_FIELD, record_changes
from voronka.audit.services import _raw as raw_value
from voronka.contacts.duplicates import normalize_name, normalize_person
from voronka.contacts.models import Company, Contact
from voronka.core import export, search, text
from voronka.core.phones import phone_search_digits
from voronka.core.search import TokenKind
from voronka.leads.models import Lead
from voronka.leads.services import lead_create
from voronka.sales.models import Deal, LeadSource, Stage
from voronka.sales.services import deal_create

from . import fields as F
from . import reading
from .models import (
    DuplicateRule,
    ImportItem,
    ImportJob,
    ImportLayout,
    ImportProblem,
    MatchKey,
    Status,
    Target,
)

BATCH = 1000
IMPORTED_FIELD = "__imported__"
IMPORT_UNDONE_FIELD = "__import_undone__"
MODELS: dict[str, type[models.Model]] = {
    Target.CONTACT: Contact,
    Target.COMPANY: Company,
    Target.LEAD: Lead,
    Target.DEAL: Deal,
    Target.ACTIVITY: Activity,
}
ENTITIES = {
    Target.CONTACT: Entity.CONTACT,
    Target.COMPANY: Entity.COMPANY,
    Target.LEAD: Entity.LEAD,
    Target.DEAL: Entity.DEAL,
    Target.ACTIVITY: Entity.ACTIVITY,
}
# A running job that has not finished a batch for this long is taken as dead (a killed
# worker): it may be resumed.
STALE_SECONDS = 120


def max_upload_bytes() -> int:
    return int(getattr(settings, "IMPORT_MAX_BYTES", 200 * 1024 * 1024))


def max_rows() -> int:
    return int(getattr(settings, "IMPORT_MAX_ROWS", 1_000_000))


# Upload and mapping.


@contextlib.contextmanager
def local_file(job: ImportJob) -> Iterator[Path]:
    """The uploaded file as a path on this machine (a copy when it lives in S3)."""
    try:
        path = Path(job.file.path)
    except NotImplementedError:  # a storage without local paths (S3)
        path = None
    if path is not None:
        yield path
        return
    with tempfile.NamedTemporaryFile(suffix=".import") as copy:
        with job.file.open("rb") as source:
            shutil.copyfileobj(source, copy)
        copy.flush()
        yield Path(copy.name)


def _info(job: ImportJob) -> reading.FileInfo:
    return reading.FileInfo(
        kind=job.file_kind, encoding=job.encoding, delimiter=job.delimiter, headers=job.headers
    )


def layout_key(target: str, headers: list[str]) -> str:
    folded = "\x1f".join(h.strip().lower() for h in headers)
    return hashlib.sha256(f"{target}\x1e{folded}".encode()).hexdigest()


def job_upload(*, actor: User, upload: UploadedFile, target: str) -> ImportJob:
    """Keep the uploaded file and learn what it is; refuse what is not a table we read."""
    if target not in Target.values:
        raise ValidationError({"target": _("Choose what the rows are.")})
    if not access.can_create(actor, ENTITIES[target]):
        raise PermissionDenied(_("You may not create records here."))
    if not access.can_import(actor, ENTITIES[target]):
        raise PermissionDenied(_("Your role may not import these records."))
    if upload.size is not None and upload.size > max_upload_bytes():
        raise ValidationError(
            {
                "file": _("The file is larger than %(size)s MB.")
                % {"size": max_upload_bytes() // 2**20}
            }
        )
    upload.seek(0)
    try:
        info = reading.detect(upload)
    except reading.NotATable as error:
        raise ValidationError({"file": str(error)}) from None
    job = ImportJob(
        created_by=actor,
        owner=actor,
        target=target,
        token=secrets.token_hex(16),
        file_name=Path(upload.name or "import").name[:255],
        file_kind=info.kind,
        file_size=upload.size or 0,
        encoding=info.encoding,
        delimiter=info.delimiter,
        match_by=[MatchKey.EMAIL, MatchKey.PHONE, MatchKey.TAX_ID, MatchKey.EXTERNAL_ID],
    )
    upload.seek(0)
    job.file.save(job.token, upload, save=False)
    try:
        with local_file(job) as path:
            headers = reading.read_headers(path, info)
            rows_total = reading.count_rows(path, info)
    except reading.NotATable as error:
        job.file.delete(save=False)
        raise ValidationError({"file": str(error)}) from None
    if rows_total > max_rows():
        job.file.delete(save=False)
        raise ValidationError(
            {"file": _("The file has more than %(rows)s rows.") % {"rows": max_rows()}}
        )
    job.headers = [h[:200] for h in headers]
    job.rows_total = rows_total
    job.layout = layout_key(target, job.headers)
    remembered = ImportLayout.objects.filter(key=job.layout).first()
    job.mapping = remembered.mapping if remembered else F.suggest(target, job.headers)
    job.save()
    return job


def preview(job: ImportJob, limit: int = 10) -> list[list[str]]:
    result = []
    with local_file(job) as path:
        for index, row in enumerate(reading.rows(path, _info(job))):
            if index == 0:
                continue
            result.append(row[: len(job.headers)] + [""] * (len(job.headers) - len(row)))
            if len(result) >= limit:
                break
    return result


def job_configure(
    *,
    actor: User,
    job: ImportJob,
    mapping: dict[str, str],
    rule: str,
    match_by: list[str],
    owner: User,
) -> ImportJob:
    _require_own(actor, job)
    if job.status not in (Status.UPLOADED,):
        raise ValidationError(_("This import has already run."))
    known = F.fields_of(job.target)
    cleaned = {}
    used = set()
    for column, name in mapping.items():
        if not name:
            continue
        if name not in known or not text.is_ascii_digits(column) or int(column) >= len(job.headers):
            raise ValidationError({"mapping": _("Unknown field: %(name)s") % {"name": name}})
        if name in used:
            raise ValidationError(
                {
                    "mapping": _("Two columns go to the field “%(field)s”.")
                    % {"field": known[name].label}
                }
            )
        used.add(name)
        cleaned[column] = name
    if not cleaned:
        raise ValidationError({"mapping": _("Choose a field for at least one column.")})
    required = {
        Target.CONTACT: {"last_name", "full_name"},
        Target.COMPANY: {"name"},
        Target.DEAL: {"name"},
        Target.ACTIVITY: {"subject"},
    }.get(job.target)
    if required and not (required & used):
        names = ", ".join(str(known[n].label) for n in sorted(required))
        raise ValidationError({"mapping": _("Map a column to: %(fields)s.") % {"fields": names}})
    if rule not in DuplicateRule.values:
        raise ValidationError({"rule": _("Choose what to do with a matching row.")})
    if not access.can_assign(actor, ENTITIES[job.target], owner):
        raise ValidationError({"owner": _("You may not make this user the owner of a record.")})
    job.mapping = cleaned
    job.rule = rule
    job.match_by = [m for m in MatchKey.values if m in match_by]
    job.owner = owner
    job.dry_run = {}
    job.save(update_fields=["mapping", "rule", "match_by", "owner", "dry_run"])
    ImportLayout.objects.update_or_create(
        key=job.layout, defaults={"target": job.target, "mapping": cleaned}
    )
    return job


def _require_own(actor: User, job: ImportJob) -> None:
    if job.created_by_id != actor.pk and not access.is_admin(actor):
        raise PermissionDenied(_("This is another user's import."))


def jobs_visible_to(user: User) -> models.QuerySet[ImportJob]:
    jobs = ImportJob.objects.select_related("created_by", "owner")
    if access.is_admin(user):
        return jobs
    return jobs.filter(created_by=user)


# Rows into values.


@dataclass
class Row:
    number: int
    cells: list[str]
    values: dict[str, Any] = field(default_factory=dict)
    error: str = ""
    external_id: str = ""
    keys: list[tuple[str, str]] = field(default_factory=list)
    match_id: int | None = None
    action: str = ""
    record: Any = None


def _split_full_name(value: str) -> tuple[str, str, str]:
    parts = value.split()
    parts += [""] * (3 - len(parts))
    return parts[0], parts[1], " ".join(parts[2:])


def parse_row(job: ImportJob, known: dict[str, F.Field], number: int, cells: list[str]) -> Row:
    row = Row(number=number, cells=cells)
    if len(cells) > len(job.headers) and cells[-1].startswith("\u2049"):
        row.error = _("The card cannot be read: %(start)s") % {"start": cells[-1][2:]}
        return row
    errors = []
    for column, name in job.mapping.items():
        index = int(column)
        raw = cells[index] if index < len(cells) else ""
        if not raw.strip():
            continue
        try:
            row.values[name] = F.convert(known[name], raw)
        except ValidationError as error:
            errors.append(f"{known[name].label}: {' '.join(error.messages)}")
    if errors:
        row.error = "; ".join(errors)
        return row
    values = row.values
    row.external_id = values.pop("external_id", "")
    if job.target == Target.CONTACT:
        full = values.pop("full_name", "")
        if full and not values.get("last_name"):
            last, first, middle = _split_full_name(full)
            values.setdefault("last_name", last)
            if first:
                values.setdefault("first_name", first)
            if middle:
                values.setdefault("middle_name", middle)
        if not values.get("last_name"):
            row.error = _("A contact needs a last name.")
            return row
        for name in ("last_name", "first_name", "middle_name"):
            if len(values.get(name, "")) > 150:
                row.error = _("The name is too long.")
                return row
    elif job.target == Target.COMPANY:
        if not values.get("name"):
            row.error = _("A company needs a name.")
            return row
    elif job.target == Target.DEAL:
        if not values.get("name"):
            row.error = _("A deal needs a name.")
            return row
    elif job.target == Target.ACTIVITY:
        if not values.get("subject"):
            row.error = _("An activity needs a subject.")
            return row
        values.setdefault("kind", "task")
    elif not any(values.get(n) for n in ("person_name", "company_name", "phone", "email")):
        row.error = _("A lead needs a name, a company, a phone or an e-mail.")
        return row
    row.keys = _keys(job, row)
    return row


def _keys(job: ImportJob, row: Row) -> list[tuple[str, str]]:
    """What identifies the row's record, strongest first: (kind, value)."""
    values = row.values
    keys: list[tuple[str, str]] = []
    wanted = set(job.match_by)
    if MatchKey.EXTERNAL_ID in wanted and row.external_id:
        keys.append(("external_id", row.external_id))
    if MatchKey.TAX_ID in wanted:
        for name in ("inn", "ogrn", "bin"):
            if values.get(name):
                keys.append(("tax_id", values[name]))
    if MatchKey.EMAIL in wanted:
        emails = values.get("emails") or ([values["email"]] if values.get("email") else [])
        keys.extend(("email", e) for e in emails)
    if MatchKey.PHONE in wanted:
        phones = values.get("phones") or ([values["phone"]] if values.get("phone") else [])
        for phone in phones:
            digits = phone_search_digits(phone)
            if digits:
                keys.append(("phone", digits[0]))
    if MatchKey.NAME in wanted:
        name = _name_key(job.target, values)
        if name:
            keys.append(("name", name))
    return keys


def _name_key(target: str, values: dict[str, Any]) -> str:
    if target == Target.CONTACT:
        key = normalize_person(
            values.get("last_name", ""), values.get("first_name", ""), values.get("middle_name", "")
        )
        return key if len(key.split()) >= 2 else ""
    if target == Target.COMPANY:
        return normalize_name(values.get("name", ""))
    if target == Target.DEAL:
        return " ".join(text.words(values.get("name", "")))
    if target == Target.ACTIVITY:
        return " ".join(text.words(values.get("subject", "")))
    return normalize_person(values.get("person_name", ""))


_TOKEN_KINDS = {"email": TokenKind.EMAIL, "phone": TokenKind.PHONE, "tax_id": TokenKind.TAX_ID}


def _record_name_key(target: str, record) -> str:
    if target == Target.CONTACT:
        return normalize_person(record.last_name, record.first_name, record.middle_name)
    if target == Target.COMPANY:
        return normalize_name(record.name)
    if target == Target.DEAL:
        return " ".join(text.words(record.name))
    if target == Target.ACTIVITY:
        return " ".join(text.words(record.subject))
    return normalize_person(record.person_name)


def find_existing(job: ImportJob, rows: list[Row]) -> dict[tuple[str, str], int]:
    """The existing records the batch's keys point at: a few queries per batch, not per row."""
    model = MODELS[job.target]
    tokens = search.token_model(model).objects
    found: dict[tuple[str, str], int] = {}
    by_kind: dict[str, set[str]] = {}
    for row in rows:
        for kind, value in row.keys:
            by_kind.setdefault(kind, set()).add(value)
    for kind, token_kind in _TOKEN_KINDS.items():
        values = sorted(by_kind.get(kind, ()))
        for start in range(0, len(values), 500):
            chunk = values[start : start + 500]
            pairs = tokens.filter(kind=token_kind, token__in=chunk).values_list(
                "token", "record_id"
            )
            # The lowest id wins, as on the duplicates page; sorted here, not by the database
            # (an ORDER BY there makes SQLite walk the record index instead of the token one).
            for token, record_id in sorted(pairs, key=lambda p: p[1]):
                found.setdefault((kind, token), record_id)
    external = sorted(by_kind.get("external_id", ()))
    for start in range(0, len(external), 500):
        chunk = external[start : start + 500]
        pairs = (
            ImportItem.objects.filter(entity=ENTITIES[job.target], external_id__in=chunk)
            .order_by("-id")
            .values_list("external_id", "record_id")
        )
        existing = set(
            model.objects.filter(pk__in=[p[1] for p in pairs]).values_list("pk", flat=True)
        )
        for external_id, record_id in pairs:
            if record_id in existing:
                found.setdefault(("external_id", external_id), record_id)
    names = by_kind.get("name", set())
    if names:
        words = sorted({name.split()[0] for name in names if name})
        word_ids = tokens.filter(kind=TokenKind.WORD, token__in=words).values("record_id")
        for record in model.objects.filter(pk__in=word_ids).order_by("pk")[: BATCH * 20]:
            key = _record_name_key(job.target, record)
            if key in names:
                found.setdefault(("name", key), record.pk)
    return found


# Writing one batch.


@dataclass
class Counts:
    created: int = 0
    updated: int = 0
    skipped: int = 0
    failed: int = 0

    def as_dict(self) -> dict[str, int]:
        return {
            "created": self.created,
            "updated": self.updated,
            "skipped": self.skipped,
            "failed": self.failed,
        }


class Batcher:
    """Decides each row of a batch and (unless checking) writes the batch."""

    def __init__(self, job: ImportJob, *, check: bool):
        self.job = job
        self.check = check
        self.actor = job.created_by
        self.owner = job.owner or job.created_by
        self.entity = ENTITIES[job.target]
        self.model = MODELS[job.target]
        self.known = F.fields_of(job.target)
        # Keys of rows created earlier in this pass (a file may name one person twice).
        self.seen: dict[tuple[str, str], int] = {}
        self.companies: dict[str, int | None] = {}
        self.sources: dict = {}  # lead sources and stages by name
        self.changeable: set[int] = set()

    def decide(self, rows: list[Row], counts: Counts) -> None:
        existing = find_existing(self.job, [r for r in rows if not r.error])
        candidate_ids = set(existing.values())
        if candidate_ids and self.job.rule == DuplicateRule.UPDATE:
            self.changeable = set(
                access.changeable(
                    self.actor, self.model.objects.filter(pk__in=candidate_ids)
                ).values_list("pk", flat=True)
            )
        pending: dict[tuple[str, str], Row] = {}
        for row in rows:
            if row.error:
                counts.failed += 1
                continue
            match_id = None
            match_pending = None
            for key in row.keys:
                if key in existing:
                    match_id = existing[key]
                    break
                if key in self.seen:
                    match_id = self.seen[key]
                    break
                if key in pending:
                    match_pending = pending[key]
                    break
            matched = match_id is not None or match_pending is not None
            if matched and self.job.rule == DuplicateRule.SKIP:
                row.action = "skip"
                counts.skipped += 1
                continue
            if matched and self.job.rule == DuplicateRule.UPDATE:
                if match_pending is not None:
                    _fold_into(match_pending.values, row.values)
                    row.action = "merged"
                    counts.skipped += 1
                    continue
                if match_id is not None and match_id < 0:
                    # The check: a record an earlier row of the file would have created.
                    row.action = "update"
                    counts.updated += 1
                    continue
                if match_id not in self.changeable:
                    row.error = _("It matches a record you may not change.")
                    counts.failed += 1
                    continue
                row.action = "update"
                row.match_id = match_id
                counts.updated += 1
                continue
            row.action = "create"
            counts.created += 1
            for key in row.keys:
                pending.setdefault(key, row)
        if self.check:
            for key, row in pending.items():
                self.seen[key] = -row.number

    # The writes.

    def write(self, rows: list[Row]) -> None:
        creates = [r for r in rows if r.action == "create"]
        updates = [r for r in rows if r.action == "update"]
        if self.job.target == Target.LEAD:
            self._write_leads(creates)
        elif self.job.target == Target.DEAL:
            self._write_deals(creates)
        elif self.job.target == Target.ACTIVITY:
            self._write_activities(creates)
        else:
            self._create_bulk(creates)
        self._update(updates)

    def _company_id(self, name: str) -> int | None:
        key = normalize_name(name)
        if not key:
            return None
        if key in self.companies:
            return self.companies[key]
        candidates = search.apply_search(Company.objects.all(), key)
        visible = access.visible(self.actor, candidates).order_by("pk")[:50]
        company_id = next((c.pk for c in visible if normalize_name(c.name) == key), None)
        if company_id is None:
            company = Company(name=name.strip()[:255], owner=self.owner)
            company.full_clean()
            company.save(force_insert=True)
            search.reindex(company)
            ImportItem.objects.create(
                job=self.job, entity=Entity.COMPANY, record_id=company.pk, action="created"
            )
            self._marks([company], Entity.COMPANY)
            company_id = company.pk
        self.companies[key] = company_id
        return company_id

    def _instance(self, row: Row):
        values = dict(row.values)
        if self.job.target == Target.CONTACT:
            company_name = values.pop("company_name", "")
            if company_name:
                values["company_id"] = self._company_id(company_name)
        return self.model(owner=self.owner, **values)

    def _create_bulk(self, rows: list[Row]) -> None:
        if not rows:
            return
        now = timezone.now()
        objects = []
        for row in rows:
            obj = self._instance(row)
            obj.created_at = now
            row.record = obj
            objects.append(obj)
        insert_records(self.model, objects)
        insert_rows(
            search.token_model(self.model),
            ["record_id", "kind", "token"],
            [
                (obj.pk, int(kind), token)
                for obj in objects
                for kind, token in obj.search_tokens_wanted()
            ],
        )
        insert_rows(
            ImportItem,
            ["job_id", "entity", "record_id", "action", "previous", "version_after", "external_id"],
            [
                (self.job.pk, self.entity, row.record.pk, "created", {}, 1, row.external_id[:100])
                for row in rows
            ],
        )
        self._marks(objects, self.entity)

    def _marks(self, records, entity: str) -> None:
        """«импорт» in each record's history: who, when and from which file."""
        now = timezone.now()
        label = self.job.file_name[:255]
        insert_rows(
            HistoryEntry,
            ["entity", "object_id", "batch", "position", "field", "old_value", "new_value",
             "old_label", "new_label", "actor_id", "changed_at"],
            [
                (entity, record.pk, uuid.uuid4(), 0, IMPORTED_FIELD, None, label, "", label,
                 self.actor.pk, now)
                for record in records
            ],
        )  # fmt: skip

    def _write_leads(self, rows: list[Row]) -> None:
        for row in rows:
            values = dict(row.values)
            if "source" in values:
                values["source"] = self._source(values["source"])
            try:
                with transaction.atomic():
                    row.record = lead_create(
                        actor=self.actor,
                        data={**values, "owner": self.owner},
                        distribute_new=False,
                    )
            except ValidationError as error:
                row.action = ""
                row.error = " ".join(error.messages)
                continue
            ImportItem.objects.create(
                job=self.job,
                entity=self.entity,
                record_id=row.record.pk,
                action="created",
                external_id=row.external_id[:100],
            )
            self._marks([row.record], self.entity)

    def _stage(self, name: str) -> Stage | None:
        key = ("stage", name.strip().lower())
        if key not in self.sources:
            self.sources[key] = (
                Stage.objects.filter(name__iexact=name.strip(), pipeline__is_active=True)
                .select_related("pipeline")
                .order_by("pipeline__order", "pipeline_id", "order")
                .first()
            )
        return self.sources[key]

    def _write_deals(self, rows: list[Row]) -> None:
        """Deals one by one through `sales.services.deal_create` (the stage rules apply)."""
        for row in rows:
            values = dict(row.values)
            company_name = values.pop("company_name", "")
            stage_name = values.pop("stage", "")
            try:
                if company_name:
                    values["company_id"] = self._company_id(company_name)
                if stage_name:
                    stage = self._stage(stage_name)
                    if stage is None:
                        raise ValidationError(
                            _("There is no stage “%(name)s”.") % {"name": stage_name}
                        )
                    values.update(stage=stage, pipeline=stage.pipeline)
                with transaction.atomic():
                    row.record = deal_create(actor=self.actor, data={**values, "owner": self.owner})
            except (ValidationError, PermissionDenied) as error:
                row.action = ""
                row.error = " ".join(getattr(error, "messages", [str(error)]))
                continue
            ImportItem.objects.create(
                job=self.job,
                entity=self.entity,
                record_id=row.record.pk,
                action="created",
                external_id=row.external_id[:100],
            )
            self._marks([row.record], self.entity)

    def _write_activities(self, rows: list[Row]) -> None:
        """Activities one by one through `activities.services.activity_create`."""
        for row in rows:
            values = dict(row.values)
            company_name = values.pop("company_name", "")
            try:
                if company_name:
                    values["company_id"] = self._company_id(company_name)
                with transaction.atomic():
                    row.record = activity_create(
                        actor=self.actor, data={**values, "owner": self.owner}
                    )
            except (ValidationError, PermissionDenied) as error:
                row.action = ""
                row.error = " ".join(getattr(error, "messages", [str(error)]))
                continue
            ImportItem.objects.create(
                job=self.job,
                entity=self.entity,
                record_id=row.record.pk,
                action="created",
                external_id=row.external_id[:100],
            )
            self._marks([row.record], self.entity)

    def _source(self, name: str) -> LeadSource | None:
        if name not in self.sources:
            self.sources[name] = LeadSource.objects.filter(
                name__iexact=name.strip(), is_active=True
            ).first()
        return self.sources[name]

    def _update(self, rows: list[Row]) -> None:
        if not rows:
            return
        records = self.model.objects.select_for_update().in_bulk([r.match_id for r in rows])
        touched = []
        for row in rows:
            record = records.get(row.match_id)
            if record is None:
                row.action, row.error = "", _("The matching record was deleted meanwhile.")
                continue
            values = dict(row.values)
            if self.job.target == Target.CONTACT:
                company_name = values.pop("company_name", "")
                if company_name and not record.company_id:
                    values["company_id"] = self._company_id(company_name)
            if self.job.target == Target.LEAD and "source" in values:
                values["source_id"] = getattr(self._source(values.pop("source")), "pk", None)
            if self.job.target == Target.ACTIVITY:
                values.pop("company_name", None)
                values.pop("kind", None)  # the kind follows the activity's type
            if self.job.target == Target.DEAL:
                # A stage moves only through the stage rules (the deal's page and board).
                values.pop("stage", None)
                company_name = values.pop("company_name", "")
                if company_name and not record.company_id:
                    values["company_id"] = self._company_id(company_name)
            changes = []
            for name, value in values.items():
                old = getattr(record, name)
                if isinstance(old, list):
                    value = old + [v for v in value if v not in old]
                if old != value:
                    changes.append(FieldChange(name.removesuffix("_id"), old, value))
                    setattr(record, name, value)
            if not changes:
                continue
            record.version += 1
            record.save(
                update_fields=sorted({c.field for c in changes} | {"version", "updated_at"})
            )
            search.reindex(record)
            record_changes(actor=self.actor, record=record, changes=changes)
            ImportItem.objects.create(
                job=self.job,
                entity=self.entity,
                record_id=record.pk,
                action="updated",
                previous={c.field: _json(c.old) for c in changes},
                version_after=record.version,
                external_id=row.external_id[:100],
            )
            touched.append(record)
        self._marks(touched, self.entity)


def _preparers(fields) -> list:
    """How each field's value goes to the database, as the ORM would send it (a JSON list
    as JSON, a moment in the database's form), without the ORM's per-value machinery: a batch
    has tens of thousands of values."""
    ops = connection.ops
    result = []
    for model_field in fields:
        kind = model_field.get_internal_type()
        if kind == "JSONField":
            result.append(
                lambda v, f=model_field: None if v is None else ops.adapt_json_value(v, f.encoder)
            )
        elif kind == "DateTimeField":
            result.append(_last_value(ops.adapt_datetimefield_value))
        elif kind == "DateField":
            result.append(ops.adapt_datefield_value)
        elif kind in ("UUIDField", "DecimalField"):
            result.append(lambda v, f=model_field: f.get_db_prep_save(v, connection))
        else:
            result.append(None)
    return result


def _last_value(convert):
    """`convert` remembering its last answer: a batch's rows share one moment."""
    memo: list = [object(), None]

    def call(value):
        if value is not memo[0]:
            memo[0], memo[1] = value, convert(value)
        return memo[1]

    return call


def _prepared(fields, rows: list[tuple]) -> list[tuple]:
    preparers = _preparers(fields)
    if not any(preparers):
        return rows
    return [
        tuple(p(v) if p is not None else v for p, v in zip(preparers, row, strict=True))
        for row in rows
    ]


def _insert_sql(model: type[models.Model], fields, count: int, returning: bool = False) -> str:
    ops = connection.ops
    one = "(" + ", ".join(["%s"] * len(fields)) + ")"
    # Names from the model's own metadata, quoted; every value is a parameter.
    sql = "INSERT INTO {} ({}) VALUES {}".format(  # noqa: S608
        ops.quote_name(model._meta.db_table),
        ", ".join(ops.quote_name(f.column) for f in fields),
        ", ".join([one] * count),
    )
    if returning:
        sql += " RETURNING " + ops.quote_name(model._meta.pk.column)
    return sql


def _per_statement(fields) -> int:
    # Both databases take at least 32,766 parameters in one statement.
    return max(1, min(1000, 30_000 // len(fields)))


def insert_rows(model: type[models.Model], names: list[str], rows: list[tuple]) -> None:
    """INSERT many rows of a model in multi-row statements: a batch's search tokens, history
    marks and undo trail are tens of thousands of small rows, and building a model instance
    for each costs more than writing it. Table and column names come from the model, the
    values are parameters."""
    if not rows:
        return
    fields = [model._meta.get_field(name) for name in names]
    rows = _prepared(fields, rows)
    if connection.vendor == "postgresql":
        _copy(model, fields, rows)
        return
    step = _per_statement(fields)
    with connection.cursor() as cursor:
        for start in range(0, len(rows), step):
            chunk = rows[start : start + step]
            cursor.execute(
                _insert_sql(model, fields, len(chunk)), [v for row in chunk for v in row]
            )


def _copy(model: type[models.Model], fields, rows: list[tuple]) -> None:
    """PostgreSQL: the rows through COPY, which parses no statement per value (a multi-row
    INSERT of 30,000 parameters costs psycopg more to build than the server to run)."""
    ops = connection.ops
    sql = "COPY {} ({}) FROM STDIN".format(
        ops.quote_name(model._meta.db_table), ", ".join(ops.quote_name(f.column) for f in fields)
    )
    with connection.cursor() as cursor, cursor.cursor.copy(sql) as copy:
        for row in rows:
            copy.write_row(row)


def _copy_records(model: type[models.Model], fields, objects: list[models.Model]) -> None:
    """PostgreSQL: ids taken from the table's sequence first, then the rows through COPY."""
    pk = model._meta.pk
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
            [model._meta.db_table, pk.column, len(objects)],
        )
        ids = [row[0] for row in cursor.fetchall()]
    for obj, pk_value in zip(objects, ids, strict=True):
        obj.pk = pk_value
        obj._state.adding = False
        obj._state.db = connection.alias
    rows = _prepared(fields, [tuple(getattr(o, f.attname) for f in fields) for o in objects])
    _copy(model, [pk, *fields], [(o.pk, *row) for o, row in zip(objects, rows, strict=True)])


def insert_records(model: type[models.Model], objects: list[models.Model]) -> None:
    """INSERT new records (instances) in multi-row statements that return their ids, as
    `bulk_create` does but with the values prepared once per batch (it is 3x faster)."""
    if not objects:
        return
    if not connection.features.can_return_rows_from_bulk_insert:
        model.objects.bulk_create(objects, batch_size=500)
        return
    fields = [f for f in model._meta.concrete_fields if not f.primary_key]
    now = timezone.now()
    for obj in objects:
        obj.updated_at = now
    if connection.vendor == "postgresql":
        _copy_records(model, fields, objects)
        return
    step = _per_statement(fields)
    with connection.cursor() as cursor:
        for start in range(0, len(objects), step):
            chunk = objects[start : start + step]
            rows = _prepared(fields, [tuple(getattr(o, f.attname) for f in fields) for o in chunk])
            cursor.execute(
                _insert_sql(model, fields, len(chunk), returning=True),
                [value for row in rows for value in row],
            )
            ids = [row[0] for row in cursor.fetchall()]
            for obj, pk_value in zip(chunk, ids, strict=True):
                obj.pk = pk_value
                obj._state.adding = False
                obj._state.db = connection.alias


def _fold_into(into: dict[str, Any], more: dict[str, Any]) -> None:
    for name, value in more.items():
        if isinstance(value, list):
            old = into.get(name) or []
            into[name] = old + [v for v in value if v not in old]
        elif value not in (None, "") and name not in into:
            into[name] = value


def _json(value: Any) -> Any:
    return raw_value(value)


# The job.


def _batches(job: ImportJob, path: Path, start: int) -> Iterator[list[Row]]:
    known = F.fields_of(job.target)
    batch: list[Row] = []
    for index, (number, cells) in enumerate(reading.numbered_rows(path, _info(job))):
        if index == 0 or index <= start:
            continue  # the header, and the rows a previous run committed
        batch.append(parse_row(job, known, number, cells))
        if len(batch) >= BATCH:
            yield batch
            batch = []
    if batch:
        yield batch


class Superseded(Exception):
    """Another worker moved the job on: this one stops without writing its batch."""


def job_enqueue(*, actor: User, job: ImportJob, check: bool = False) -> ImportJob:
    """Mark the check or the run (or its resumption after a failure or a dead worker) as
    queued; `tasks.enqueue` puts it on the queue."""
    _require_own(actor, job)
    if job.is_active and not is_stale(job):
        raise ValidationError(_("This import is already running."))
    if job.status in (Status.DONE, Status.UNDONE):
        raise ValidationError(_("This import has already run."))
    if not job.mapping:
        raise ValidationError(_("Map the columns first."))
    if check:
        job.dry_run = {"running": True}
        job.save(update_fields=["dry_run"])
    else:
        job.status = Status.QUEUED
        job.error = ""
        job.save(update_fields=["status", "error"])
    return job


def is_stale(job: ImportJob) -> bool:
    if job.status != Status.RUNNING:
        return (
            job.status == Status.QUEUED and (timezone.now() - job.created_at).total_seconds() > 3600
        )
    beat = job.finished_at or job.started_at
    return beat is None or (timezone.now() - beat).total_seconds() > STALE_SECONDS


def job_check(job: ImportJob) -> Counts:
    """The dry run: what the run would do, row by row, without writing a record."""
    counts = Counts()
    batcher = Batcher(job, check=True)
    ImportProblem.objects.filter(job=job).delete()
    with local_file(job) as path:
        for rows in _batches(job, path, 0):
            batcher.decide(rows, counts)
            _problems(job, rows)
    job.dry_run = counts.as_dict()
    job.save(update_fields=["dry_run"])
    return counts


def _problems(job: ImportJob, rows: list[Row]) -> None:
    ImportProblem.objects.bulk_create(
        [
            ImportProblem(job=job, row_number=r.number, values=r.cells, message=r.error)
            for r in rows
            if r.error
        ],
        batch_size=1000,
    )


def job_run(job: ImportJob, *, stop_after: int | None = None) -> ImportJob:
    """Import the rows not done yet, a batch per transaction. `stop_after` (tests) stops
    after that many batches as a killed worker would."""
    with transaction.atomic():
        job = ImportJob.objects.select_for_update().get(pk=job.pk)
        if job.status in (Status.DONE, Status.UNDONE):
            return job
        if job.rows_done == 0:
            ImportProblem.objects.filter(job=job).delete()
        job.status = Status.RUNNING
        job.started_at = job.started_at or timezone.now()
        job.finished_at = timezone.now()
        job.save(update_fields=["status", "started_at", "finished_at"])
    batcher = Batcher(job, check=False)
    done = 0
    with local_file(job) as path:
        for rows in _batches(job, path, job.rows_done):
            counts = Counts()
            with transaction.atomic():
                current = ImportJob.objects.select_for_update().get(pk=job.pk)
                if current.rows_done != job.rows_done or current.status != Status.RUNNING:
                    raise Superseded()
                batcher.decide(rows, counts)
                batcher.write(rows)
                _problems(job, rows)
                late_errors = sum(1 for r in rows if r.error) - counts.failed
                job.rows_done += len(rows)
                job.created_count += sum(1 for r in rows if r.action == "create")
                job.updated_count += sum(1 for r in rows if r.action == "update")
                job.skipped_count += counts.skipped
                job.failed_count += counts.failed + late_errors
                job.finished_at = timezone.now()
                job.save(
                    update_fields=[
                        "rows_done",
                        "created_count",
                        "updated_count",
                        "skipped_count",
                        "failed_count",
                        "finished_at",
                    ]
                )
            done += 1
            if done & (done - 1) == 0:  # after the 1st, 2nd, 4th, 8th… batch
                refresh_statistics(MODELS[job.target])
            if stop_after is not None and done >= stop_after:
                return job
    job.status = Status.DONE
    job.rows_total = max(job.rows_total, job.rows_done)
    job.finished_at = timezone.now()
    job.save(update_fields=["status", "rows_total", "finished_at"])
    return job


def refresh_statistics(model: type[models.Model]) -> None:
    """PostgreSQL plans the matching queries by the tables' statistics; an import into a
    nearly empty table grows it faster than autovacuum re-reads it, and with the old figures
    the token lookups scan the whole table (100 ms each instead of 5). So the token table is
    analysed as it doubles."""
    if connection.vendor != "postgresql":
        return
    ops = connection.ops
    with connection.cursor() as cursor:
        table = search.token_model(model)._meta.db_table
        cursor.execute(f"ANALYZE {ops.quote_name(table)}")


def job_fail(job_id: int, message: str) -> None:
    ImportJob.objects.filter(pk=job_id, status__in=[Status.RUNNING, Status.QUEUED]).update(
        status=Status.FAILED, error=message[:2000]
    )


# Undo.


def can_undo(user: User, job: ImportJob) -> bool:
    return job.status == Status.DONE and (job.created_by_id == user.pk or access.is_admin(user))


def job_undo(*, actor: User, job: ImportJob) -> ImportJob:
    """Remove what the import created and give back what it overwrote — record by record,
    only where nobody changed the record since (its version is still the import's)."""
    if not can_undo(actor, job):
        raise PermissionDenied(_("You may not undo this import."))
    kept = 0
    for action in ("updated", "created"):
        items = ImportItem.objects.filter(job=job, action=action).order_by("-id")
        while True:
            chunk = list(items.filter(record_id__gt=-1)[:BATCH])
            if not chunk:
                break
            with transaction.atomic():
                kept += _undo_items(actor, chunk)
                ImportItem.objects.filter(pk__in=[i.pk for i in chunk]).delete()
    with transaction.atomic():
        job.status = Status.UNDONE
        job.undone_at = timezone.now()
        job.undo_kept = kept
        job.save(update_fields=["status", "undone_at", "undo_kept"])
    return job


def _undo_items(actor: User, items: list[ImportItem]) -> int:
    kept = 0
    by_entity: dict[str, list[ImportItem]] = {}
    for item in items:
        by_entity.setdefault(item.entity, []).append(item)
    for entity, group in by_entity.items():
        model = {
            Entity.CONTACT: Contact,
            Entity.COMPANY: Company,
            Entity.LEAD: Lead,
            Entity.DEAL: Deal,
            Entity.ACTIVITY: Activity,
        }[entity]
        records = model.objects.select_for_update().in_bulk([i.record_id for i in group])
        deleted = []
        for item in group:
            record = records.get(item.record_id)
            if record is None:
                continue
            if record.version != item.version_after:
                kept += 1
                continue
            if item.action == "created":
                deleted.append(record)
                continue
            changes = []
            for name, old in item.previous.items():
                field = model._meta.get_field(name)
                value = field.to_python(old) if not isinstance(old, list) else old
                changes.append(FieldChange(name, getattr(record, field.attname), value))
                setattr(record, field.attname, value)
            record.version += 1
            record.save(
                update_fields=sorted(
                    {model._meta.get_field(c.field).name for c in changes}
                    | {"version", "updated_at"}
                )
            )
            search.reindex(record)
            record_changes(actor=actor, record=record, changes=changes)
            HistoryEntry.objects.create(
                entity=entity,
                object_id=record.pk,
                batch=uuid.uuid4(),
                field=IMPORT_UNDONE_FIELD,
                actor=actor,
            )
        if deleted:
            now = timezone.now()
            HistoryEntry.objects.bulk_create(
                [
                    HistoryEntry(
                        entity=entity,
                        object_id=r.pk,
                        batch=uuid.uuid4(),
                        field=DELETED_FIELD,
                        old_value=str(r)[:255],
                        old_label=str(r)[:255],
                        actor=actor,
                        changed_at=now,
                    )
                    for r in deleted
                ],
                batch_size=1000,
            )
            model.objects.filter(pk__in=[r.pk for r in deleted]).delete()
    return kept


def speed_figures(job: ImportJob) -> dict[str, Any]:
    return {
        "rows_total": job.rows_total,
        "rows_done": job.rows_done,
        "percent": job.percent,
        "rows_per_second": round(job.rows_per_second, 1),
        "seconds_left": job.seconds_left,
    }


# The report of rejected rows: the file's own columns and one more saying why.


def report_header(job: ImportJob) -> list[str]:
    return [*job.headers, _("Error")]


def report_rows(job: ImportJob) -> Iterator[list[str]]:
    width = len(job.headers)
    for problem in job.problems.order_by("row_number", "id").iterator(chunk_size=2000):
        cells = list(problem.values)[:width]
        yield cells + [""] * (width - len(cells)) + [problem.message]


def report_csv(job: ImportJob) -> str:
    return "".join(export.csv_lines(report_header(job), report_rows(job)))
