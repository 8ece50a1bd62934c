"""Date rules: activities created ahead of a date field (birthdays, contract ends)."""
