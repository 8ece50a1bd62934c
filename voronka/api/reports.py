"""Saved reports of the builder through the API: the ones the caller may open, and their rows
as the caller may see them."""

from django.core.exceptions import ValidationError as DjangoValidationError
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response

from voronka.accounts import access
from voronka.analytics import builder
from voronka.analytics.models import SavedReport


class SavedReportSerializer(serializers.ModelSerializer):
    author_name = serializers.CharField(source="author.display_name", read_only=True)

    class Meta:
        model = SavedReport
        fields = [
            "id",
            "name",
            "entity",
            "spec",
            "sharing",
            "schedule",
            "author",
            "author_name",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields


class ReportRowsSerializer(serializers.Serializer):
    headers = serializers.ListField(child=serializers.CharField())
    rows = serializers.ListField(
        child=serializers.ListField(child=serializers.CharField(allow_null=True)),
        help_text="Cells as text; a grouped report's last cell is its total.",
    )
    grouped = serializers.BooleanField()
    count = serializers.IntegerField(help_text="All rows (a flat report is paged by 50).")
    page = serializers.IntegerField()


class SavedReportViewSet(viewsets.ReadOnlyModelViewSet):
    """Reports made in the builder (конструктор отчётов) that the caller may open."""

    serializer_class = SavedReportSerializer

    def get_queryset(self):
        return access.reports_visible(
            self.request.user, SavedReport.objects.select_related("author")
        ).order_by("name", "id")

    @extend_schema(
        parameters=[
            OpenApiParameter("page", OpenApiTypes.INT, description="A flat report's page.")
        ],
        responses=ReportRowsSerializer,
    )
    @action(detail=True, methods=["get"])
    def run(self, request, pk=None):
        """The report's rows, with the caller's own access rights."""
        report = self.get_object()
        try:
            result = builder.run(
                report.entity, report.spec, request.user, page=request.query_params.get("page") or 1
            )
        except DjangoValidationError as error:
            raise ValidationError({"detail": error.messages}) from None
        data = {
            "headers": result.headers,
            "rows": [[None if cell is None else str(cell) for cell in row] for row in result.rows],
            "grouped": result.grouped,
            "count": result.page.paginator.count if result.page else len(result.rows),
            "page": result.page.number if result.page else 1,
        }
        return Response(ReportRowsSerializer(data).data)
