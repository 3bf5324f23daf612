"""Login requirement for the web UI (the API answers 401 on its own); JSON errors under ``/api/``;
a busy database answered 503 "try again"."""

import json
import logging

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.http import JsonResponse, QueryDict
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _

from .db_busy import RETRY_AFTER_SECONDS, busy_body, is_database_busy

logger = logging.getLogger(__name__)

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
        names = self._nul_fields(request) if request.path.startswith("/api/") else []
        if names:
            detail = str(NUL_REFUSED)
            return JsonResponse(
                {"code": "invalid", "detail": detail, "fields": {name: [detail] for name in names}}, status=400
            )
        return self.get_response(request)

    def _nul_fields(self, request) -> list[str]:
        """The query parameters and body fields holding a NUL (the body as a whole when unparsable)."""
        names = [key for key, values in QueryDict(request.META.get("QUERY_STRING", "")).lists() if _has_nul([key, values])]
        if request.content_type in self.TEXT_TYPES:
            body = request.body
            if b"\x00" in body or b"\\u0000" in body or b"%00" in body:
                names += _body_fields_with_nul(body, request.content_type) or ["non_field_errors"]
        return sorted(set(names))


NUL_REFUSED = _("输入不能包含空字符 Input must not contain NUL characters.")


def _has_nul(value) -> bool:
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, dict):
        return any(_has_nul(k) or _has_nul(v) for k, v in value.items())
    if isinstance(value, (list, tuple)):
        return any(_has_nul(v) for v in value)
    return False


def _body_fields_with_nul(body: bytes, content_type: str) -> list[str]:
    text = body.decode("utf-8", "replace")
    if content_type == "application/json":
        try:
            data = json.loads(text)
        except ValueError:
            return []
        items = data.items() if isinstance(data, dict) else []
    else:
        items = QueryDict(text).lists()
    return [key.replace("\x00", "") or "non_field_errors" for key, value in items if _has_nul([key, value])]


API_NOT_FOUND = _("未找到 Not found.")
API_BAD_REQUEST = _("请求有误 Bad request.")
API_FORBIDDEN = _("无权操作 Forbidden.")
API_TOO_LARGE = _("请求体过大（上限 %(limit)s 字节） The request body exceeds the limit of %(limit)s bytes.")
#: Error statuses that pages answer with HTML and the API must answer in its JSON shape.
_API_ERRORS = {400: ("invalid", API_BAD_REQUEST), 403: ("forbidden", API_FORBIDDEN), 404: ("not_found", API_NOT_FOUND)}
#: Room for a multipart upload's form fields and boundaries beside the file itself.
_MULTIPART_OVERHEAD = 1024 * 1024


def api_body_limit(request) -> int | None:
    """The largest body the API accepts for this request, in bytes (None: no limit).

    A file upload may carry a document up to ``DOCUMENT_MAX_BYTES``; any other body is
    bounded by ``DATA_UPLOAD_MAX_MEMORY_SIZE``, the limit Django enforces when it is read.
    """
    from .documents.services import max_bytes

    limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
    if request.content_type == "multipart/form-data":
        return max(limit or 0, max_bytes()) + _MULTIPART_OVERHEAD
    return limit


class JsonErrorsUnderApiMiddleware:
    """Under ``/api/`` every error is JSON in the API's shape (``code``, ``detail``).

    - A body over the limit is refused with 413 before anything reads it (pages keep
      Django's own handling).
    - A 400, 403 or 404 that Django itself produced as HTML (an unknown route, a request it
      found suspicious) is answered as JSON with the same status; DRF's answers are JSON
      already and pass unchanged.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not request.path.startswith("/api/"):
            return self.get_response(request)
        length, limit = _content_length(request), api_body_limit(request)
        if length is None:
            return JsonResponse({"code": "invalid", "detail": str(API_BAD_REQUEST)}, status=400)
        if limit is not None and length > limit:
            return JsonResponse({"code": "too_large", "detail": str(API_TOO_LARGE) % {"limit": limit}}, status=413)
        response = self.get_response(request)
        known = _API_ERRORS.get(response.status_code)
        if known and not response.get("Content-Type", "").startswith("application/json"):
            code, detail = known
            return JsonResponse({"code": code, "detail": str(detail)}, status=response.status_code)
        return response


def _content_length(request) -> int | None:
    """The declared body length; None when the header is not a number (Django would fail on it)."""
    raw = request.META.get("CONTENT_LENGTH") or "0"
    return int(raw) if raw.isascii() and raw.isdigit() else None


class DatabaseBusyMiddleware:
    """A database still busy after its timeout answers 503 and "try again", never a 500.

    The API's own views answer through ``workflow.api.errors``; this covers the pages (and any
    API path outside DRF) with the same test, :func:`workflow.db_busy.is_database_busy`. The
    view's transaction has rolled back when the exception reaches here, so nothing was written.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not is_database_busy(exception):
            return None
        logger.warning("Database busy on %s, asked the client to retry: %s", request.path, exception)
        if request.path.startswith("/api/"):
            response = JsonResponse(busy_body(), status=503)
        else:
            response = render(request, "unionflow/busy.html", status=503)
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
        return response
