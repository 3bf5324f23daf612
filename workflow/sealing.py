"""Sealed input: what a transition keeps out of the audit trail.

Some input is confidential (a mediation session's minutes, 调解不公开) or secret (a password
re-entered to sign). The transition declares those input fields ``sealed``
(:class:`workflow.registry.TransitionSpec`); the audit event then records that the field
was given — ``"[sealed]"`` in its place and the names under ``"sealed"`` — never its content.
The process keeps the content in its own rows, readable only by those it names.
"""

from __future__ import annotations

SEALED = "[sealed]"


def sealed_input(spec, data: dict) -> tuple[dict, list[str]]:
    """``data`` with each of ``spec.sealed`` that is present replaced by :data:`SEALED`, and those names."""
    fields = tuple(getattr(spec, "sealed", ()) or ())
    if not fields:
        return data, []
    hidden = [name for name in fields if name in data]
    return {k: (SEALED if k in hidden else v) for k, v in data.items()}, hidden
