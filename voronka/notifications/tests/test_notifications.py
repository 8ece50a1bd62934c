"""Notifications: reminders of activities, assignments, the bell, the page and the API."""

import datetime
from unittest import mock

import pytest
from django.core import mail
from django.test import RequestFactory
from django.urls import reverse
from django.utils import translation

from conftest import client_for
from tests.factories import ActivityFactory, UserFactory
from voronka.accounts.models import Entity
from voronka.activities import reminders, tasks
from voronka.activities.models import Activity
from voronka.notifications import services
from voronka.notifications.context_processors import unread
from voronka.notifications.models import Kind, Notification, NotificationPreference

pytestmark = pytest.mark.django_db

UTC = datetime.UTC
# 12:00 UTC is 15:00 in Moscow (UTC+3 all year).
DUE = datetime.datetime(2026, 3, 10, 12, 0, tzinfo=UTC)
NOW = DUE - datetime.timedelta(minutes=15) + datetime.timedelta(seconds=30)


def frozen(moment=NOW):
    return mock.patch("django.utils.timezone.now", return_value=moment)


def planned(owner, *, subject="Перезвонить клиенту", remind_before=15, **kwargs) -> Activity:
    due = kwargs.pop("due_at", DUE)
    return ActivityFactory(
        owner=owner,
        subject=subject,
        due_at=due,
        remind_before=remind_before,
        remind_at=due - datetime.timedelta(minutes=remind_before),
        **kwargs,
    )


@pytest.fixture
def moscow(owner, teammate):
    for user in (owner, teammate):
        user.timezone = "Europe/Moscow"
        user.save(update_fields=["timezone"])


def ru(message: str, **params) -> str:
    """A message as the Russian catalogue writes it ("Напоминание: … в 15:00")."""
    with translation.override("ru"):
        return translation.gettext(message) % params


def note(user, title="Привет", **kwargs) -> Notification:
    return Notification.objects.create(user=user, kind=Kind.SYSTEM, title=title, **kwargs)


# Reminders


def test_a_reminder_due_in_the_past_minute_fires_once(owner, moscow):
    activity = planned(owner)
    with frozen():
        assert reminders.send_due_reminders() == 1
        assert reminders.send_due_reminders() == 0
    notification = Notification.objects.get(user=owner)
    assert notification.kind == Kind.REMINDER
    assert notification.title == ru(
        "Reminder: %(subject)s at %(time)s", subject="Перезвонить клиенту", time="15:00"
    )
    assert notification.url == activity.get_absolute_url()
    assert (notification.entity, notification.object_id) == (Entity.ACTIVITY, activity.pk)
    activity.refresh_from_db()
    assert activity.reminded_at == NOW


def test_a_reminder_on_another_day_names_the_date(owner, moscow):
    planned(owner, due_at=DUE + datetime.timedelta(days=1), remind_before=24 * 60 + 15)
    assert reminders.send_due_reminders(now=NOW) == 1
    title = Notification.objects.get(user=owner).title
    assert title == ru(
        "Reminder: %(subject)s on %(date)s at %(time)s",
        subject="Перезвонить клиенту",
        date="11.03.2026",
        time="15:00",
    )


def test_the_reminder_is_in_the_users_language(owner, moscow):
    owner.language = "en"
    owner.save(update_fields=["language"])
    planned(owner)
    reminders.send_due_reminders(now=NOW)
    assert Notification.objects.get(user=owner).title.startswith("Reminder: Перезвонить клиенту")


def test_a_done_activity_a_future_reminder_or_none_sends_nothing(owner):
    planned(owner, done=True)
    planned(owner, due_at=DUE + datetime.timedelta(hours=1))
    ActivityFactory(owner=owner, due_at=DUE)  # no reminder asked for
    assert reminders.send_due_reminders(now=NOW) == 0
    assert not Notification.objects.exists()


def test_participants_are_reminded_too_once_each(owner, teammate, head, moscow):
    activity = planned(owner)
    activity.participants.set([teammate, head, owner])
    assert reminders.send_due_reminders(now=NOW) == 3
    assert sorted(Notification.objects.values_list("user__username", flat=True)) == [
        "head",
        "owner",
        "teammate",
    ]
    # Each in their own time zone: the head keeps Almaty's.
    assert Notification.objects.get(user=teammate).title.endswith("15:00")


