"""Calendar and rule settings in words, bilingual: weekday names instead of digits, a
rule's start and expiry action as a person would say them (not ``transition:close_unrated``)."""

from __future__ import annotations

import datetime as dt
import re

from django.utils.translation import gettext as _

from .. import registry
from ..roles import Role

WEEKDAYS = ("周一 Mon", "周二 Tue", "周三 Wed", "周四 Thu", "周五 Fri", "周六 Sat", "周日 Sun")
_BILINGUAL = re.compile(r"^(?P<zh>[^A-Za-z]*?)\s+(?P<en>[A-Za-z].*)$", re.S)


def split_bilingual(text) -> tuple[str, str]:
    """``"中文 English"`` as ``("中文", "English")``; a text in one language is both."""
    text = str(text).strip()
    match = _BILINGUAL.match(text)
    return (match.group("zh"), match.group("en")) if match else (text, text)


def weekday_name(value) -> str:
    """A date, or an ISO weekday number (1 = Monday), as ``"周四 Thu"``."""
    if isinstance(value, dt.date):
        return WEEKDAYS[value.weekday()]
    if isinstance(value, str):
        try:
            return WEEKDAYS[dt.date.fromisoformat(value).weekday()]
        except ValueError:
            pass
    try:
        return WEEKDAYS[int(value) - 1]
    except (TypeError, ValueError, IndexError):
        return str(value)


def transition_label(name: str) -> str:
    """The label of a transition named ``name`` in any registered process, else the name."""
    for spec in registry.all_processes():
        if name in spec.transitions:
            return str(spec.transitions[name].label)
    return name


def starts_from_words(event: str) -> str:
    zh, en = split_bilingual(transition_label(event))
    return _("自「%(zh)s」起 from: %(en)s") % {"zh": zh, "en": en}


def on_expiry_words(on_expiry: str, escalate_to: str = "") -> str:
    """``flag`` / ``escalate`` / ``transition:<name>`` in words, bilingual."""
    if on_expiry.startswith("transition:"):
        zh, en = split_bilingual(transition_label(on_expiry.split(":", 1)[1]))
        return _("到期自动执行：%(zh)s on expiry: %(en)s") % {"zh": zh, "en": en}
    if on_expiry == "escalate":
        roles = {str(k): str(v) for k, v in Role.choices}
        zh, en = split_bilingual(roles.get(escalate_to, escalate_to or ""))
        return _("到期上报%(zh)s on expiry: escalated to %(en)s") % {"zh": zh, "en": en}
    if on_expiry == "flag":
        return _("到期标记逾期并通知 on expiry: flagged overdue, people notified")
    return on_expiry
