"""Imports (`/api/v1/imports/`): read-only — an import's status, progress and counts, as the
wizard's progress bar shows them. Each user sees their own imports; administrators all."""

from rest_framework import serializers, viewsets

from voronka.imports.models import ImportJob
from voronka.imports.services import jobs_visible_to


class ImportJobSerializer(serializers.ModelSerializer):
    status_display = serializers.CharField(source="get_status_display", read_only=True)
    percent = serializers.IntegerField(read_only=True)
    rows_per_second = serializers.FloatField(read_only=True)
    seconds_left = serializers.IntegerField(read_only=True, allow_null=True)
    problems = serializers.IntegerField(source="problems.count", read_only=True)

    class Meta:
        model = ImportJob
        fields = [
            "id",
            "file_name",
            "file_kind",
            "target",
            "status",
            "status_display",
            "created_by",
            "owner",
            "rule",
            "match_by",
            "rows_total",
            "rows_done",
            "percent",
            "rows_per_second",
            "seconds_left",
            "created_count",
            "updated_count",
            "skipped_count",
            "failed_count",
            "problems",
            "dry_run",
            "error",
            "created_at",
            "started_at",
            "finished_at",
            "undone_at",
        ]
        read_only_fields = fields


class ImportJobViewSet(viewsets.ReadOnlyModelViewSet):
    """The imports of the user (all of them for an administrator), newest first."""

    serializer_class = ImportJobSerializer

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # the schema, drawn without a user
            return ImportJob.objects.none()
        return jobs_visible_to(self.request.user).order_by("-created_at", "-id")
