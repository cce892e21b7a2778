"""gunicorn settings of the web server; gunicorn reads this file from the project folder.

    cd /srv/supervision && .venv/bin/gunicorn supervision.wsgi:app

The web server runs no jobs: reminders are sent by the scheduler, a process of its own
(``flask --app supervision scheduler``, deploy/supervision-scheduler.service). Put a reverse
proxy in front (see README.md, "Production serving"): it terminates TLS and buffers uploads and
slow clients, which a sync worker would otherwise wait for.

Environment: ``WEB_CONCURRENCY`` (workers), ``GUNICORN_BIND`` (addresses, comma-separated);
any other setting through ``GUNICORN_CMD_ARGS`` (e.g. ``--graceful-timeout 60``), which wins
over this file.
"""

import os
import subprocess
import sys
import threading

from gunicorn.workers.sync import SyncWorker

wsgi_app = "supervision.wsgi:app"
proc_name = "supervision-web"

#: Loopback only by default: the reverse proxy on the same machine forwards to it. A unix
#: socket works too: GUNICORN_BIND=unix:/run/supervision/web.sock
bind = [
    address.strip()
    for address in os.environ.get("GUNICORN_BIND", "127.0.0.1:8000").split(",")
    if address.strip()
]


def _cores() -> int:
    """The cores this process may run on (a container or systemd CPUAffinity may give fewer
    than the machine has)."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


#: 2 × cores + 1 (5 on two cores): a sync worker serves one request at a time and waits for
#: the database meanwhile, so there are more workers than cores. Each is a whole copy of the
#: application (about 120 MB once it has served pages), more while it runs an import (see
#: IMPORTS_XLSX_READER).
workers = int(os.environ.get("WEB_CONCURRENCY") or 2 * _cores() + 1)

#: Imports run in threads of the worker that received the upload
#: (``supervision/imports/service.py``, ``start``: threads named "import-<job>-<phase>").
IMPORT_THREAD_PREFIX = "import-"


def running_imports() -> list[threading.Thread]:
    """The import threads of this process that are still working."""
    return [
        thread
        for thread in threading.enumerate()
        if thread.name.startswith(IMPORT_THREAD_PREFIX) and thread.is_alive()
    ]


class ImportSafeSyncWorker(SyncWorker):
    """gunicorn's sync worker, which on a graceful stop lets its running imports finish.

    Import threads are daemon threads: a worker that simply exits (a stop, a reload after a
    deployment) would end them halfway: the transaction is rolled back and the job is only
    marked failed by the recovery (``supervision/imports/workers.py``), so the user must upload
    the file again. This worker
    stops accepting requests at once, keeps telling the master it is alive, and exits when its
    imports are done, or when the master loses patience (``graceful_timeout`` on a stop).
    """

    def run(self) -> None:
        super().run()
        self.finish_imports()

    def finish_imports(self) -> None:
        pending = running_imports()
        if not pending:
            return
        # New connections go to the other workers (after a reload, to the new ones).
        for listener in self.sockets:
            listener.close()
        self.log.info("Worker waits for %d running import(s) before exiting", len(pending))
        # The master kills a worker that stays silent for `timeout` (self.timeout is half).
        interval = min(5.0, self.timeout) or 5.0
        for thread in pending:
            while thread.is_alive():
                self.notify()
                thread.join(interval)
        self.log.info("Imports finished, worker exiting")


#: Sync workers: on two cores they measured steadier than threaded ones, and one request per
#: process means a slow export or a crash affects one request only.
worker_class = ImportSafeSyncWorker

#: Seconds a worker may stay silent before the master kills it. A sync worker reports between
#: requests (and every timeout / 2 when idle), so this bounds the longest request: downloads
#: built while the user waits (the national Annex workbook of 50 000 tasks, the verification
#: tables) and uploads. It is also how long an import thread may hold the interpreter lock
#: and so delay those reports: python-calamine does while it turns a sheet into Python values
#: (1.5-2.2 s for 200 000 rows measured on a busy machine; about 20 s extrapolated to a file
#: at the 50 MB upload limit).
#: A killed worker takes its imports with it, hence far more than the 30 s default.
timeout = 300

#: On a stop (systemctl stop/restart) the master waits this long for its workers: for the
#: request in progress, and for imports (ImportSafeSyncWorker), which take minutes for a
#: million rows; then it kills them. TimeoutStopSec= of the unit is longer. A reload
#: (systemctl reload: SIGHUP) starts new workers at once and lets the old ones finish.
graceful_timeout = 600

#: Never recycle workers after N requests: a recycled worker would end the imports running in
#: it (or, with ImportSafeSyncWorker, serve nothing while one finishes). Nothing here leaks.
max_requests = 0

#: Each worker imports the application itself (not the master before forking):
#: - SIGHUP (systemctl reload) then loads the new code, so a deployment needs no restart and
#:   running imports are not cut short;
#: - no database connection or thread is ever created before the fork and shared by
#:   workers; import threads are started by requests, hence only in workers;
#: - the factory starts no scheduler either way: jobs run in the scheduler process, once, not
#:   once per worker.
#: Preloading would save little memory (reference counts write to the shared pages anyway).
preload_app = False


def on_starting(server) -> None:
    """Before any worker starts, check once that the application loads and its database
    answers: one clear line (supervision/wsgi.py's) and gunicorn's "application failed to load"
    exit code, instead of every worker failing in turn (and gunicorn's own traceback when two
    fail at once). In a child process, so that the master imports none of the application and
    a reload (SIGHUP) still loads new code."""
    module = (getattr(server.app, "app_uri", None) or wsgi_app).partition(":")[0]
    check = subprocess.run([sys.executable, "-c", f"import {module}"], check=False)  # noqa: S603
    if check.returncode != 0:
        raise SystemExit(check.returncode if check.returncode > 0 else 1)


#: The runtime control socket (gunicornc) is not used: systemctl sends the signals.
control_socket_disable = True

# Logs to standard output/error, i.e. the journal under systemd. The client address (%(h)s) is
# the real one when SUPERVISION_PROXY_COUNT is set (supervision/wsgi.py); %(M)s is the time
# taken in milliseconds.
accesslog = "-"
errorlog = "-"
loglevel = "info"
access_log_format = '%(h)s %(t)s "%(r)s" %(s)s %(b)s %(M)sms "%(f)s" "%(a)s"'
