"""gunicorn settings for factcheck-tracker: `gunicorn` run in this folder reads them.

SECRET_KEY and DATABASE_URL come from the environment, the same for every worker. Use
PostgreSQL for several workers on several machines; SQLite serves one machine (see README).
"""

import os

wsgi_app = "tracker.wsgi:app"
bind = f"{os.environ.get('HOST', '127.0.0.1')}:{os.environ.get('PORT', '5000')}"
workers = int(os.environ.get("WEB_CONCURRENCY", "2"))
threads = int(os.environ.get("GUNICORN_THREADS", "4"))
# The app writes one JSON line per request itself (tracker.core.requestlog).
accesslog = None
errorlog = "-"
timeout = 60


def child_exit(server, worker):  # noqa: ARG001 - gunicorn's hook signature
    """With PROMETHEUS_MULTIPROC_DIR set, drop a dead worker's live gauges from /metrics."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        multiprocess.mark_process_dead(worker.pid)
