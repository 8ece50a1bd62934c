"""Marketing through the API: groups, segments (with their live count), campaigns (with their
figures), mailings (with their statistics and «send») and questionnaires (with the summary).
Managers read; administrators and marketers change (`marketing.services.can_manage`)."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from rest_framework import decorators, exceptions, permissions, serializers, viewsets
from rest_framework.response import Response

from voronka.marketing import segments, services
from voronka.marketing.forms import MailingForm, parse_questions, questions_text
from voronka.marketing.models import (
    Campaign,
    CampaignCost,
    Group,
    Mailing,
    MailingStatus,
    Questionnaire,
    Segment,
)
from voronka.marketing.views import summary

from .fields import BoundedModelSerializer


class ManagePermission(permissions.BasePermission):
    """Reading for everyone signed in; writing for administrators and marketers."""

    def has_permission(self, request, view):
        if request.method in permissions.SAFE_METHODS:
            return True
        return services.can_manage(request.user)


def _raise(error: ValidationError):
    raise exceptions.ValidationError(
        error.message_dict if hasattr(error, "error_dict") else error.messages
    ) from error


class GroupSerializer(BoundedModelSerializer):
    class Meta:
        model = Group
        fields = ["id", "name", "audience", "sharing", "team", "curator", "companies", "contacts"]
        read_only_fields = ["companies", "contacts"]


class GroupViewSet(viewsets.ModelViewSet):
    """Static groups the caller may see (shared with everyone, their team, or their own)."""

    serializer_class = GroupSerializer
    queryset = Group.objects.none()

    def get_queryset(self):
        return segments.groups_visible_to(user=self.request.user).prefetch_related(
            "companies", "contacts"
        )

    def _check(self, group):
        if not (services.can_manage(self.request.user) or group.curator_id == self.request.user.pk):
            raise exceptions.PermissionDenied()

    def perform_update(self, serializer):
        self._check(serializer.instance)
        serializer.save()

    def perform_destroy(self, instance):
        self._check(instance)
        instance.delete()

    @decorators.action(detail=True, methods=["post"])
    def add(self, request, pk=None):
        """Add records by id: `{"ids": [1, 2]}` (those the caller may see)."""
        group = self.get_object()
        ids = [i for i in request.data.get("ids", []) if isinstance(i, int) and 0 < i < 2**63][
            :5000
        ]
        try:
            added = services.add_to_group(request.user, group.pk, group.audience, ids)
        except ValidationError as error:
            _raise(error)
        return Response({"added": added})


class SegmentSerializer(BoundedModelSerializer):
    count = serializers.SerializerMethodField()

    class Meta:
        model = Segment
        fields = ["id", "name", "audience", "filters", "is_shared", "owner", "count"]
        read_only_fields = ["owner", "count"]

    def get_count(self, segment) -> int:
        return segments.resolve(segment, self.context["request"].user).count()

    def validate_filters(self, value):
        if not isinstance(value, dict):
            raise serializers.ValidationError("An object of conditions is expected.")
        form = segments.SegmentConditionsForm(
            {k: v for k, v in value.items() if isinstance(v, str | int | bool)},
            user=self.context["request"].user,
        )
        if not form.is_valid():
            raise serializers.ValidationError(form.errors)
        return form.stored()


class SegmentViewSet(viewsets.ModelViewSet):
    serializer_class = SegmentSerializer
    queryset = Segment.objects.none()

    def get_queryset(self):
        user = self.request.user
        return Segment.objects.filter(Q(is_shared=True) | Q(owner=user))

    def perform_create(self, serializer):
        serializer.save(owner=self.request.user)

    def _check(self, segment):
        if not (services.can_manage(self.request.user) or segment.owner_id == self.request.user.pk):
            raise exceptions.PermissionDenied()

    def perform_update(self, serializer):
        self._check(serializer.instance)
        serializer.save()

    def perform_destroy(self, instance):
        self._check(instance)
        instance.delete()


class CostSerializer(BoundedModelSerializer):
    class Meta:
        model = CampaignCost
        fields = ["id", "date", "amount", "currency", "note"]


class CampaignSerializer(BoundedModelSerializer):
    costs = CostSerializer(many=True, required=False)
    figures = serializers.SerializerMethodField()

    class Meta:
        model = Campaign
        fields = [
            "id",
            "name",
            "channel",
            "starts_on",
            "ends_on",
            "budget",
            "currency",
            "segment",
            "owner",
            "status",
            "costs",
            "figures",
        ]

    def get_figures(self, campaign) -> dict:
        f = services.campaign_figures(campaign)
        return {
            "leads": f.leads,
            "deals": f.deals,
            "won": f.won,
            "revenue": str(f.revenue),
            "cost": str(f.cost),
            "cost_per_lead": str(f.cost_per_lead) if f.cost_per_lead is not None else None,
            "cost_per_won": str(f.cost_per_won) if f.cost_per_won is not None else None,
            "roi": str(f.roi) if f.roi is not None else None,
        }

    def create(self, validated_data):
        costs = validated_data.pop("costs", [])
        campaign = super().create(validated_data)
        for cost in costs:
            CampaignCost.objects.create(campaign=campaign, **cost)
        return campaign

    def update(self, instance, validated_data):
        costs = validated_data.pop("costs", None)
        campaign = super().update(instance, validated_data)
        if costs is not None:
            campaign.costs.all().delete()
            for cost in costs:
                CampaignCost.objects.create(campaign=campaign, **cost)
        return campaign


class CampaignViewSet(viewsets.ModelViewSet):
    """Campaigns with their costs and figures (ROI = (revenue − cost) / cost)."""

    serializer_class = CampaignSerializer
    queryset = Campaign.objects.prefetch_related("costs").order_by("-id")
    permission_classes = [permissions.IsAuthenticated, ManagePermission]


class MailingSerializer(BoundedModelSerializer):
    stats = serializers.SerializerMethodField()

    class Meta:
        model = Mailing
        fields = [
            "id",
            "name",
            "campaign",
            "segment",
            "group",
            "template",
            "mailbox",
            "from_email",
            "smtp_host",
            "smtp_port",
            "smtp_login",
            "smtp_tls",
            "scheduled_at",
            "per_minute",
            "track_opens",
            "status",
            "author",
            "stats",
        ]
        read_only_fields = ["status", "author", "stats"]

    def get_stats(self, mailing) -> dict:
        return services.mailing_stats(mailing)

    def validate(self, attrs):
        data = {k: getattr(v, "pk", v) for k, v in attrs.items()}
        form = MailingForm(data, user=self.context["request"].user)
        if not form.is_valid():
            raise serializers.ValidationError(form.errors)
        return attrs


class MailingViewSet(viewsets.ModelViewSet):
    serializer_class = MailingSerializer
    queryset = Mailing.objects.order_by("-id")
    permission_classes = [permissions.IsAuthenticated, ManagePermission]
    http_method_names = ["get", "post", "delete", "head", "options"]

    def perform_create(self, serializer):
        serializer.save(author=self.request.user)

    def perform_destroy(self, instance):
        if instance.status != MailingStatus.DRAFT:
            raise exceptions.ValidationError("Only a draft can be deleted.")
        instance.delete()

    @decorators.action(detail=True, methods=["post"])
    def send(self, request, pk=None):
        """Queue the mailing (one row per recipient) and start sending."""
        mailing = self.get_object()
        try:
            counts = services.queue(mailing, actor=request.user)
        except PermissionDenied as error:
            raise exceptions.PermissionDenied(str(error)) from error
        except ValidationError as error:
            _raise(error)
        return Response({"queued": counts})


class QuestionnaireSerializer(BoundedModelSerializer):
    questions = serializers.CharField(
        help_text="One question a line: kind: question | option; option "
        "(kinds: choice, multiple, scale, nps, text)."
    )
    summary = serializers.SerializerMethodField()

    class Meta:
        model = Questionnaire
        fields = ["id", "name", "description", "is_active", "questions", "summary"]

    def to_representation(self, instance):
        data = super().to_representation(instance)
        data["questions"] = questions_text(instance)
        return data

    def get_summary(self, questionnaire) -> list:
        return [
            {
                "question": item["question"].text,
                "kind": item["question"].kind,
                "labels": item["labels"],
                "values": item["values"],
                "nps": item["nps"],
                "texts": item["texts"],
            }
            for item in summary(questionnaire)
        ]

    def validate_questions(self, value):
        try:
            self._parsed = parse_questions(value)
        except ValidationError as error:
            raise serializers.ValidationError(error.messages) from error
        return value

    def _save_questions(self, questionnaire):
        if questionnaire.responses.exists():
            raise serializers.ValidationError("The questionnaire has answers.")
        questionnaire.questions.all().delete()
        for q in self._parsed:
            q.questionnaire = questionnaire
            q.save()

    def create(self, validated_data):
        validated_data.pop("questions")
        validated_data["author"] = self.context["request"].user
        questionnaire = super().create(validated_data)
        self._save_questions(questionnaire)
        return questionnaire

    def update(self, instance, validated_data):
        questions = validated_data.pop("questions", None)
        questionnaire = super().update(instance, validated_data)
        if questions is not None:
            self._save_questions(questionnaire)
        return questionnaire


class QuestionnaireViewSet(viewsets.ModelViewSet):
    serializer_class = QuestionnaireSerializer
    queryset = Questionnaire.objects.prefetch_related("questions").order_by("name", "id")
    permission_classes = [permissions.IsAuthenticated, ManagePermission]
