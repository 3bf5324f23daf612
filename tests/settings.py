"""Test settings: the project's settings plus a throwaway example process (not shipped)."""

import os

# A PostgreSQL run sets DATABASE_URL, which the project treats as production (a key is required).
os.environ.setdefault("SECRET_KEY", "tests-only-not-a-secret-" + "x" * 40)
# ...and would redirect the test client to HTTPS.
os.environ.setdefault("SECURE", "0")

from config.settings import *  # noqa: E402,F401,F403
from config.settings import INSTALLED_APPS, REST_FRAMEWORK, STORAGES, env_bool  # noqa: E402

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
# Templates resolve {% static %} without a collected manifest, on either database.
STORAGES = {**STORAGES, "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}
WHITENOISE_USE_FINDERS = True
# Login lockout and API rates are off for the suite (it logs in and calls the API far more often
# than a person); tests/config/test_login_throttling.py switches both on with the real values.
AXES_ENABLED = False
REST_FRAMEWORK = {
    **REST_FRAMEWORK,
    "DEFAULT_THROTTLE_RATES": {scope: "100000/min" for scope in REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]},
}
