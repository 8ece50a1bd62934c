from django.conf import settings
from django.utils.functional import SimpleLazyObject

from voronka.accounts import access
from voronka.audit.selectors import recent_views


def voronka(request):
    user = getattr(request, "user", None)
    signed_in = bool(user and user.is_authenticated)
    return {
        "can_configure": signed_in and access.can_configure(user),
        "may_hand_over": signed_in and access.can_hand_over(user),
        "debug": settings.DEBUG,
        "recent_views": _recent_views(user) if signed_in else (),
    }


def _recent_views(user):
    """Lazily: a page that never shows the top bar (an htmx partial) costs no query."""
    return SimpleLazyObject(lambda: recent_views(user=user))
