from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from voronka.administration import backup


class Command(BaseCommand):
    help = (
        "Bring a backup archive back into an empty installation, checking every file against "
        "the manifest first and every table's checksum after."
    )

    def add_arguments(self, parser):
        parser.add_argument("archive")
        parser.add_argument(
            "--check", action="store_true", help="only verify the archive's checksums"
        )

    def handle(self, *args, archive, check, **options):
        path = Path(archive)
        if not path.is_file():
            raise CommandError(f"No such archive: {path}")
        try:
            manifest = backup.verify(path) if check else backup.restore_backup(path)
        except backup.BackupError as error:
            raise CommandError(str(error)) from None
        self.stdout.write(
            f"{'Verified' if check else 'Restored'}: {len(manifest['files'])} files, "
            f"{len(manifest['tables'])} tables, made {manifest['created_at']}"
        )