def test_a_row_claimed_by_another_worker_is_not_reminded_again(owner, monkeypatch):
    activity = planned(owner)
    # Another worker claims it between this one's look-up and its UPDATE.
    Activity.objects.filter(pk=activity.pk).update(reminded_at=NOW)
    monkeypatch.setattr(reminders, "_due_activity_ids", lambda now: [activity.pk])
    assert reminders.send_due_reminders(now=NOW) == 0
    assert not Notification.objects.exists()


def test_the_periodic_job_runs_the_reminders(owner):
    planned(owner)
    with frozen():
        assert tasks.send_due_reminders.call_local() == 1


def test_e_mail_copy_of_a_reminder_only_with_the_preference(owner, teammate, moscow):
    NotificationPreference.objects.create(user=teammate, email_reminders=True)
    activity = planned(owner)
    activity.participants.set([teammate])
    reminders.send_due_reminders(now=NOW)
    assert Notification.objects.count() == 2
    assert len(mail.outbox) == 1
    letter = mail.outbox[0]
    assert letter.to == [teammate.email]
    assert letter.subject == Notification.objects.get(user=teammate).title
    assert "15:00" in letter.subject
    assert activity.get_absolute_url() in letter.body


# Notify and assignments


def test_notify_e_mails_in_the_users_language(owner):
    owner.language = "en"
    owner.save(update_fields=["language"])
    services.notify(user=owner, kind=Kind.ASSIGNED, title="Call them", url="/x/")
    assert len(mail.outbox) == 1
    assert "Open: " in mail.outbox[0].body
    services.notify(user=owner, kind=Kind.SYSTEM, title="Maintenance")
    assert len(mail.outbox) == 1  # system notices are not e-mailed


def test_notify_assigned_tells_the_owner_when_someone_else_assigned(owner, head):
    activity = planned(owner, assigned_by=head)
    notification = reminders.notify_assigned(activity=activity, actor=head)
    assert notification.user == owner
    assert notification.kind == Kind.ASSIGNED
    assert notification.actor == head
    assert head.display_name in notification.title and "Перезвонить клиенту" in notification.title
    assert notification.url == activity.get_absolute_url()
    assert len(mail.outbox) == 1  # assignments are e-mailed by default
    assert reminders.notify_assigned(activity=activity, actor=owner) is None


def test_no_assignment_letter_when_turned_off(owner, head):
    NotificationPreference.objects.create(user=owner, email_assignments=False)
    reminders.notify_assigned(activity=planned(owner), actor=head)
    assert Notification.objects.filter(user=owner).count() == 1
    assert mail.outbox == []


def test_mark_read_touches_only_the_users_own(owner, outsider):
    mine, theirs = note(owner), note(outsider)
    assert services.mark_read(user=owner, ids=[mine.pk, theirs.pk]) == 1
    theirs.refresh_from_db()
    assert theirs.read_at is None
    note(owner)
    assert services.mark_read(user=owner) == 1
    assert not Notification.objects.filter(user=owner, read_at__isnull=True).exists()


# Pages


def test_the_page_shows_only_the_users_own_newest_first(owner, outsider):
    note(owner, "Первое")
    note(owner, "Второе")
    note(outsider, "Чужое")
    page = client_for(owner).get(reverse("notifications:list")).content.decode()
    assert "Второе" in page and "Первое" in page and "Чужое" not in page
    assert page.index("Второе") < page.index("Первое")
    assert page.count('data-unread="1"') == 2


def test_the_page_is_paged(owner, settings):
    settings.VORONKA = {**settings.VORONKA, "PAGE_SIZE": 2}
    for n in range(3):
        note(owner, f"Уведомление {n}")
    browser = client_for(owner)
    first = browser.get(reverse("notifications:list")).content.decode()
    assert "Уведомление 2" in first and "Уведомление 0" not in first
    second = browser.get(reverse("notifications:list") + "?page=2").content.decode()
    assert "Уведомление 0" in second


