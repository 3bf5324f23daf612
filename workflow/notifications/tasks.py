"""Celery tasks of notifications, for the worker's autodiscovery (it imports each app's ``tasks``).

Each task is defined beside the code that enqueues it: e-mail delivery in :mod:`.delivery`, the
new-work announcement in :mod:`.announce`, the
notices sent after a transition in :mod:`.deferred` (the engine's declared in :mod:`.events`).
"""

from . import events  # noqa: F401 - declares the engine's deferred notices
from .announce import announce_work_items  # noqa: F401
from .deferred import send_notice  # noqa: F401
from .delivery import EmailNotSent, send_notification_emails  # noqa: F401
