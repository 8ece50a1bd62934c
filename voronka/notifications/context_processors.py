from django.utils.functional import SimpleLazyObject

from .selectors import unread_count


def unread(request):
    """The number on the bell: one COUNT, and only when a page shows the top bar (an htmx
    partial never asks); nothing for an anonymous visitor."""
    user = getattr(request, "user", None)
    if not (user and user.is_authenticated):
        return {"notifications_unread": 0}
    return {"notifications_unread": SimpleLazyObject(lambda: unread_count(user=user))}
