import datetime
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from voronka.core import money
from voronka.core.rates import FeedError, load_rates
from voronka.core.rates.feeds import FEEDS


class Command(BaseCommand):
    help = (
        "Load one day's exchange rates from the Central Bank of Russia (cbr) or the National "
        "Bank of Kazakhstan (nbk) into the rate table, in the base currency. Rates entered by "
        "hand are kept. On any problem (feed unreachable, malformed, for another date) nothing "
        "changes and the command exits with an error. The scheduled job of the rate loader "
        "calls the same service (voronka.core.rates.load_rates)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--source", required=True, choices=sorted(FEEDS))
        parser.add_argument(
            "--date",
            type=datetime.date.fromisoformat,
            help="The day to load, YYYY-MM-DD (default: today). With --file, the file's date "
            "must be close to it.",
        )
        parser.add_argument(
            "--file",
            type=Path,
            help="Read a saved answer of the feed instead of asking the bank over the network.",
        )

    def handle(self, *args, source: str, date=None, file: Path | None = None, **options):
        content = None
        if file is not None:
            try:
                content = file.read_bytes()
            except OSError as error:
                raise CommandError(f"Cannot read {file}: {error.strerror}") from None
        try:
            result = load_rates(source=source, on=date, content=content)
        except FeedError as error:
            raise CommandError(str(error)) from None
        self.stdout.write(
            self.style.SUCCESS(
                f"{FEEDS[source].name}: {result.written} rate(s) in "
                f"{money.base_currency()} for {result.date:%Y-%m-%d} saved."
            )
        )
        if result.kept_manual:
            self.stdout.write(
                "Kept the rates entered by hand for: " + ", ".join(result.kept_manual) + "."
            )
