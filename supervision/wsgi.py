"""The WSGI entry point of production servers: ``gunicorn supervision.wsgi:app``.

Run from the project folder (it holds ``config.py`` and ``instance/``). Behind a reverse proxy
set ``SUPERVISION_PROXY_COUNT`` to the number of proxies in front (usually 1): the client's
address then comes from their ``X-Forwarded-For``, so login throttling per address and the
audit trail see the real client instead of the proxy. Left at 0, forwarded headers are not
trusted (a client could write any address into them).

A database that cannot be reached stops the start with one message, and with gunicorn's exit
code for "the application failed to load", so that gunicorn halts instead of booting workers
again and again.
"""

from __future__ import annotations

import sys

from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix

from . import create_app
from .cli import database_problem

#: gunicorn halts (instead of booting the worker again) when a worker exits with this code.
APP_LOAD_ERROR = 4


def trust_proxies(app: Flask) -> Flask:
    """Wrap ``app`` so that it believes the ``PROXY_COUNT`` proxies in front of it."""
    proxies = int(app.config.get("PROXY_COUNT") or 0)
    if proxies > 0:
        # The Host header is the proxy's to pass on (nginx: ``proxy_set_header Host $host``);
        # an X-Forwarded-Host would be whatever the client wrote.
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=proxies, x_proto=proxies)
    return app


def checked(app: Flask) -> Flask:
    """``app``, once its database answers; otherwise exit with the reason. (A database without
    the schema is left to ``flask init``, which the web unit runs before gunicorn.)"""
    with app.app_context():
        problem = database_problem(initialised=False)
    if problem is not None:
        print(problem, file=sys.stderr, flush=True)
        raise SystemExit(APP_LOAD_ERROR)
    return app


app = trust_proxies(checked(create_app()))
