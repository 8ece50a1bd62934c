"""The OpenAPI schema and its Swagger UI page: open while developing, for signed-in users in
production (DEBUG=0), where the schema would otherwise map the whole API for anyone. The
schema's check is `permissions.SignedInOutsideDebug` (SPECTACULAR_SETTINGS)."""

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from drf_spectacular.views import SpectacularJSONAPIView, SpectacularSwaggerSplitView

schema = SpectacularJSONAPIView.as_view()
# The split view serves its start-up script as a file of its own (`?script`), not inline:
# the Content-Security-Policy allows no inline script.
_swagger = SpectacularSwaggerSplitView.as_view(url_name="api:schema")


def swagger(request, *args, **kwargs):
    """A person who is not signed in goes to the login page and comes back, as on any page."""
    if not settings.DEBUG and not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    return _swagger(request, *args, **kwargs)
