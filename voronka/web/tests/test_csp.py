"""The Content-Security-Policy of the pages, and what it needs from the templates: no inline
script (no <script> without src, no on*= or hx-on attributes, no javascript: links)."""

import re

import pytest
from django.urls import reverse

from conftest import client_for
from tests.factories import ActivityFactory, CompanyFactory, ContactFactory, DealFactory
from voronka.documents.models import DocumentType
from voronka.documents.services import document_create
from voronka.sales.models import Pipeline

pytestmark = pytest.mark.django_db

SCRIPT = re.compile(r"<script\b([^>]*)>(.*?)</script\s*>", re.IGNORECASE | re.DOTALL)
TAG = re.compile(r"<[a-zA-Z][^>]*>")
HANDLER = re.compile(r"""\son[a-z]+\s*=|\shx-on[:\-]|=\s*["']?\s*javascript:""", re.IGNORECASE)
# A <script> with one of these types is a data block (json_script): the browser never runs it.
DATA_TYPES = {"application/json", "application/ld+json", "text/template"}


def inline_code(html: str) -> list[str]:
    """Everything in a page that a CSP without 'unsafe-inline' would refuse to run."""
    found = []
    for attributes, body in SCRIPT.findall(html):
        if re.search(r"\ssrc\s*=", " " + attributes):
            continue
        kind = re.search(r"""type\s*=\s*["']?([^"'\s>]+)""", attributes)
        if kind and kind.group(1).lower() in DATA_TYPES:
            continue
        found.append(f"<script{attributes}>{body[:80]}")
    found += [tag[:120] for tag in TAG.findall(html) if HANDLER.search(tag)]
    return found


@pytest.fixture
def pages(admin_user):
    company = CompanyFactory(owner=admin_user)
    contact = ContactFactory(owner=admin_user, company=company)
    deal = DealFactory(owner=admin_user, company=company, contact=contact)
    activity = ActivityFactory(owner=admin_user, deal=deal, company=company)
    pipeline = Pipeline.objects.order_by("order", "id").first()
    document = document_create(
        actor=admin_user,
        deal=deal,
        doc_type=DocumentType.objects.get(kind="invoice"),
        render=False,
    )
    return [
        reverse("catalog:product-list"),
        reverse("catalog:product-create"),
        reverse("catalog:price-list-list"),
        reverse("catalog:price-list-create"),
        reverse("catalog:price-search") + "?q=Лондон",
        reverse("catalog:type-list"),
        reverse("catalog:type-create"),
        reverse("documents:list"),
        reverse("documents:detail", args=[document.pk]),
        reverse("documents:requisites"),
        reverse("documents:type-list"),
        reverse("documents:type-create"),
        reverse("reports:receivables"),
        reverse("web:home"),
        reverse("web:search") + "?q=Компания",
        reverse("contacts:company-list"),
        reverse("contacts:company-detail", args=[company.pk]),
        reverse("contacts:company-create"),
        reverse("contacts:contact-list"),
        reverse("contacts:contact-detail", args=[contact.pk]),
        reverse("sales:deal-list"),
        reverse("sales:deal-detail", args=[deal.pk]),
        reverse("sales:deal-create"),
        reverse("sales:deal-board") + f"?pipeline={pipeline.pk}",
        reverse("activities:activity-list"),
        reverse("activities:activity-detail", args=[activity.pk]),
        reverse("calendars:calendar"),
        reverse("reports:dashboard"),
        reverse("reports:layout"),
        reverse("reports:plans"),
        reverse("reports:scorecard"),
        reverse("reports:abc-xyz"),
        reverse("reports:builder"),
        reverse("reports:builder-new"),
        reverse("sales:pipeline-list"),
        reverse("sales:pipeline-edit", args=[pipeline.pk]),
        reverse("sales:lead-source-list"),
        reverse("sales:lost-reason-list"),
        reverse("sales:direction-list"),
        reverse("activities:activity-type-list"),
        reverse("activities:outcome-list"),
        reverse("automation:date-rule-list"),
        reverse("web:rates"),
        reverse("handover:handover"),
        reverse("notifications:list"),
        reverse("accounts:profile"),
        reverse("accounts:password-change"),
        reverse("admin:index"),
        reverse("api:docs"),
    ]


def test_every_page_carries_the_policy_and_no_inline_script(admin_user, pages):
    client = client_for(admin_user)
    for path in pages:
        response = client.get(path)
        assert response.status_code == 200, path
        policy = response["Content-Security-Policy"]
        assert "script-src 'self';" in policy + ";", (path, policy)
        assert "unsafe-eval" not in policy
        assert "frame-ancestors 'none'" in policy and "form-action 'self'" in policy
        assert inline_code(response.content.decode()) == [], path


def test_the_login_page_has_no_inline_script_either(client):
    response = client.get(reverse("accounts:login"))
    assert "script-src 'self'" in response["Content-Security-Policy"]
    assert inline_code(response.content.decode()) == []


def test_the_check_finds_what_it_looks_for():
    assert inline_code('<script>alert(1)</script><script src="/a.js"></script>') == [
        "<script>alert(1)"
    ]
    assert inline_code('<select onchange="this.form.submit()">') != []
    assert inline_code('<button hx-on:click="go()">') != []
    assert inline_code('<script id="c" type="application/json">{"a": 1}</script>') == []
