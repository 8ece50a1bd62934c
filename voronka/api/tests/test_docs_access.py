"""The OpenAPI schema and its docs page: for signed-in users only in production (DEBUG=0),
open while developing; the docs page runs no inline script."""

import re

import pytest
from django.test import Client

from conftest import client_for
from voronka.accounts.models import ApiToken

pytestmark = pytest.mark.django_db

SCHEMA = "/api/v1/openapi.json"
DOCS = "/api/v1/docs/"


def test_in_production_the_schema_and_docs_are_for_signed_in_users(owner):
    anonymous = Client()
    assert anonymous.get(SCHEMA).status_code == 401
    docs = anonymous.get(DOCS)
    assert docs.status_code == 302 and docs["Location"].startswith("/accounts/login/?next=")
    assert anonymous.get(DOCS, {"script": ""}).status_code == 302

    signed_in = client_for(owner)
    assert signed_in.get(SCHEMA).status_code == 200
    page = signed_in.get(DOCS)
    assert page.status_code == 200
    # The start-up script is a file of its own: the CSP allows no inline script.
    assert re.search(r'<script src="[^"]*\?script=', page.content.decode())
    script = signed_in.get(DOCS, {"script": ""})
    assert script.status_code == 200 and script["Content-Type"].startswith("application/javascript")
    _token, key = ApiToken.issue(user=owner, name="docs")
    assert Client(HTTP_AUTHORIZATION=f"Token {key}").get(SCHEMA).status_code == 200


def test_while_developing_the_schema_and_docs_are_open(settings):
    settings.DEBUG = True
    assert Client().get(SCHEMA).status_code == 200
    assert Client().get(DOCS).status_code == 200
