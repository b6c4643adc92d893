"""HTTP security headers (Flask-Talisman) and login rate limits (Flask-Limiter)."""

from __future__ import annotations

from flask import Flask, Response, request
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_talisman import Talisman

#: Failed logins allowed per address and user name, and per address whatever the name.
FAILED_LOGINS_PER_ACCOUNT = "10 per minute; 50 per hour"
FAILED_LOGINS_PER_ADDRESS = "30 per minute"

limiter = Limiter(get_remote_address, storage_uri="memory://")


def _address_and_username() -> str:
    return f"{get_remote_address()}|{request.form.get('username', '').strip().lower()}"


def _failed(response: Response) -> bool:
    return response.status_code == 401


def limit_failed_logins(view):  # type: ignore[no-untyped-def]
    """Count only failed attempts, so people who log in often are never locked out."""
    view = limiter.limit(
        FAILED_LOGINS_PER_ACCOUNT,
        key_func=_address_and_username,
        methods=["POST"],
        deduct_when=_failed,
        scope="login-account",
    )(view)
    return limiter.limit(
        FAILED_LOGINS_PER_ADDRESS, methods=["POST"], deduct_when=_failed, scope="login-address"
    )(view)


CSP = {
    "default-src": "'self'",
    "script-src": "'self'",
    "style-src": "'self'",
    "img-src": "'self' data:",
    "object-src": "'none'",
    "base-uri": "'none'",
    "form-action": "'self'",
    "frame-ancestors": "'none'",
}


def init_app(app: Flask) -> None:
    limiter.init_app(app)
    Talisman(
        app,
        force_https=app.config["FORCE_HTTPS"],
        strict_transport_security=app.config["FORCE_HTTPS"],
        session_cookie_secure=app.config.get("SESSION_COOKIE_SECURE", False),
        content_security_policy=CSP,
        frame_options="DENY",
        referrer_policy="strict-origin-when-cross-origin",
    )
