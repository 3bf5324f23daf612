"""Loaded only into the Celery worker started by test_celery_worker.py (via UNIONFLOW_EXTRA_APPS)."""
