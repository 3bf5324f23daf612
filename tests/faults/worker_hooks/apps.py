"""Lets a fault test stop a worker after a task's transition has committed, before the task returns.

When ``UNIONFLOW_IT_PAUSE_AFTER_COMMIT_FILE`` names an existing file, the first system transition
performed in this worker removes the file once its transaction has committed, writes
``<file>.committed`` and sleeps, so the test can SIGKILL the worker with the change written but
the message not yet acknowledged. The restarted worker finds no file and does not pause.
"""

import os
import time
from pathlib import Path

from django.apps import AppConfig


class FaultWorkerHooksConfig(AppConfig):
    name = "tests.faults.worker_hooks"
    label = "faults_worker_hooks"

    def ready(self):
        path = os.environ.get("UNIONFLOW_IT_PAUSE_AFTER_COMMIT_FILE")
        if not path:
            return
        from django.db import transaction

        from workflow import services

        original = services.perform_transition

        def pause_after_commit():
            if os.path.exists(path):
                os.remove(path)
                Path(path + ".committed").write_text(str(os.getpid()))
                time.sleep(120)

        def perform_then_pause_after_commit(**kwargs):
            case = original(**kwargs)
            if kwargs.get("system"):
                transaction.on_commit(pause_after_commit)
            return case

        services.perform_transition = perform_then_pause_after_commit
