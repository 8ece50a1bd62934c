"""Date rules: activities planned ahead of birthdays and deadlines, once per occurrence."""

import datetime
import io
import zoneinfo

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from conftest import client_for
from tests.factories import ContactFactory, DealFactory
from voronka.activities.models import Activity, ActivityType
from voronka.automation.models import DateRule, DateRuleHit, field_choices
from voronka.automation.services import month_day_filter, next_anniversary, run_date_rules
from voronka.automation.tasks import run_date_rules_daily
from voronka.contacts.models import Contact

pytestmark = pytest.mark.django_db

# A day in the future, so the planned 10:00 has not passed yet.
TODAY = datetime.date(2030, 5, 10)
ALMATY = zoneinfo.ZoneInfo("Asia/Almaty")


@pytest.fixture
def birthday_rule():
    """The rule the data migration seeds."""
    rule = DateRule.objects.get(entity="contact", field="birthday")
    assert (rule.yearly, rule.days_ahead, rule.is_active) == (True, 3, True)
    assert rule.activity_type.kind == "call" and rule.activity_type.direction == "out"
    return rule


def test_a_birthday_plans_one_call_for_the_owner(birthday_rule, owner):
    contact = ContactFactory(
        owner=owner, last_name="Иванова", first_name="Анна", birthday=datetime.date(1990, 5, 12)
    )
    assert run_date_rules(today=TODAY) == 1
    activity = Activity.objects.get(contact=contact)
    assert activity.owner == owner
    assert activity.type == birthday_rule.activity_type
    assert activity.kind == "call"
    assert activity.subject == "Поздравить с днём рождения: Иванова Анна"
    assert activity.due_at == datetime.datetime(2030, 5, 12, 10, 0, tzinfo=ALMATY)
    assert not activity.done
    hit = DateRuleHit.objects.get()
    assert (hit.object_id, hit.occurrence, hit.activity) == (
        contact.pk,
        datetime.date(2030, 5, 12),
        activity,
    )


def test_running_twice_plans_once_and_next_year_again(birthday_rule, owner):
    contact = ContactFactory(owner=owner, birthday=datetime.date(1985, 5, 11))
    assert run_date_rules(today=TODAY) == 1
    assert run_date_rules(today=TODAY) == 0
    # The next days of the window do not plan it again either.
    assert run_date_rules(today=TODAY + datetime.timedelta(days=1)) == 0
    assert Activity.objects.filter(contact=contact).count() == 1
    assert run_date_rules(today=datetime.date(2031, 5, 9)) == 1
    assert Activity.objects.filter(contact=contact).count() == 2
    assert set(DateRuleHit.objects.values_list("occurrence", flat=True)) == {
        datetime.date(2030, 5, 11),
        datetime.date(2031, 5, 11),
    }


def test_a_hit_already_recorded_by_another_run_is_not_repeated(birthday_rule, owner):
    contact = ContactFactory(owner=owner, birthday=datetime.date(1985, 5, 11))
    DateRuleHit.objects.create(
        rule=birthday_rule, object_id=contact.pk, occurrence=datetime.date(2030, 5, 11)
    )
    assert run_date_rules(today=TODAY) == 0
    assert not Activity.objects.exists()


def test_only_dates_within_days_ahead(birthday_rule, owner):
    inside = [ContactFactory(owner=owner, birthday=datetime.date(1980, 5, day)) for day in (10, 13)]
    outside = [
        ContactFactory(owner=owner, birthday=datetime.date(1980, 5, 9)),
        ContactFactory(owner=owner, birthday=datetime.date(1980, 5, 14)),
        ContactFactory(owner=owner, birthday=datetime.date(1980, 6, 12)),
        ContactFactory(owner=owner, birthday=None),
    ]
    assert run_date_rules(today=TODAY) == 2
    assert set(Activity.objects.values_list("contact_id", flat=True)) == {c.pk for c in inside}
    assert not Activity.objects.filter(contact__in=outside).exists()


def test_a_date_whose_ten_oclock_has_passed_is_due_now(birthday_rule, owner):
    past_day = datetime.date(2020, 5, 10)
    ContactFactory(owner=owner, birthday=datetime.date(1990, 5, 10))
    before = timezone.now().replace(second=0, microsecond=0)
    assert run_date_rules(today=past_day) == 1
    activity = Activity.objects.get()
    assert before <= activity.due_at <= timezone.now()


