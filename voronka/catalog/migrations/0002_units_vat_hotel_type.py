"""Units of measure (ОКЕИ), the VAT rates in force and the hotel price-list type."""

from django.db import migrations

from voronka.catalog.defaults import create_catalog_defaults


def seed(apps, schema_editor):
    create_catalog_defaults(
        apps.get_model("catalog", "Unit"),
        apps.get_model("catalog", "VatRate"),
        apps.get_model("catalog", "PriceListType"),
        apps.get_model("catalog", "PriceListAttribute"),
    )


class Migration(migrations.Migration):
    dependencies = [("catalog", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
