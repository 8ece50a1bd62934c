import pytest


@pytest.fixture
def defaults_after_flush(transactional_db):
    """What data migrations give and a flush removes: roles, the first pipeline, units and
    VAT rates, the stock document types."""
    from voronka.accounts.defaults import create_default_roles
    from voronka.accounts.models import Role, RolePermission
    from voronka.catalog.defaults import create_catalog_defaults
    from voronka.catalog.models import PriceListAttribute, PriceListType, Unit, VatRate
    from voronka.documents.defaults import create_stock_types
    from voronka.documents.models import DocumentType
    from voronka.sales.defaults import create_default_pipeline
    from voronka.sales.models import Pipeline, Stage

    create_default_roles(Role, RolePermission)
    create_default_pipeline(Pipeline, Stage)
    create_catalog_defaults(Unit, VatRate, PriceListType, PriceListAttribute)
    create_stock_types(DocumentType)
