"""JSON errors with a stable ``code`` and a human ``detail``; no input ever causes a 500."""

import logging

from django.core.exceptions import PermissionDenied, RequestDataTooBig, SuspiciousOperation
from django.db import DataError
from django.http import Http404
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from ..db_busy import RETRY_AFTER_SECONDS, busy_body, is_database_busy
from ..errors import ServiceError

logger = logging.getLogger(__name__)


def busy_response(exc) -> Response | None:
    """503 with ``Retry-After`` when the database was too busy; its transaction rolled back."""
    if not is_database_busy(exc):
        return None
    logger.warning("Database busy, asked the client to retry: %s", exc)
    return Response(busy_body(), status=503, headers={"Retry-After": str(RETRY_AFTER_SECONDS)})


def exception_handler(exc, context):
    busy = busy_response(exc)
    if busy is not None:
        return busy
    if isinstance(exc, ServiceError):
        return Response(exc.as_dict(), status=exc.status)
    if isinstance(exc, Http404):
        return Response({"code": "not_found", "detail": "未找到 Not found."}, status=404)
    if isinstance(exc, DataError):
        # Values the database cannot hold (out of range, NUL…); the transaction rolled back.
        logger.warning("Input rejected by the database: %s", exc)
        return Response({"code": "invalid", "detail": "输入有误 Invalid input."}, status=400)
    if isinstance(exc, RequestDataTooBig):
        # Form fields of an upload over DATA_UPLOAD_MAX_MEMORY_SIZE (a plain body is refused earlier).
        return Response({"code": "too_large", "detail": "请求体过大 The request body is too large."}, status=413)
    if isinstance(exc, SuspiciousOperation):
        # Too many fields, a malformed multipart body: the client's fault, not a server error.
        logger.warning("Suspicious API request refused: %s", exc)
        return Response({"code": "invalid", "detail": "请求有误 Bad request."}, status=400)
    if isinstance(exc, PermissionDenied):
        return Response({"code": "forbidden", "detail": "无权操作 Forbidden."}, status=403)
    response = drf_exception_handler(exc, context)
    if response is None:
        logger.exception("Unhandled API error", exc_info=exc)
        return Response({"code": "server_error", "detail": "服务器错误 Server error."}, status=500)
    if isinstance(exc, exceptions.NotAuthenticated) or isinstance(exc, exceptions.AuthenticationFailed):
        response.status_code = status.HTTP_401_UNAUTHORIZED
        response.data = {"code": "unauthenticated", "detail": str(exc.detail)}
    elif isinstance(exc, exceptions.ValidationError):
        response.data = {"code": "invalid", "detail": "输入有误 Invalid input.", "fields": response.data}
    else:
        detail = getattr(exc, "detail", "")
        code = getattr(exc, "default_code", "error")
        response.data = {"code": code, "detail": str(detail)}
    return response
