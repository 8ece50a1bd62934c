"""Settings → Activity types and Settings → Outcomes: the editable lists an activity's type and
its outcome are chosen from (the page shape, rules and history of every list of values:
`ui.values`, `audit.values`)."""

from django.utils.translation import gettext_lazy as _

from voronka.ui.values import ValueList

from .models import ActivityType, Outcome
from .settings_forms import ActivityTypeForm, OutcomeForm

ACTIVITY_TYPES = ValueList(
    model=ActivityType,
    form_class=ActivityTypeForm,
    app="activities",
    name="activity-type",
    title=_("Activity types"),
    new_title=_("New activity type"),
    empty=_("No activity types yet."),
    details_template="activities/_activity_type_details.html",
)
OUTCOMES = ValueList(
    model=Outcome,
    form_class=OutcomeForm,
    app="activities",
    name="outcome",
    title=_("Outcomes"),
    new_title=_("New outcome"),
    empty=_("No outcomes yet."),
    details_template="activities/_outcome_details.html",
)