def test_mark_one_read_with_htmx_and_another_users_is_404(owner, outsider):
    mine, other, theirs = note(owner), note(owner), note(outsider)
    browser = client_for(owner)
    response = browser.post(reverse("notifications:read", args=[mine.pk]), HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    html = response.content.decode()
    assert f'id="notification-{mine.pk}"' in html and "data-unread" not in html
    assert 'hx-swap-oob="true"' in html  # the bell's count follows
    mine.refresh_from_db()
    assert mine.read_at is not None
    other.refresh_from_db()
    assert other.read_at is None

    response = browser.post(reverse("notifications:read", args=[theirs.pk]))
    assert response.status_code == 404
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_mark_all_read_on_the_page(owner, outsider):
    note(owner), note(owner)
    theirs = note(outsider)
    response = client_for(owner).post(reverse("notifications:read-all"))
    assert response.status_code == 302
    assert not Notification.objects.filter(user=owner, read_at__isnull=True).exists()
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_the_e_mail_preferences_form(owner):
    browser = client_for(owner)
    page = browser.get(reverse("notifications:list")).content.decode()
    assert 'name="email_assignments"' in page
    response = browser.post(reverse("notifications:preferences"), {"email_reminders": "on"})
    assert response.status_code == 302
    preference = NotificationPreference.objects.get(user=owner)
    assert preference.email_reminders is True
    assert preference.email_assignments is False


def test_the_bell_counts_the_unread(owner, outsider):
    note(owner), note(owner), note(owner, read_at=NOW), note(outsider)
    response = client_for(owner).get(reverse("notifications:list"))
    assert response.context["notifications_unread"] == 2
    assert 'data-testid="notifications-count">2<' in response.content.decode()


def test_the_bell_costs_nothing_for_an_anonymous_visitor(django_assert_num_queries):
    from django.contrib.auth.models import AnonymousUser

    request = RequestFactory().get("/")
    request.user = AnonymousUser()
    with django_assert_num_queries(0):
        assert unread(request) == {"notifications_unread": 0}


def test_the_bell_is_one_count_query(owner, django_assert_num_queries):
    note(owner)
    request = RequestFactory().get("/")
    request.user = owner
    context = unread(request)
    with django_assert_num_queries(1):
        assert context["notifications_unread"] == 1


# API


def test_api_lists_own_notifications_and_filters_unread(owner, outsider):
    note(owner, "Прочитано", read_at=NOW)
    note(owner, "Новое")
    note(outsider, "Чужое")
    api = client_for(owner)
    data = api.get(reverse("api:notification-list")).json()
    assert data["count"] == 2
    assert [r["title"] for r in data["results"]] == ["Новое", "Прочитано"]
    data = api.get(reverse("api:notification-list") + "?unread=true").json()
    assert [r["title"] for r in data["results"]] == ["Новое"]
    assert data["results"][0]["is_read"] is False


def test_api_read_marks_the_given_ids_or_all(owner, outsider):
    first = note(owner)
    note(owner), note(owner)
    theirs = note(outsider)
    api = client_for(owner)
    url = reverse("api:notification-read")
    response = api.post(url, {"ids": [first.pk, theirs.pk]}, content_type="application/json")
    assert response.status_code == 200
    assert response.json() == {"marked": 1}
    theirs.refresh_from_db()
    assert theirs.read_at is None
    response = api.post(url, {}, content_type="application/json")
    assert response.json() == {"marked": 2}
    assert not Notification.objects.filter(user=owner, read_at__isnull=True).exists()


def test_api_another_users_notification_is_404(owner, outsider):
    theirs = note(outsider)
    api = client_for(owner)
    assert api.get(reverse("api:notification-detail", args=[theirs.pk])).status_code == 404
    mine = note(owner)
    assert api.get(reverse("api:notification-detail", args=[mine.pk])).status_code == 200


def test_api_needs_a_signed_in_user():
    from django.test import Client

    assert Client().get(reverse("api:notification-list")).status_code in (401, 403)


def test_a_new_user_has_the_default_preferences():
    user = UserFactory()
    assert not NotificationPreference.objects.filter(user=user).exists()
    services.notify(user=user, kind=Kind.REMINDER, title="x")
    assert mail.outbox == []
