import zoneinfo

from django.shortcuts import redirect
from django.utils import timezone, translation

from . import access, two_factor


class UserPreferencesMiddleware:
    """Show pages in the signed-in user's language and time zone (chosen on their profile)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user
        if user.is_authenticated:
            translation.activate(user.language)
            request.LANGUAGE_CODE = translation.get_language()
            try:
                timezone.activate(zoneinfo.ZoneInfo(user.timezone))
            except (zoneinfo.ZoneInfoNotFoundError, ValueError):
                timezone.deactivate()
        else:
            timezone.deactivate()
        return self.get_response(request)


class TwoFactorRequiredMiddleware:
    """A user whose role requires two-factor sign-in and who has no authenticator yet is sent
    to set one up before anything else (the API's tokens are not concerned)."""

    ALLOWED = ("/accounts/", "/static/", "/i18n/", "/api/")

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user
        if (
            user.is_authenticated
            and not request.path.startswith(self.ALLOWED)
            and access.requires_two_factor(user)
            and not two_factor.is_enabled(user)
        ):
            return redirect("accounts:two-factor")
        return self.get_response(request)
