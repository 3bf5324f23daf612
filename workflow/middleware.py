"""Login requirement for the web UI (the API answers 401 on its own)."""

from django.conf import settings
from django.contrib.auth.views import redirect_to_login

OPEN_PREFIXES = ("/api/", "/accounts/login/", "/static/", "/i18n/", "/admin/login/", "/healthz")


class LoginRequiredExceptApiMiddleware:
    """Send anonymous browsers to the login page instead of viewflow's bare 403."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not request.user.is_authenticated and not request.path.startswith(OPEN_PREFIXES):
            return redirect_to_login(request.get_full_path(), settings.LOGIN_URL)
        return self.get_response(request)
