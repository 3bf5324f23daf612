"""What a locked-out login is told: repeated wrong passwords lock out the username from that address.

django-axes counts failed logins per username and client address (the login page and the
API token endpoint alike) and, at ``AXES_FAILURE_LIMIT`` failures, refuses that pair —
even with the right password — until ``AXES_COOLOFF_TIME`` has passed. Other users, and the
same user from another address, are not affected, so a guesser cannot lock everyone out.
The API answers in its own error shape; the login page with a page of the product.
"""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _

STATUS = 429
LOCKED_OUT = _(
    "登录失败次数过多，此用户名在本机的登录已暂停 %(minutes)d 分钟 "
    "Too many failed logins: logging in with this username from here is paused for %(minutes)d minutes."
)


def _cooloff_minutes() -> int:
    return max(1, int(settings.AXES_COOLOFF_TIME.total_seconds() // 60))


def lockout_response(request: HttpRequest, original_response=None, credentials: dict | None = None) -> HttpResponse:
    """``AXES_LOCKOUT_CALLABLE``: 429 with ``Retry-After``; JSON under ``/api/``, the lockout page elsewhere."""
    minutes = _cooloff_minutes()
    message = str(LOCKED_OUT) % {"minutes": minutes}
    if request.path.startswith("/api/"):
        response = JsonResponse({"code": "locked_out", "detail": message}, status=STATUS)
    else:
        response = render(request, "registration/locked_out.html", {"message": message}, status=STATUS)
    response["Retry-After"] = str(minutes * 60)
    return response
