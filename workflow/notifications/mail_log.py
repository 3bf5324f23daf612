"""The e-mail backend of the embedded default: one INFO log line per message.

Django's console backend prints every whole message to stdout, which the Celery worker logs
at WARNING, a dozen lines each; a few minutes of use fill the log. Here nothing is sent:
the line says to whom and what, enough to follow the notifications. Set ``EMAIL_BACKEND``
to a real backend (SMTP) to send.
"""

from __future__ import annotations

import logging

from django.core.mail.backends.base import BaseEmailBackend

log = logging.getLogger("unionflow.email")


class LoggingEmailBackend(BaseEmailBackend):
    """Logs ``e-mail to <recipients>: <subject>`` at INFO for each message; sends nothing."""

    def send_messages(self, email_messages) -> int:
        for message in email_messages:
            log.info("e-mail to %s: %s", ", ".join(message.recipients()), message.subject)
        return len(email_messages)
