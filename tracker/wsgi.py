"""The WSGI application for gunicorn and other servers: ``gunicorn tracker.wsgi:app``.

Importing this module builds the app from the environment; it refuses without SECRET_KEY,
since every worker would make up a key of its own.
"""

from __future__ import annotations

from tracker import create_app, require_secret_key
from tracker.core.requestlog import configure_logging

configure_logging()
app = create_app()
require_secret_key(app)
