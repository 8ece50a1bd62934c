from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from voronka.administration import backup


class Command(BaseCommand):
    help = "Write one archive with the database, the media files and a manifest of checksums."

    def add_arguments(self, parser):
        parser.add_argument(
            "target", nargs="?", default=".", help="the archive's file name, or a folder"
        )
        parser.add_argument(
            "--keep", type=int, default=0, help="in a folder, keep only the newest N archives"
        )

    def handle(self, *args, target, keep, **options):
        try:
            path = backup.create_backup(Path(target))
        except backup.BackupError as error:
            raise CommandError(str(error)) from None
        if keep and Path(target).is_dir():
            backup.prune(Path(target), keep)
        self.stdout.write(str(path))
