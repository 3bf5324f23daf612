"""``server_url``: Django's live test server, with a listen queue long enough for fifty connections at once."""

import pytest
from django.core.servers.basehttp import ThreadedWSGIServer
from django.test.testcases import LiveServerThread, _StaticFilesHandler


class BackloggedServer(ThreadedWSGIServer):
    request_queue_size = 128  # the default (10) resets connections beyond it before Django sees them


class ServerThread(LiveServerThread):
    server_class = BackloggedServer


@pytest.fixture
def server_url(transactional_db):
    thread = ServerThread("127.0.0.1", _StaticFilesHandler)
    thread.daemon = True
    thread.start()
    thread.is_ready.wait(timeout=30)
    if thread.error:
        raise thread.error
    yield f"http://127.0.0.1:{thread.port}"
    thread.terminate()
