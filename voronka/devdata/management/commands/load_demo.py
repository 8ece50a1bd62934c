from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from voronka.devdata import demo


class Command(BaseCommand):
    help = "Load the Russian demo data (a travel agency) once; a second run changes nothing."

    def add_arguments(self, parser):
        parser.add_argument(
            "--allow-without-debug",
            action="store_true",
            help="Load even with DEBUG off (demo logins have passwords equal to their names).",
        )

    def handle(self, *args, allow_without_debug: bool = False, **options):
        if not settings.DEBUG and not allow_without_debug:
            raise CommandError(
                "The demo creates the login admin/admin; it is loaded only with DEBUG=1 "
                "(or --allow-without-debug on a throw-away server)."
            )
        if demo.is_loaded():
            self.stdout.write("Demo data is already loaded; nothing changed.")
            return
        counts = demo.load()
        self.stdout.write(
            self.style.SUCCESS(
                "Demo data loaded: " + ", ".join(f"{n} {name}" for name, n in counts.items())
            )
        )
        self.stdout.write(
            "Sign in as admin / admin (administrator), gulnara / gulnara (head of sales), "
            "or a manager: aliya, daniyar, ruslan, olga (password = login)."
        )
