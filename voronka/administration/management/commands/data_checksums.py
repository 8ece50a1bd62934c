import json

from django.core.management.base import BaseCommand

from voronka.administration import backup


class Command(BaseCommand):
    help = "Print every table's row count and checksum as JSON (to compare two installations)."

    def handle(self, *args, **options):
        self.stdout.write(json.dumps(backup.table_checksums(), indent=1, sort_keys=True))
