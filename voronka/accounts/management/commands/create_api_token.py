from django.core.management.base import BaseCommand, CommandError

from voronka.accounts.models import ApiToken, User


class Command(BaseCommand):
    help = "Create an API token for a user and print its key (shown only this once)."

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--name", default="manage.py", help="What the token is for.")

    def handle(self, *args, username: str, name: str, **options):
        try:
            user = User.objects.get(username=username, is_active=True)
        except User.DoesNotExist:
            raise CommandError(f"No active user {username!r}.") from None
        _token, key = ApiToken.issue(user=user, name=name)
        self.stdout.write(key)
