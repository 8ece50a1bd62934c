from django.urls import path

from . import views

app_name = "calendars"

urlpatterns = [
    path("calendar/", views.calendar_page, name="calendar"),
    path("calendar/events/", views.calendar_events, name="events"),
    path("calendar/events/<int:pk>/move/", views.event_move, name="event-move"),
    path("calendar/feed/new/", views.feed_renew, name="feed-renew"),
    path("calendar/feed/revoke/", views.feed_revoke, name="feed-revoke"),
    path("calendar/feed/<str:token>.ics", views.feed, name="feed"),
]
