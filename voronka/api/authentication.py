import datetime

from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import authentication, exceptions

from voronka.accounts import throttle
from voronka.accounts.models import ApiToken


class ApiTokenAuthentication(authentication.BaseAuthentication):
    """`Authorization: Token vk_…` (or `Bearer vk_…`), a key created on the profile page."""

    keywords = ("token", "bearer")

    def authenticate(self, request):
        header = authentication.get_authorization_header(request).split()
        if not header or header[0].decode().lower() not in self.keywords:
            return None
        if len(header) != 2:
            self.count_failure(request)
            raise exceptions.AuthenticationFailed(_("Invalid token header."))
        try:
            key = header[1].decode()
        except UnicodeError:
            self.count_failure(request)
            raise exceptions.AuthenticationFailed(_("Invalid token header.")) from None
        token = ApiToken.objects.for_key(key).select_related("user", "user__role").first()
        if token is None or not token.user.is_active:
            self.count_failure(request)
            raise exceptions.AuthenticationFailed(_("Invalid or revoked token."))
        now = timezone.now()
        # Record use at most once a minute, not a write on every request.
        if token.last_used_at is None or now - token.last_used_at > datetime.timedelta(minutes=1):
            ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        if not request.META.get("HTTP_ACCEPT_LANGUAGE"):
            translation.activate(token.user.language)
        return token.user, token

    @staticmethod
    def count_failure(request) -> None:
        """A wrong token counts like a wrong password, per address (accounts/throttle.py); from
        an address over the limit the answer is 429 with Retry-After. Keys are too long to
        guess, so the lock is looked up only after a failure: a good key costs no cache read."""
        address = throttle.client_address(request)
        wait = throttle.wait_seconds(address=address)
        if not wait:
            throttle.record_failure(address=address)
            return
        throttle.record_refusal(address=address, wait=wait)
        locked = exceptions.Throttled(detail=throttle.locked_message(wait))
        locked.wait = wait  # for the Retry-After header, without DRF's English sentence
        raise locked

    def authenticate_header(self, request):
        return "Token"


class ApiTokenScheme(OpenApiAuthenticationExtension):
    target_class = "voronka.api.authentication.ApiTokenAuthentication"
    name = "tokenAuth"

    def get_security_definition(self, auto_schema):
        return {
            "type": "apiKey",
            "in": "header",
            "name": "Authorization",
            "description": "`Token <key>`; create a key on your profile page or with "
            "`manage.py create_api_token <username>`.",
        }
