"""A real HTTP server on 127.0.0.1 serving the test app, for tests that go over the wire.

Werkzeug's threaded server in a thread of the test process: requests reach the app through a
socket, as from any client, while the test keeps the app's configuration, its database and
its in-memory login-throttling store (one process, as with one gunicorn worker).
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager

from werkzeug.serving import WSGIRequestHandler, make_server

from supervision.extensions import db


class QuietHandler(WSGIRequestHandler):
    """No access-log line per request (errors are still logged)."""

    def log_request(self, code="-", size="-") -> None:
        pass


@contextmanager
def serving(app) -> Iterator[str]:
    """Serve ``app`` on a free port of 127.0.0.1; yields its base URL ("http://127.0.0.1:N")."""
    # The test's own transaction must not hold SQLite's lock while the server writes.
    db.session.commit()
    server = make_server("127.0.0.1", 0, app, threaded=True, request_handler=QuietHandler)
    thread = threading.Thread(target=server.serve_forever, name="live-server", daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        thread.join(timeout=30)
        server.server_close()
        db.session.expire_all()  # re-read what the server's requests changed
