"""The default working calendar (Russia, 2026) and SLA rules."""

from django.db import migrations

from voronka.service.defaults import create_defaults


def forwards(apps, schema_editor):
    create_defaults(
        apps.get_model("service", "WorkCalendar"),
        apps.get_model("service", "CalendarDay"),
        apps.get_model("service", "SlaRule"),
    )


class Migration(migrations.Migration):
    dependencies = [("service", "0001_initial")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
