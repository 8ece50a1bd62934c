"""The stock document types: КП, счёт на оплату, договор, акт, счёт-фактура."""

from django.db import migrations

from voronka.documents.defaults import create_stock_types


def seed(apps, schema_editor):
    create_stock_types(apps.get_model("documents", "DocumentType"))


class Migration(migrations.Migration):
    dependencies = [("documents", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
