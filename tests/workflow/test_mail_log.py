"""The embedded default's e-mail backend logs one INFO line per message, not the message."""

import logging

from django.core import mail
from django.test import override_settings


@override_settings(EMAIL_BACKEND="workflow.notifications.mail_log.LoggingEmailBackend")
def test_one_info_line_per_message(caplog):
    body = "\n".join(f"line {n}" for n in range(40))
    with caplog.at_level(logging.INFO, logger="unionflow.email"):
        sent = mail.get_connection().send_messages(
            [mail.EmailMessage("Case P-1 awaits you", body, to=["a@example.org", "b@example.org"])]
        )
    assert sent == 1
    assert [(r.levelno, r.getMessage()) for r in caplog.records] == [
        (logging.INFO, "e-mail to a@example.org, b@example.org: Case P-1 awaits you")
    ]

