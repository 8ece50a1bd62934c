from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AnalyticsConfig(AppConfig):
    """Dashboards and reports (at /reports/, its URL namespace "reports"); later ABC/XYZ,
    KPIs, plans and the report builder."""

    name = "voronka.analytics"
    label = "analytics"
    verbose_name = _("Analytics")
