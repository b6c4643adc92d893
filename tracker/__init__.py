"""factcheck-tracker: the claims news articles make, their exact quotes, verdicts and evidence."""

from __future__ import annotations

import logging
import secrets
from collections.abc import Mapping
from typing import Any

from flask import Flask

from tracker.config import defaults, from_environment, normalise_database_url
from tracker.core.migrate import PROJECT_ROOT

log = logging.getLogger(__name__)


def create_app(overrides: Mapping[str, Any] | None = None) -> Flask:
    """Build the app: defaults, then the environment, then `overrides` (tests)."""
    app = Flask(
        __name__,
        template_folder=str(PROJECT_ROOT / "templates"),
        static_folder=str(PROJECT_ROOT / "static"),
    )
    app.config.update(defaults())
    app.config.update(from_environment())
    app.config.update(overrides or {})
    app.config["DATABASE_URL"] = normalise_database_url(app.config["DATABASE_URL"])
    if not app.config["SECRET_KEY"]:
        log.warning("SECRET_KEY is not set: using a random key; sessions end when the app stops.")
        app.config["SECRET_KEY"] = secrets.token_hex(32)
    # Werkzeug refuses bodies above this before we read them; leave room for form overhead.
    app.config["MAX_CONTENT_LENGTH"] = app.config["MAX_SOURCE_BYTES"] * 2 + 64 * 1024

    from tracker.core import api, auth, db, errors, security, templating
    from tracker.models import load_all_models

    load_all_models()
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
