"""Fill the deals' and companies' next planned activity (the columns added before) from the
activities already there. Written against the historical models, like activities.next_steps."""

from django.db import migrations
from django.db.models import F, OuterRef, Subquery, Value
from django.db.models.functions import Coalesce


def backfill(apps, schema_editor):
    Activity = apps.get_model("activities", "Activity")
    Deal = apps.get_model("sales", "Deal")
    Company = apps.get_model("contacts", "Company")
    upcoming = (
        Activity.objects.filter(done=False)
        .exclude(kind="note")
        .annotate(moment=Coalesce(F("due_at"), F("created_at")))
        .order_by("moment", "pk")
    )
    by_deal = upcoming.filter(deal_id=OuterRef("pk"))
    Deal.objects.update(
        next_activity_at=Subquery(by_deal.values("moment")[:1]),
        next_activity_subject=Coalesce(Subquery(by_deal.values("subject")[:1]), Value("")),
    )
    Company.objects.update(
        next_activity_at=Subquery(upcoming.filter(company_id=OuterRef("pk")).values("moment")[:1])
    )


class Migration(migrations.Migration):
    dependencies = [
        ("activities", "0004_scorecard_indexes"),
        ("contacts", "0004_next_activity"),
        ("sales", "0009_next_activity"),
    ]

    operations = [migrations.RunPython(backfill, migrations.RunPython.noop)]
