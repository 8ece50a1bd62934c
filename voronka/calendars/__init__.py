"""The calendar of activities (day, week, month) and the personal iCalendar feed."""