def test_a_window_across_the_new_year(birthday_rule, owner):
    birthday_rule.days_ahead = 10
    birthday_rule.save()
    january = ContactFactory(owner=owner, birthday=datetime.date(1970, 1, 3))
    ContactFactory(owner=owner, birthday=datetime.date(1970, 1, 7))
    assert run_date_rules(today=datetime.date(2030, 12, 27)) == 1
    activity = Activity.objects.get()
    assert activity.contact == january
    assert activity.due_at.astimezone(ALMATY).date() == datetime.date(2031, 1, 3)


def test_29_february_is_celebrated_on_28_february_in_a_common_year(birthday_rule, owner):
    leapling = ContactFactory(owner=owner, birthday=datetime.date(1996, 2, 29))
    assert next_anniversary(datetime.date(1996, 2, 29), datetime.date(2031, 1, 1)) == (
        datetime.date(2031, 2, 28)
    )
    # 2031 is a common year: the window 26–28 February picks it up, on the 28th.
    assert run_date_rules(today=datetime.date(2031, 2, 26)) == 1
    activity = Activity.objects.get(contact=leapling)
    assert activity.due_at.astimezone(ALMATY).date() == datetime.date(2031, 2, 28)
    # In 2032 it is on the 29th itself.
    assert run_date_rules(today=datetime.date(2032, 2, 27)) == 1
    assert DateRuleHit.objects.filter(occurrence=datetime.date(2032, 2, 29)).exists()
    # The window 1–4 March of a common year does not catch it again.
    assert run_date_rules(today=datetime.date(2033, 3, 1)) == 0


def test_the_database_selects_by_month_and_day(owner):
    ContactFactory(owner=owner, birthday=datetime.date(1990, 1, 31))
    ContactFactory(owner=owner, birthday=datetime.date(1990, 2, 1))
    ContactFactory(owner=owner, birthday=datetime.date(1990, 3, 1))
    window = month_day_filter("birthday", datetime.date(2026, 1, 31), datetime.date(2026, 2, 1))
    assert Contact.objects.filter(window).count() == 2
    assert isinstance(window, Q)


def test_a_one_off_rule_on_a_deals_expected_close_date(owner):
    task_type = ActivityType.objects.get(kind="task")
    DateRule.objects.create(
        name="Закрытие сделки",
        entity="deal",
        field="expected_close_date",
        yearly=False,
        days_ahead=7,
        activity_type=task_type,
        subject="Сделка {name} закрывается {date}",
    )
    due = DealFactory(owner=owner, name="Поставка", expected_close_date=datetime.date(2030, 5, 15))
    DealFactory(owner=owner, expected_close_date=datetime.date(2029, 5, 15))  # a year ago
    DealFactory(owner=owner, expected_close_date=datetime.date(2030, 5, 20))  # too far
    assert run_date_rules(today=TODAY) == 1
    activity = Activity.objects.get()
    assert activity.deal == due and activity.kind == "task" and activity.owner == owner
    assert activity.subject == "Сделка Поставка закрывается 15.05.2030"
    # The next year does not repeat a one-off date.
    assert run_date_rules(today=datetime.date(2031, 5, 10)) == 0


def test_an_inactive_rule_does_nothing(birthday_rule, owner):
    birthday_rule.is_active = False
    birthday_rule.save()
    ContactFactory(owner=owner, birthday=datetime.date(1990, 5, 11))
    assert run_date_rules(today=TODAY) == 0
    assert not Activity.objects.exists()


def test_the_daily_job_and_the_command_run_the_rules(birthday_rule, owner):
    today = datetime.date.today()
    soon = today + datetime.timedelta(days=1)
    if (soon.month, soon.day) == (2, 29):
        soon += datetime.timedelta(days=1)
    ContactFactory(owner=owner, birthday=soon.replace(year=1991))
    run_date_rules_daily()
    assert Activity.objects.count() == 1
    ContactFactory(owner=owner, birthday=datetime.date(1991, 5, 11))
    out = io.StringIO()
    call_command("run_date_rules", "--date", "2030-05-10", stdout=out)
    assert out.getvalue().startswith("1 ")
    assert Activity.objects.count() == 2


