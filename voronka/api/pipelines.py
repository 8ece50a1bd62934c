from django.db.models import Prefetch
from rest_framework import serializers, status, viewsets
from rest_framework.response import Response

from voronka.sales import services
from voronka.sales.models import Pipeline, Stage

from .fields import BoundedModelSerializer, IdField


class StageSerializer(BoundedModelSerializer):
    id = IdField(required=False)
    checklist = serializers.ListField(
        child=serializers.CharField(max_length=255),
        required=False,
        write_only=True,  # read back as the item texts by to_representation
        help_text="Items to tick on a deal before it may enter the stage, in order.",
    )

    class Meta:
        model = Stage
        fields = [
            "id",
            "pipeline",
            "name",
            "order",
            "probability",
            "kind",
            "color",
            "required_fields",
            "checklist",
            "playbook",
        ]
        read_only_fields = ["pipeline", "order"]

    def to_representation(self, stage):
        data = super().to_representation(stage)
        data["checklist"] = [item.text for item in stage.checklist.all()]
        return data


class PipelineSerializer(BoundedModelSerializer):
    stages = StageSerializer(
        many=True, help_text="All stages, in order. Stages left out are deleted."
    )

    class Meta:
        model = Pipeline
        fields = ["id", "name", "order", "is_active", "strict_order", "stages"]
        read_only_fields = ["order"]


class PipelineViewSet(viewsets.ModelViewSet):
    """Pipelines and their ordered stages. Everyone reads them; administrators change them."""

    serializer_class = PipelineSerializer
    pagination_class = None
    queryset = Pipeline.objects.prefetch_related(
        Prefetch("stages", queryset=Stage.objects.order_by("order", "id")),
        "stages__checklist",
    ).order_by("order", "id")

    def _save(self, request, pipeline: Pipeline, *, partial: bool, created: bool):
        serializer = self.get_serializer(pipeline, data=request.data, partial=partial)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        stages = data.pop("stages", None)
        for field, value in data.items():
            setattr(pipeline, field, value)
        if stages is None:
            stages = list(
                pipeline.stages.order_by("order", "id").values("id", "name", "probability", "kind")
            )
        services.pipeline_save(actor=request.user, pipeline=pipeline, stages=stages)
        pipeline = self.get_queryset().get(pk=pipeline.pk)
        return Response(
            self.get_serializer(pipeline).data,
            status=status.HTTP_201_CREATED if created else status.HTTP_200_OK,
        )

    def create(self, request, *args, **kwargs):
        return self._save(request, Pipeline(), partial=False, created=True)

    def update(self, request, *args, **kwargs):
        return self._save(
            request, self.get_object(), partial=kwargs.pop("partial", False), created=False
        )

    def destroy(self, request, *args, **kwargs):
        services.pipeline_delete(actor=request.user, pipeline=self.get_object())
        return Response(status=status.HTTP_204_NO_CONTENT)


class StageViewSet(viewsets.ReadOnlyModelViewSet):
    """Stages of all pipelines (`?pipeline=<id>` for one). Change them through the pipeline."""

    serializer_class = StageSerializer
    pagination_class = None
    queryset = Stage.objects.prefetch_related("checklist").order_by(
        "pipeline__order", "pipeline_id", "order", "id"
    )
    filterset_fields = ["pipeline", "kind"]
