"""Lets the worker test stop a sweep between acting and committing.

When ``UNIONFLOW_IT_PAUSE_FILE`` names an existing file, the first system transition
performed in this worker removes the file, writes ``<file>.paused`` and sleeps inside
the sweep's open transaction, so the test can SIGKILL the worker mid-task. The file is
removed before sleeping: the restarted worker does not pause again.
"""

import os
import time
from pathlib import Path

from django.apps import AppConfig


class WorkerHooksConfig(AppConfig):
    name = "tests.integration.worker_hooks"
    label = "it_worker_hooks"

    def ready(self):
        path = os.environ.get("UNIONFLOW_IT_PAUSE_FILE")
        if not path:
            return
        from workflow import services

        original = services.perform_transition

        def perform_then_pause(**kwargs):
            case = original(**kwargs)
            if kwargs.get("system") and os.path.exists(path):
                os.remove(path)
                Path(path + ".paused").write_text(str(os.getpid()))
                time.sleep(120)
            return case

        services.perform_transition = perform_then_pause
