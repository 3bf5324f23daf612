"""Test settings: the project's settings plus a throwaway example process (not shipped)."""

import os

from config.settings import *  # noqa: F401,F403
from config.settings import INSTALLED_APPS, env_bool

INSTALLED_APPS = [*INSTALLED_APPS, "tests.example_process"]
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
# Eager unless a real worker runs these settings (tests/integration/test_celery_worker.py sets 0).
CELERY_TASK_ALWAYS_EAGER = env_bool("CELERY_TASK_ALWAYS_EAGER", True)
if os.environ.get("CELERY_VISIBILITY_TIMEOUT"):
    # A worker killed mid-task: its unacknowledged message is redelivered after this many seconds.
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "visibility_timeout": int(os.environ["CELERY_VISIBILITY_TIMEOUT"]),
        "unacked_restore_interval": 1,
        "unacked_restore_throttle": 1,
    }
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
