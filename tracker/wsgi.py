"""The WSGI application for gunicorn and other servers: ``gunicorn tracker.wsgi:app``.

Importing this module builds the app from the environment; it refuses without SECRET_KEY,
since every worker would make up a key of its own, and with PUBLIC_READING on but no
PUBLIC_BASE_URL (public pages would link to whatever Host a client sends).
"""

from __future__ import annotations

from tracker import create_app, require_public_base_url, require_secret_key
from tracker.core.requestlog import configure_logging

configure_logging()
app = create_app()
require_secret_key(app)
require_public_base_url(app)
