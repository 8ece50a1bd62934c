"""SLA arithmetic on hand-made calendars with answers counted by hand."""

import datetime
import zoneinfo

from voronka.service.sla import Calendar, add_working, due, left_seconds, working_seconds

MSK = zoneinfo.ZoneInfo("Europe/Moscow")


def at(day: str, hour: int, minute: int = 0) -> datetime.datetime:
    y, m, d = map(int, day.split("-"))
    return datetime.datetime(y, m, d, hour, minute, tzinfo=MSK)


CAL = Calendar(zone=MSK)  # Mon–Fri, 9:00–18:00


def test_within_one_day():
    # Wed 2026-12-02 10:00 + 4 h → 14:00 the same day.
    assert due(CAL, at("2026-12-02", 10), 4) == at("2026-12-02", 14)


def test_across_a_weekend():
    # Fri 2026-12-04 16:00 + 4 h: 2 h on Friday, 2 h on Monday → Mon 07.12 11:00.
    assert due(CAL, at("2026-12-04", 16), 4) == at("2026-12-07", 11)
    assert working_seconds(CAL, at("2026-12-04", 16), at("2026-12-07", 11)) == 4 * 3600


def test_across_a_holiday():
    # Thu 2026-11-05, 17:00 + 3 h with Fri 06.11 a holiday: 1 h Thu, then Mon 09.11 → 11:00.
    cal = Calendar(zone=MSK, holidays=frozenset({datetime.date(2026, 11, 6)}))
    assert due(cal, at("2026-11-05", 17), 3) == at("2026-11-09", 11)
    # Without the holiday it would be Friday 11:00.
    assert due(CAL, at("2026-11-05", 17), 3) == at("2026-11-06", 11)


def test_a_transferred_working_saturday():
    # Sat 2026-10-31 declared working: Fri 17:00 + 3 h → Sat 11:00.
    cal = Calendar(zone=MSK, working_days=frozenset({datetime.date(2026, 10, 31)}))
    assert due(cal, at("2026-10-30", 17), 3) == at("2026-10-31", 11)


def test_opened_outside_working_hours():
    # Opened at 20:30 on Tuesday: the clock starts Wednesday 9:00 → 2 h later 11:00.
    assert due(CAL, at("2026-12-01", 20, 30), 2) == at("2026-12-02", 11)
    # Opened at 6:00: starts at 9:00 the same day.
    assert due(CAL, at("2026-12-02", 6), 1) == at("2026-12-02", 10)
    # Opened on Sunday night: Monday 9:00 + 9 h = Monday 18:00 exactly.
    assert due(CAL, at("2026-12-06", 23), 9) == at("2026-12-07", 18)
    # The whole weekend counts nothing.
    assert working_seconds(CAL, at("2026-12-05", 0), at("2026-12-07", 0)) == 0


def test_paused_periods_do_not_count():
    # Wed 10:00 + 4 h, paused 11:00–13:00 (waiting for the client) → 16:00.
    pauses = [(at("2026-12-02", 11), at("2026-12-02", 13))]
    assert due(CAL, at("2026-12-02", 10), 4, pauses) == at("2026-12-02", 16)
    # A pause over the night and the next morning: Wed 17:00 – Thu 10:00 costs only Wed's
    # last hour and Thu's first: 7 h on Wed (10–17), then Thu 10:00 + 1 h = 11:00.
    pauses = [(at("2026-12-02", 17), at("2026-12-03", 10))]
    assert due(CAL, at("2026-12-02", 10), 8, pauses) == at("2026-12-03", 11)
    assert working_seconds(CAL, at("2026-12-02", 10), at("2026-12-03", 11), pauses) == 8 * 3600


def test_an_open_pause_has_no_deadline():
    pauses = [(at("2026-12-02", 11), None)]
    assert due(CAL, at("2026-12-02", 10), 4, pauses) is None
    # …and the time left stops: at Friday the same 3 h are left as at 11:00 on Wednesday.
    assert left_seconds(CAL, at("2026-12-02", 10), 4, at("2026-12-04", 15), pauses) == 3 * 3600


def test_time_left_goes_negative_once_breached():
    # 2 h from Wed 10:00, now Wed 15:00: 3 h past.
    assert left_seconds(CAL, at("2026-12-02", 10), 2, at("2026-12-02", 15)) == -3 * 3600


def test_short_days_and_other_hours():
    cal = Calendar(zone=MSK, starts=datetime.time(10), ends=datetime.time(14))
    # 4-hour days: Mon 13:00 + 6 h → 1 h Mon, 4 h Tue, 1 h Wed → Wed 11:00.
    assert add_working(cal, at("2026-12-07", 13), 6 * 3600) == at("2026-12-09", 11)


def test_a_calendar_without_working_days_never_ends():
    cal = Calendar(zone=MSK, weekdays=frozenset())
    assert due(cal, at("2026-12-02", 10), 1) is None
