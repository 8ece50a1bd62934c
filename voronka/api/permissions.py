from django.conf import settings
from rest_framework.permissions import BasePermission


class SignedInOutsideDebug(BasePermission):
    """The schema views' check (SPECTACULAR_SETTINGS["SERVE_PERMISSIONS"]): open while
    developing, a token or a session in production. DEBUG is read on each request."""

    def has_permission(self, request, view):
        return settings.DEBUG or bool(request.user and request.user.is_authenticated)
