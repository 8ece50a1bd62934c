"""Workflow rules: triggers, conditions as data, actions, runs logged, loops cut."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from conftest import client_for
from tests.factories import CompanyFactory, DealFactory, stage
from voronka.activities.models import Activity, ActivityKind
from voronka.administration import workflow
from voronka.administration.models import Rule, RuleRun, RunOutcome
from voronka.contacts.services import company_create, company_update
from voronka.notifications.models import Notification
from voronka.sales.services import deal_update


def rule(admin, **fields):
    return workflow.rule_save(actor=admin, rule=Rule(name=fields.pop("name", "Правило"), **fields))


def test_a_new_company_gets_a_task(admin_user, owner, django_capture_on_commit_callbacks):
    rule(
        admin_user,
        entity="company",
        trigger="created",
        conditions=[{"field": "city", "op": "eq", "value": "Алматы"}],
        actions=[{"type": "create_task", "owner": "owner", "title": "Позвонить", "days": 1}],
    )
    with django_capture_on_commit_callbacks(execute=True):
        company = company_create(actor=owner, data={"name": "Альфа", "city": "Алматы"})
        company_create(actor=owner, data={"name": "Бета", "city": "Астана"})
    task = Activity.objects.get(kind=ActivityKind.TASK)
    assert task.subject == "Позвонить"
    assert task.owner == owner
    assert task.company == company
    runs = list(RuleRun.objects.order_by("pk").values_list("outcome", flat=True))
    assert runs == [RunOutcome.DONE, RunOutcome.SKIPPED]


def test_a_stage_reached_notifies_and_changes_owner(
    admin_user, owner, teammate, django_capture_on_commit_callbacks
):
    won = stage(1)
    rule(
        admin_user,
        entity="deal",
        trigger="stage_reached",
        trigger_options={"value": str(won.pk)},
        conditions=[{"field": "amount", "op": "gte", "value": "500"}],
        actions=[
            {"type": "notify", "user": teammate.pk, "text": "Сделка на этапе"},
            {"type": "change_owner", "owner": teammate.pk},
        ],
    )
    deal = DealFactory(owner=owner, amount=Decimal("1000"))
    with django_capture_on_commit_callbacks(execute=True):
        deal_update(actor=owner, deal=deal, data={"stage": won}, version=None)
    deal.refresh_from_db()
    assert deal.owner == teammate
    assert Notification.objects.filter(user=teammate, title="Сделка на этапе").exists()
    assert RuleRun.objects.get().outcome == RunOutcome.DONE


def test_a_rule_never_triggers_itself(admin_user, owner, django_capture_on_commit_callbacks):
    # "When the city changes, set the city": without the guard it would run for ever.
    loop = rule(
        admin_user,
        entity="company",
        trigger="field_changed",
        trigger_options={"field": "city", "value": ""},
        actions=[{"type": "set_field", "field": "city", "value": "Караганда"}],
    )
    company = CompanyFactory(owner=owner, city="Алматы")
    with django_capture_on_commit_callbacks(execute=True):
        company_update(actor=owner, company=company, data={"city": "Астана"}, version=None)
    company.refresh_from_db()
    assert company.city == "Караганда"
    outcomes = list(
        RuleRun.objects.filter(rule=loop).order_by("pk").values_list("outcome", flat=True)
    )
    assert outcomes == [RunOutcome.DONE, RunOutcome.STOPPED]


def test_a_chain_of_rules_stops_at_the_depth_limit(
    admin_user, owner, django_capture_on_commit_callbacks
):
    # Four rules, each changing the field the next one waits for.
    for i in range(4):
        rule(
            admin_user,
            name=f"r{i}",
            entity="company",
            trigger="field_changed",
            trigger_options={"field": "city", "value": f"c{i}"},
            actions=[{"type": "set_field", "field": "city", "value": f"c{i + 1}"}],
        )
    company = CompanyFactory(owner=owner, city="x")
    with django_capture_on_commit_callbacks(execute=True):
        company_update(actor=owner, company=company, data={"city": "c0"}, version=None)
    company.refresh_from_db()
    assert company.city == "c3"
    assert RuleRun.objects.filter(outcome=RunOutcome.DONE).count() == 3
    assert RuleRun.objects.filter(outcome=RunOutcome.STOPPED).count() == 1


@pytest.mark.parametrize(
    ("op", "value", "expected"),
    [
        ("eq", "1000", True),
        ("gt", "999.99", True),
        ("lt", "1000", False),
        ("ne", "5", True),
        ("empty", "", False),
        ("not_empty", "", True),
    ],
)
def test_conditions_compare_values(owner, op, value, expected):
    deal = DealFactory(owner=owner, amount=Decimal("1000.00"))
    assert workflow.holds(deal, {"field": "amount", "op": op, "value": value}) is expected


def test_conditions_refuse_unknown_fields_and_code(admin_user, owner):
    deal = DealFactory(owner=owner)
    with pytest.raises(ValidationError):
        workflow.holds(deal, {"field": "__class__", "op": "eq", "value": "x"})
    with pytest.raises(ValidationError):
        rule(
            admin_user,
            entity="deal",
            trigger="created",
            conditions=[{"field": "amount", "op": "__import__('os')", "value": ""}],
            actions=[{"type": "notify"}],
        )


def test_a_date_reached_runs_daily(admin_user, owner):
    import datetime

    from django.utils import timezone

    rule(
        admin_user,
        entity="deal",
        trigger="date_reached",
        trigger_options={"field": "expected_close_date", "days": 3},
        actions=[{"type": "create_task", "owner": "owner", "title": "Скоро закрытие"}],
    )
    today = timezone.localdate()
    deal = DealFactory(owner=owner, expected_close_date=today + datetime.timedelta(days=3))
    DealFactory(owner=owner, expected_close_date=today + datetime.timedelta(days=4))
    assert workflow.run_date_triggers(today=today) == 1
    assert Activity.objects.get(subject="Скоро закрытие").deal == deal


def test_the_page_builds_a_rule(admin_user, owner):
    client = client_for(admin_user)
    assert client.get("/settings/workflow/").status_code == 200
    response = client.post(
        "/settings/workflow/",
        {
            "name": "Новая компания",
            "entity": "company",
            "trigger": "created",
            "is_active": "on",
            "c0_field": "city",
            "c0_op": "eq",
            "c0_value": "Алматы",
            "a0_type": "create_task",
            "a0_user": "owner",
            "a0_text": "Позвонить",
            "a0_days": "1",
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    saved = Rule.objects.get()
    assert saved.conditions == [{"field": "city", "op": "eq", "value": "Алматы"}]
    assert saved.actions[0]["type"] == "create_task"
    assert client.get(f"/settings/workflow/{saved.pk}/").status_code == 200
    # A bad field keeps what was typed and says why.
    response = client.post(
        "/settings/workflow/",
        {
            "name": "Плохое",
            "entity": "company",
            "trigger": "created",
            "c0_field": "nope",
            "c0_op": "eq",
            "a0_type": "notify",
        },
    )
    assert response.status_code == 200
    assert "Плохое" in response.content.decode()
    assert client_for(owner).get("/settings/workflow/").status_code == 403


def test_the_api_is_for_administrators(admin_user, owner):
    from rest_framework.test import APIClient

    api = APIClient()
    api.force_authenticate(owner)
    assert api.get("/api/v1/workflow-rules/").status_code == 403
    api.force_authenticate(admin_user)
    created = api.post(
        "/api/v1/workflow-rules/",
        {
            "name": "API",
            "entity": "deal",
            "trigger": "created",
            "conditions": [],
            "actions": [{"type": "notify", "user": "owner", "text": "Новая сделка"}],
        },
        format="json",
    )
    assert created.status_code == 201, created.json()
    bad = api.post(
        "/api/v1/workflow-rules/",
        {"name": "x", "entity": "deal", "trigger": "created", "actions": [{"type": "eval"}]},
        format="json",
    )
    assert bad.status_code == 400


def test_a_letter_received_starts_a_rule(admin_user, owner, django_capture_on_commit_callbacks):
    from voronka.audit.services import announce

    rule(
        admin_user,
        entity="contact",
        trigger="letter_received",
        actions=[{"type": "notify", "user": "owner", "text": "Письмо от клиента"}],
    )
    from tests.factories import ContactFactory

    contact = ContactFactory(owner=owner)
    with django_capture_on_commit_callbacks(execute=True):
        announce(verb="letter_received", entity="contact", object_id=contact.pk, label="Вопрос")
    assert Notification.objects.filter(user=owner, title="Письмо от клиента").exists()


def test_a_case_breaching_its_deadline_starts_a_rule(
    admin_user, owner, django_capture_on_commit_callbacks
):
    import datetime

    from django.utils import timezone

    from voronka.service import services as service
    from voronka.service.models import Case, SlaState

    rule(
        admin_user,
        entity="case",
        trigger="deadline_breached",
        actions=[{"type": "notify", "user": "owner", "text": "Срок обращения истёк"}],
    )
    case = service.case_create(
        actor=owner,
        data={
            "subject": "Жалоба",
            "kind": "complaint",
            "priority": "urgent",
            "opened_at": timezone.now() - datetime.timedelta(days=30),
            "status": "in_work",
        },
    )
    Case.objects.filter(pk=case.pk).update(sla_state=SlaState.OK, breached=False)
    with django_capture_on_commit_callbacks(execute=True):
        assert service.check_deadlines()["breached"] == 1
    assert Notification.objects.filter(user=owner, title="Срок обращения истёк").exists()
