import datetime

from django.core.management.base import BaseCommand, CommandError

from voronka.automation.services import run_date_rules


class Command(BaseCommand):
    help = "Plan the activities of the date rules (birthdays, deadlines) for a day."

    def add_arguments(self, parser):
        parser.add_argument("--date", help="The day to run for, YYYY-MM-DD (default: today).")

    def handle(self, *args, date=None, **options):
        today = None
        if date:
            try:
                today = datetime.date.fromisoformat(date)
            except ValueError:
                raise CommandError(f"Not a date: {date!r} (expected YYYY-MM-DD).") from None
        created = run_date_rules(today=today)
        self.stdout.write(f"{created} activities planned.")
