import datetime
import time

from django.core.management.base import BaseCommand

from voronka.analytics import activity_months, classification, completeness


class Command(BaseCommand):
    help = (
        "Recompute every company's ABC and XYZ class and relationship stage, the data "
        "completeness and the past months' activities now (the nightly job does it too)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--day", type=datetime.date.fromisoformat, help="As of this day (default today)."
        )

    def handle(self, *args, **options):
        started = time.perf_counter()
        run = classification.recompute(options.get("day"))
        rows = completeness.count(options.get("day"))
        months = activity_months.rebuild(options.get("day"))
        self.stdout.write(
            f"{run.companies:,} companies classified as of {run.day}, {run.changed:,} changed, "
            f"data completeness counted for {rows:,} manager × entity rows, "
            f"past months' activities summed in {months:,} rows, "
            f"in {time.perf_counter() - started:.1f} s"
        )
