"""Errors the service raises; each maps to one HTTP status and a stable ``code``."""

from __future__ import annotations


class ServiceError(Exception):
    status = 400
    code = "error"

    def __init__(self, detail: str = "", *, code: str | None = None, fields: dict | None = None, rule: str = ""):
        super().__init__(detail)
        self.detail = str(detail)
        if code:
            self.code = code
        self.fields = fields or {}
        self.rule = rule

    def summary(self) -> str:
        """Every field's message in one line, or the detail when no field is named (for a page)."""
        messages = [str(m) for values in self.fields.values() for m in (values if isinstance(values, list) else [values])]
        return "; ".join(messages) or self.detail

    def as_dict(self) -> dict:
        body = {"code": self.code, "detail": self.detail}
        if self.fields:
            body["fields"] = self.fields
        if self.rule:
            body["rule"] = self.rule
        return body


class NotVisible(ServiceError):
    """The case is outside the caller's scope; reported as 404 so its existence does not leak."""

    status = 404
    code = "not_found"


class ActionForbidden(ServiceError):
    status = 403
    code = "forbidden"


class InvalidInput(ServiceError):
    status = 400
    code = "invalid"


class TransitionNotAllowed(ServiceError):
    status = 409
    code = "transition_not_allowed"


class GuardFailed(ServiceError):
    status = 409
    code = "guard_failed"


class StaleVersion(ServiceError):
    status = 409
    code = "stale_version"