def test_the_field_must_be_a_date_field_of_the_record():
    rule = DateRule(
        name="x",
        entity="contact",
        field="last_name",
        activity_type=ActivityType.objects.first(),
        subject="x",
    )
    with pytest.raises(ValidationError) as error:
        rule.full_clean()
    assert "field" in error.value.message_dict
    rule.field = "created_at"  # a date and time, not a date
    with pytest.raises(ValidationError):
        rule.full_clean()
    choices = dict(field_choices())
    assert "contact.birthday" in choices and "deal.expected_close_date" in choices
    assert "contact.created_at" not in choices


# Settings → Date rules


def test_only_an_administrator_configures_date_rules(owner, head, admin_user, birthday_rule):
    url = reverse("automation:date-rule-list")
    edit = reverse("automation:date-rule-edit", args=[birthday_rule.pk])
    for user in (owner, head):
        client = client_for(user)
        assert client.get(url).status_code == 403
        assert client.post(url, {"name": "x"}).status_code == 403
        assert client.get(edit).status_code == 403
    response = client_for(admin_user).get(url)
    assert response.status_code == 200
    assert "День рождения контакта" in response.content.decode()


def test_an_administrator_creates_and_edits_a_rule(admin_user, birthday_rule):
    client = client_for(admin_user)
    task_type = ActivityType.objects.get(kind="task")
    response = client.post(
        reverse("automation:date-rule-list"),
        {
            "name": "Скоро закрытие",
            "field": "deal.expected_close_date",
            "days_ahead": 5,
            "activity_type": task_type.pk,
            "subject": "Проверить сделку {name}",
            "is_active": "on",
        },
    )
    assert response.status_code == 302
    rule = DateRule.objects.get(name="Скоро закрытие")
    assert (rule.entity, rule.field, rule.yearly, rule.days_ahead) == (
        "deal",
        "expected_close_date",
        False,
        5,
    )
    page = client.get(reverse("automation:date-rule-edit", args=[rule.pk])).content.decode()
    assert 'value="deal.expected_close_date" selected' in page

    response = client.post(
        reverse("automation:date-rule-edit", args=[birthday_rule.pk]),
        {
            "name": "ДР",
            "field": "contact.birthday",
            "yearly": "on",
            "days_ahead": 1,
            "activity_type": birthday_rule.activity_type_id,
            "subject": "С днём рождения, {name}",
        },
    )
    assert response.status_code == 302
    birthday_rule.refresh_from_db()
    assert (birthday_rule.name, birthday_rule.days_ahead, birthday_rule.is_active) == (
        "ДР",
        1,
        False,
    )


def test_an_invalid_rule_keeps_what_was_typed(admin_user):
    response = client_for(admin_user).post(
        reverse("automation:date-rule-list"),
        {
            "name": "Годовщина",
            "field": "contact.last_name",
            "days_ahead": 400,
            "activity_type": ActivityType.objects.first().pk,
            "subject": "Годовщина {name}",
        },
    )
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert "field" in errors and "days_ahead" in errors
    content = response.content.decode()
    assert 'value="Годовщина"' in content
    assert 'value="Годовщина {name}"' in content
    assert 'value="400"' in content
    assert not DateRule.objects.filter(name="Годовщина").exists()


def test_a_run_that_lost_the_race_plans_nothing(birthday_rule, owner):
    """Two runs at once: the second one finds the hit the first inserted (the unique
    constraint) after its own check, and plans nothing."""
    from voronka.automation.services import _fire

    contact = ContactFactory(owner=owner, birthday=datetime.date(1985, 5, 11))
    assert _fire(birthday_rule, contact, datetime.date(2030, 5, 11)) is True
    assert _fire(birthday_rule, contact, datetime.date(2030, 5, 11)) is False
    assert Activity.objects.count() == 1
    assert DateRuleHit.objects.count() == 1


def test_records_outside_the_window_are_not_loaded(
    birthday_rule, owner, django_assert_max_num_queries
):
    for month in range(1, 13):
        if month != 5:
            ContactFactory(owner=owner, birthday=datetime.date(1980, month, 11))
    with django_assert_max_num_queries(3):  # the rules, one chunk (empty), nothing else
        assert run_date_rules(today=TODAY) == 0
