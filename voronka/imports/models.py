"""An import: the uploaded file, how its columns map to a record's fields, what to do with a
row that matches an existing record, and what the run did (for the report and the undo)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class Target(models.TextChoices):
    CONTACT = "contact", _("contacts")
    COMPANY = "company", _("companies")
    LEAD = "lead", _("leads")
    DEAL = "deal", _("deals")
    ACTIVITY = "activity", _("activities")


class FileKind(models.TextChoices):
    CSV = "csv", "CSV"
    XLSX = "xlsx", "XLSX"
    XLS = "xls", "XLS"
    ODS = "ods", "ODS"
    VCF = "vcf", "vCard"


class DuplicateRule(models.TextChoices):
    SKIP = "skip", _("skip the row")
    UPDATE = "update", _("update the existing record")
    CREATE = "create", _("create a new record anyway")


class MatchKey(models.TextChoices):
    EMAIL = "email", _("e-mail")
    PHONE = "phone", _("phone")
    TAX_ID = "tax_id", _("tax id")
    EXTERNAL_ID = "external_id", _("external id")
    NAME = "name", _("name")


class Status(models.TextChoices):
    UPLOADED = "uploaded", pgettext_lazy("import status", "uploaded")
    QUEUED = "queued", pgettext_lazy("import status", "queued")
    RUNNING = "running", pgettext_lazy("import status", "running")
    DONE = "done", pgettext_lazy("import status", "done")
    FAILED = "failed", pgettext_lazy("import status", "failed")
    UNDONE = "undone", pgettext_lazy("import status", "undone")


def _upload_to(job: ImportJob, filename: str) -> str:
    return f"imports/{timezone.now():%Y/%m}/{job.token}"


class ImportJob(models.Model):
    """One uploaded file and its import. `rows_done` is the resume point: it moves in the
    same transaction as a batch's writes, so a killed worker neither loses nor doubles rows."""

    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("by")
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
        verbose_name=_("owner of the records"),
    )
    target = models.CharField(_("records"), max_length=20, choices=Target.choices)
    token = models.CharField(max_length=32, unique=True)
    file = models.FileField(upload_to=_upload_to, max_length=200)
    file_name = models.CharField(_("file"), max_length=255)
    file_kind = models.CharField(_("type"), max_length=8, choices=FileKind.choices)
    file_size = models.BigIntegerField(default=0)
    encoding = models.CharField(max_length=20, blank=True)
    delimiter = models.CharField(max_length=1, blank=True)
    headers = models.JSONField(default=list)
    layout = models.CharField(max_length=64, blank=True)
    mapping = models.JSONField(default=dict, blank=True)
    rule = models.CharField(
        _("when a row matches a record"),
        max_length=10,
        choices=DuplicateRule.choices,
        default=DuplicateRule.SKIP,
    )
    match_by = models.JSONField(default=list, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.UPLOADED
    )
    rows_total = models.PositiveIntegerField(_("rows"), default=0)
    rows_done = models.PositiveIntegerField(_("rows done"), default=0)
    created_count = models.PositiveIntegerField(pgettext_lazy("import count", "new"), default=0)
    updated_count = models.PositiveIntegerField(pgettext_lazy("import count", "updated"), default=0)
    skipped_count = models.PositiveIntegerField(pgettext_lazy("import count", "skipped"), default=0)
    failed_count = models.PositiveIntegerField(pgettext_lazy("import count", "wrong"), default=0)
    dry_run = models.JSONField(default=dict, blank=True)
    error = models.TextField(blank=True)
    created_at = models.DateTimeField(_("uploaded at"), default=timezone.now)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    undone_at = models.DateTimeField(null=True, blank=True)
    undo_kept = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("import")
        verbose_name_plural = _("imports")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.file_name

    def get_absolute_url(self) -> str:
        return reverse("imports:job", args=[self.pk])

    @property
    def is_active(self) -> bool:
        return self.status in (Status.QUEUED, Status.RUNNING)

    @property
    def percent(self) -> int:
        if not self.rows_total:
            return 100 if self.status == Status.DONE else 0
        return min(100, round(100 * self.rows_done / self.rows_total))

    @property
    def rows_per_second(self) -> float:
        if not self.started_at or not self.rows_done:
            return 0.0
        end = self.finished_at or timezone.now()
        seconds = max((end - self.started_at).total_seconds(), 0.001)
        return self.rows_done / seconds

    @property
    def seconds_left(self) -> int | None:
        speed = self.rows_per_second
        if not speed or self.status != Status.RUNNING:
            return None
        return round(max(self.rows_total - self.rows_done, 0) / speed)


class ImportItem(models.Model):
    """A record an import created or updated: what undoing it needs (the values before, the
    version the import left) and the file's own id of the record (matching by external id)."""

    class Action(models.TextChoices):
        CREATED = "created", _("created")
        UPDATED = "updated", _("updated")

    job = models.ForeignKey(ImportJob, on_delete=models.CASCADE, related_name="items")
    entity = models.CharField(max_length=20)
    record_id = models.BigIntegerField()
    action = models.CharField(max_length=10, choices=Action.choices)
    previous = models.JSONField(default=dict, blank=True)
    version_after = models.PositiveIntegerField(default=1)
    external_id = models.CharField(max_length=100, blank=True)

    class Meta:
        indexes = [
            models.Index(fields=["entity", "record_id"], name="import_item_record_idx"),
            models.Index(fields=["entity", "external_id"], name="import_item_external_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.entity} {self.record_id} ({self.action})"


class ImportProblem(models.Model):
    """A rejected row: its original cells and why (the report and its downloadable file)."""

    job = models.ForeignKey(ImportJob, on_delete=models.CASCADE, related_name="problems")
    row_number = models.PositiveIntegerField(_("row"))
    values = models.JSONField(default=list)
    message = models.TextField(_("error"))

    class Meta:
        ordering = ["row_number", "id"]

    def __str__(self) -> str:
        return f"{self.row_number}: {self.message}"


class ImportLayout(models.Model):
    """The mapping last used for a file layout (its headers), offered again next time."""

    key = models.CharField(max_length=64, unique=True)
    target = models.CharField(max_length=20, choices=Target.choices)
    mapping = models.JSONField(default=dict)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return self.key
