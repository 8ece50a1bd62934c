from django.urls import include, path
from rest_framework.routers import DefaultRouter

from . import docs
from .activities import ActivityViewSet
from .administration import BinViewSet, DeliveryViewSet, RuleRunViewSet, RuleViewSet, WebhookViewSet
from .calendar import CalendarViewSet
from .companies import CompanyViewSet
from .contacts import ContactViewSet
from .dashboard import DashboardViewSet
from .deals import DealViewSet
from .documents import DocumentViewSet, PriceLineViewSet
from .handover import HandoverViewSet
from .imports import ImportJobViewSet
from .leads import DisqualificationReasonViewSet, LeadViewSet
from .mail import LetterTemplateViewSet, LetterViewSet
from .marketing import (
    CampaignViewSet,
    GroupViewSet,
    MailingViewSet,
    QuestionnaireViewSet,
    SegmentViewSet,
)
from .notifications import NotificationViewSet
from .pipelines import PipelineViewSet, StageViewSet
from .rates import ExchangeRateViewSet
from .reports import SavedReportViewSet
from .scorecard import ScorecardViewSet
from .service import CaseViewSet, StakeholderViewSet
from .staff import RoleViewSet, TeamViewSet, UserViewSet
from .stream import StreamViewSet
from .values import (
    ActivityTypeViewSet,
    DirectionViewSet,
    LeadSourceViewSet,
    LostReasonViewSet,
    OutcomeViewSet,
)

app_name = "api"

router = DefaultRouter()
router.register("companies", CompanyViewSet, basename="company")
router.register("contacts", ContactViewSet, basename="contact")
router.register("deals", DealViewSet, basename="deal")
router.register("pipelines", PipelineViewSet, basename="pipeline")
router.register("stages", StageViewSet, basename="stage")
router.register("lead-sources", LeadSourceViewSet, basename="lead-source")
router.register("leads", LeadViewSet, basename="lead")
router.register(
    "disqualification-reasons", DisqualificationReasonViewSet, basename="disqualification-reason"
)
router.register("activities", ActivityViewSet, basename="activity")
router.register("lost-reasons", LostReasonViewSet, basename="lost-reason")
router.register("directions", DirectionViewSet, basename="direction")
router.register("stream", StreamViewSet, basename="stream")
router.register("handover", HandoverViewSet, basename="handover")
router.register("letters", LetterViewSet, basename="letter")
router.register("letter-templates", LetterTemplateViewSet, basename="letter-template")
router.register("activity-types", ActivityTypeViewSet, basename="activity-type")
router.register("outcomes", OutcomeViewSet, basename="outcome")
router.register("marketing/groups", GroupViewSet, basename="marketing-group")
router.register("marketing/segments", SegmentViewSet, basename="marketing-segment")
router.register("campaigns", CampaignViewSet, basename="campaign")
router.register("mailings", MailingViewSet, basename="mailing")
router.register("questionnaires", QuestionnaireViewSet, basename="questionnaire")
router.register("exchange-rates", ExchangeRateViewSet, basename="exchange-rate")
router.register("calendar", CalendarViewSet, basename="calendar")
router.register("notifications", NotificationViewSet, basename="notification")
router.register("reports/dashboard", DashboardViewSet, basename="dashboard")
router.register("reports/saved", SavedReportViewSet, basename="saved-report")
router.register("reports/scorecard", ScorecardViewSet, basename="scorecard")
router.register("documents", DocumentViewSet, basename="document")
router.register("price-lines", PriceLineViewSet, basename="price-line")
router.register("users", UserViewSet, basename="user")
router.register("teams", TeamViewSet, basename="team")
router.register("roles", RoleViewSet, basename="role")
router.register("cases", CaseViewSet, basename="case")
router.register("stakeholders", StakeholderViewSet, basename="stakeholder")
router.register("imports", ImportJobViewSet, basename="import")
router.register("webhooks", WebhookViewSet, basename="webhook")
router.register("webhook-deliveries", DeliveryViewSet, basename="webhook-delivery")
router.register("workflow-rules", RuleViewSet, basename="workflow-rule")
router.register("workflow-runs", RuleRunViewSet, basename="workflow-run")
router.register("trash", BinViewSet, basename="trash")

urlpatterns = [
    path("openapi.json", docs.schema, name="schema"),
    path("docs/", docs.swagger, name="docs"),
    path("", include(router.urls)),
]
