"""What every installation starts with: a working calendar with the Russian production
calendar of 2026 and SLA rules per type and priority. Used by a data migration (with the
historical models) and by the demo."""

import datetime

# The 2026 production calendar of Russia (постановление Правительства РФ о переносе
# выходных дней в 2026 году): holidays and the days off transferred to weekdays.
RU_2026_DAYS_OFF = [
    ("2026-01-01", "Новогодние каникулы"),
    ("2026-01-02", "Новогодние каникулы"),
    ("2026-01-03", "Новогодние каникулы"),
    ("2026-01-04", "Новогодние каникулы"),
    ("2026-01-05", "Новогодние каникулы"),
    ("2026-01-06", "Новогодние каникулы"),
    ("2026-01-07", "Рождество Христово"),
    ("2026-01-08", "Новогодние каникулы"),
    ("2026-01-09", "Перенос с 3 января"),
    ("2026-02-23", "День защитника Отечества"),
    ("2026-03-08", "Международный женский день"),
    ("2026-03-09", "Перенос с 8 марта"),
    ("2026-05-01", "Праздник Весны и Труда"),
    ("2026-05-09", "День Победы"),
    ("2026-05-11", "Перенос с 9 мая"),
    ("2026-06-12", "День России"),
    ("2026-11-04", "День народного единства"),
    ("2026-12-31", "Перенос с 4 января"),
]
# Saturdays or Sundays worked instead (none in 2026).
RU_2026_WORKING_DAYS: list[tuple[str, str]] = []

# kind: {priority: (first answer hours, resolution hours)} in working hours.
SLA = {
    "complaint": {"urgent": (1, 8), "high": (2, 16), "normal": (4, 24), "low": (8, 40)},
    "request": {"urgent": (1, 8), "high": (4, 24), "normal": (8, 40), "low": (16, 80)},
    "question": {"urgent": (1, 4), "high": (2, 8), "normal": (4, 16), "low": (8, 24)},
    "feedback": {"urgent": (4, 16), "high": (8, 24), "normal": (16, 40), "low": (24, 80)},
    "thanks": {"urgent": (8, 40), "high": (8, 40), "normal": (16, 40), "low": (24, 80)},
}


def create_defaults(WorkCalendar, CalendarDay, SlaRule) -> None:
    calendar = WorkCalendar.objects.filter(is_default=True).first()
    if calendar is None:
        calendar = WorkCalendar.objects.create(
            name="Производственный календарь РФ", country="RU", is_default=True
        )
        for day, note in RU_2026_DAYS_OFF:
            CalendarDay.objects.get_or_create(
                calendar=calendar,
                day=datetime.date.fromisoformat(day),
                defaults={"is_working": False, "note": note},
            )
        for day, note in RU_2026_WORKING_DAYS:
            CalendarDay.objects.get_or_create(
                calendar=calendar,
                day=datetime.date.fromisoformat(day),
                defaults={"is_working": True, "note": note},
            )
    for kind, rules in SLA.items():
        for priority, (first, resolve) in rules.items():
            SlaRule.objects.get_or_create(
                kind=kind,
                priority=priority,
                defaults={"first_response_hours": first, "resolve_hours": resolve},
            )
