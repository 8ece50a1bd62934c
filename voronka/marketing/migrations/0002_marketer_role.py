"""The «Маркетолог» role (voronka/marketing/defaults.py)."""

from django.db import migrations

from voronka.marketing.defaults import create_marketer_role


def create(apps, schema_editor):
    create_marketer_role(
        apps.get_model("accounts", "Role"), apps.get_model("accounts", "RolePermission")
    )


def remove(apps, schema_editor):
    apps.get_model("accounts", "Role").objects.filter(code="marketer", users__isnull=True).delete()


class Migration(migrations.Migration):
    dependencies = [("marketing", "0001_initial"), ("accounts", "0005_leads_and_letters")]

    operations = [migrations.RunPython(create, remove)]
