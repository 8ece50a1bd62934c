"""`manage.py check --deploy`: mailbox passwords need a key of their own in production."""

from django.conf import settings
from django.core import checks


@checks.register(checks.Tags.security, deploy=True)
def mail_secret_key(app_configs, **kwargs):
    if settings.MAIL_SECRET_KEY:
        return []
    return [
        checks.Warning(
            "MAIL_SECRET_KEY is not set: mailbox passwords are encrypted with a key derived "
            "from SECRET_KEY.",
            hint="Set MAIL_SECRET_KEY to a long random text of its own (docs/deploy.md).",
            id="voronka.mail.W001",
        )
    ]
