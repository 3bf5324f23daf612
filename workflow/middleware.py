"""Login requirement for the web UI (the API answers 401 on its own)."""

from urllib.parse import unquote

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.http import JsonResponse

OPEN_PREFIXES = ("/api/", "/accounts/login/", "/static/", "/i18n/", "/admin/login/", "/healthz")


class LoginRequiredExceptApiMiddleware:
    """Send anonymous browsers to the login page instead of viewflow's bare 403."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not request.user.is_authenticated and not request.path.startswith(OPEN_PREFIXES):
            return redirect_to_login(request.get_full_path(), settings.LOGIN_URL)
        return self.get_response(request)


class RejectNulInApiMiddleware:
    """Refuse NUL characters in API query strings and JSON/form bodies with a 400.

    PostgreSQL cannot store them, and the driver raises before the query runs; catching
    them here keeps "no input ever causes a 500" true for every endpoint at once. File
    uploads (multipart) are left alone: binary content legitimately holds NUL bytes.
    """

    TEXT_TYPES = ("application/json", "application/x-www-form-urlencoded")

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path.startswith("/api/") and self._has_nul(request):
            return JsonResponse(
                {"code": "invalid", "detail": "输入不能包含空字符 Input must not contain NUL characters."}, status=400
            )
        return self.get_response(request)

    def _has_nul(self, request) -> bool:
        if "\x00" in unquote(request.META.get("QUERY_STRING", "")):
            return True
        if request.content_type in self.TEXT_TYPES:
            body = request.body
            return b"\x00" in body or b"\\u0000" in body or b"%00" in body
        return False
