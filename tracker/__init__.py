"""factcheck-tracker: the claims news articles make, their exact quotes, verdicts and evidence."""

from __future__ import annotations

import logging
import secrets
from collections.abc import Mapping
from typing import Any

from flask import Flask

from tracker.config import defaults, from_environment, normalise_database_url
from tracker.core.paths import STATIC_DIR, TEMPLATES_DIR

log = logging.getLogger(__name__)

MISSING_SECRET_KEY = (
    "SECRET_KEY is not set. Serving without it would give each worker process its own random "
    "key, so logins would fail between workers and end at every restart. Set SECRET_KEY in the "
    "environment, the same value for every worker and machine (for example "
    "`export SECRET_KEY=$(python3 -c 'import secrets; print(secrets.token_hex(32))')`), or use "
    "`make run`, which keeps one in instance/secret_key."
)


class MissingSecretKey(RuntimeError):
    """Raised by `require_secret_key` when the app would serve with a made-up key."""


def require_secret_key(app: Flask) -> None:
    """:raises MissingSecretKey: when SECRET_KEY came from neither the environment nor overrides."""
    if app.extensions.get("tracker.random_secret_key"):
        raise MissingSecretKey(MISSING_SECRET_KEY)


MISSING_PUBLIC_BASE_URL = (
    "PUBLIC_READING is on but PUBLIC_BASE_URL is not set. Public review pages and exports "
    "would take their links (canonical URL, ClaimReview url) from each request's Host header, "
    "which any client chooses. Set PUBLIC_BASE_URL to the address readers use, for example "
    "`export PUBLIC_BASE_URL=https://factcheck.example.org`."
)


class MissingPublicBaseUrl(RuntimeError):
    """Raised by `require_public_base_url` when public pages would link to the Host header."""


def require_public_base_url(app: Flask) -> None:
    """:raises MissingPublicBaseUrl: when PUBLIC_READING is on without PUBLIC_BASE_URL."""
    if app.config.get("PUBLIC_READING") and not app.config.get("PUBLIC_BASE_URL"):
        raise MissingPublicBaseUrl(MISSING_PUBLIC_BASE_URL)


def create_app(overrides: Mapping[str, Any] | None = None) -> Flask:
    """Build the app: defaults, then the environment, then `overrides` (tests)."""
    from tracker.core.unit_of_work import TrackerFlask

    app = TrackerFlask(
        __name__,
        template_folder=str(TEMPLATES_DIR),
        static_folder=str(STATIC_DIR),
    )
    app.config.update(defaults())
    app.config.update(from_environment())
    app.config.update(overrides or {})
    app.config["DATABASE_URL"] = normalise_database_url(app.config["DATABASE_URL"])
    if not app.config["SECRET_KEY"]:
        # Fine for CLI commands, which keep no sessions; `tracker serve` and tracker.wsgi refuse.
        app.config["SECRET_KEY"] = secrets.token_hex(32)
        app.extensions["tracker.random_secret_key"] = True
    # The remember cookie is sent only over https when https is forced (as the session's is).
    app.config.setdefault("REMEMBER_COOKIE_SECURE", bool(app.config["FORCE_HTTPS"]))
    # Werkzeug refuses bodies above this before we read them; leave room for form overhead.
    app.config["MAX_CONTENT_LENGTH"] = app.config["MAX_SOURCE_BYTES"] * 2 + 64 * 1024

    from tracker.core import (
        api,
        auth,
        db,
        errors,
        health,
        metrics,
        requestlog,
        security,
        serving,
        templating,
    )
    from tracker.models import load_all_models

    load_all_models()
    requestlog.init_app(app)  # first: its clock starts before every other hook
    serving.init_app(app)  # then: proxies, and a body over the limit refused before login
    db.init_app(app)
    auth.init_app(app)
    security.init_app(app)
    templating.init_app(app)
    errors.register_error_handlers(app)

    from tracker.accounts.views import bp as accounts_bp
    from tracker.audit.views import bp as audit_bp
    from tracker.claims.api import bp as claims_api_bp
    from tracker.claims.views import bp as claims_bp
    from tracker.core.openapi import bp as openapi_bp
    from tracker.entities.api import bp as entities_api_bp
    from tracker.entities.views import bp as entities_bp
    from tracker.exports.api import bp as exports_api_bp
    from tracker.exports.views import bp as exports_bp
    from tracker.questions.api import bp as questions_api_bp
    from tracker.questions.views import bp as questions_bp
    from tracker.sources.api import bp as sources_api_bp
    from tracker.sources.views import bp as sources_bp

    for blueprint in (
        health.bp,
        metrics.bp,
        accounts_bp,
        sources_bp,
        claims_bp,
        questions_bp,
        entities_bp,
        audit_bp,
        exports_bp,
    ):
        app.register_blueprint(blueprint)
    api.init_app(
        app,
        [
            sources_api_bp,
            claims_api_bp,
            questions_api_bp,
            entities_api_bp,
            exports_api_bp,
            openapi_bp,
        ],
    )

    from tracker.cli import register_commands

    register_commands(app)
    return app
