"""The Celery application; configuration comes from Django settings (``CELERY_*``).

Exactly one beat runs at a time (``single_beat``): a beat takes its lock as it starts, and a
worker asked to embed one (``-B``) refuses to start while another beat runs.
"""

import os

from billiard.process import current_process
from celery import Celery
from celery.signals import beat_init, celeryd_init

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

app = Celery("unionflow")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@celeryd_init.connect
def refuse_embedded_beat_beside_another(sender=None, options=None, **kwargs):
    if options and options.get("beat"):
        from . import single_beat

        single_beat.check_free_or_exit()


@beat_init.connect
def hold_single_beat_lock(sender=None, **kwargs):
    from . import single_beat

    # Celery names the child process of an embedded beat (``worker -B``) "Beat".
    single_beat.hold_or_exit(embedded=current_process().name == "Beat")
