"""Settings: defaults, then the environment, then explicit overrides (see create_app)."""

from __future__ import annotations

import os
import re
from datetime import timedelta
from pathlib import Path
from typing import Any

#: Where the embedded SQLite database and other per-instance files live.
INSTANCE_DIR = Path(os.environ.get("TRACKER_INSTANCE_DIR", Path.cwd() / "instance"))


def defaults() -> dict[str, Any]:
    return {
        "DATABASE_URL": f"sqlite:///{INSTANCE_DIR / 'tracker.db'}",
        "SECRET_KEY": None,
        # Largest article accepted, in bytes of UTF-8.
        "MAX_SOURCE_BYTES": 2 * 1024 * 1024,
        "PAGE_SIZE": 50,
        "API_MAX_PAGE_SIZE": 500,
        # Dispute cards a page of /disputes shows (each has two claims and a decision form).
        "DISPUTES_PER_PAGE": 20,
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        # "Keep me logged in": the remember cookie (Flask-Login) and every login's server-side
        # lifetime (user_sessions.expires_at). REMEMBER_COOKIE_SECURE follows FORCE_HTTPS.
        "REMEMBER_COOKIE_DURATION": timedelta(days=30),
        "REMEMBER_COOKIE_HTTPONLY": True,
        "REMEMBER_COOKIE_SAMESITE": "Lax",
        "WTF_CSRF_TIME_LIMIT": None,
        "FORCE_HTTPS": False,
        # Reverse proxies in front of the app whose X-Forwarded-For/-Proto/-Host/-Port are
        # believed (werkzeug's ProxyFix); 0: such headers are dropped, whoever sends them.
        "TRUSTED_PROXIES": 0,
        "SQL_ECHO": False,
        # Seconds a SQLite write waits for the write lock before the request answers 503.
        "SQLITE_BUSY_TIMEOUT": 5.0,
        # Prometheus metrics at /metrics: off unless asked for; then only for loopback
        # clients, or for anyone sending `Authorization: Bearer <METRICS_TOKEN>` when it is set.
        "METRICS_ENABLED": False,
        "METRICS_TOKEN": None,
        # Who publishes the reviews (ClaimReview `author`) and where this instance is reached
        # from outside (absolute links in exports; default: the URL of the request).
        "REVIEW_ORG_NAME": "factcheck-tracker",
        "REVIEW_ORG_URL": None,
        "PUBLIC_BASE_URL": None,
        # Let anyone read the public page of a claim with a verdict, without logging in.
        "PUBLIC_READING": False,
    }


def from_environment() -> dict[str, Any]:
    """Read the settings an operator may set in the environment."""
    env: dict[str, Any] = {}
    if url := os.environ.get("DATABASE_URL"):
        env["DATABASE_URL"] = url
    if key := os.environ.get("SECRET_KEY"):
        env["SECRET_KEY"] = key
    if size := os.environ.get("MAX_SOURCE_BYTES"):
        env["MAX_SOURCE_BYTES"] = int(size)
    if proxies := os.environ.get("TRUSTED_PROXIES"):
        if not re.fullmatch("[0-9]{1,2}", proxies.strip()):
            raise ValueError(
                f"TRUSTED_PROXIES is a number of proxies (0, 1, 2...), not {proxies!r}"
            )
        env["TRUSTED_PROXIES"] = int(proxies)
    if days := os.environ.get("REMEMBER_COOKIE_DAYS"):
        env["REMEMBER_COOKIE_DURATION"] = timedelta(days=float(days))
    if timeout := os.environ.get("SQLITE_BUSY_TIMEOUT"):
        env["SQLITE_BUSY_TIMEOUT"] = float(timeout)
    if token := os.environ.get("METRICS_TOKEN"):
        env["METRICS_TOKEN"] = token
    for name in ("REVIEW_ORG_NAME", "REVIEW_ORG_URL", "PUBLIC_BASE_URL"):
        if value := os.environ.get(name):
            env[name] = value
    if os.environ.get("PUBLIC_READING", "").lower() in {"1", "true", "yes"}:
        env["PUBLIC_READING"] = True
    if os.environ.get("METRICS_ENABLED", "").lower() in {"1", "true", "yes"}:
        env["METRICS_ENABLED"] = True
    if os.environ.get("FORCE_HTTPS", "").lower() in {"1", "true", "yes"}:
        env["FORCE_HTTPS"] = True
        env["SESSION_COOKIE_SECURE"] = True
        env["REMEMBER_COOKIE_SECURE"] = True
    return env


def normalise_database_url(url: str) -> str:
    """Let operators write the usual postgres:// URLs; we drive PostgreSQL with psycopg 3."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url
