"""What serving needs around the app: believing only trusted reverse proxies' X-Forwarded-*
headers, refusing a body over the limit before anything reads it, and waitress' options."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from flask import Flask, abort, current_app, request
from werkzeug.middleware.proxy_fix import ProxyFix

#: The headers a proxy uses to say what the client asked for (WSGI environ names).
FORWARDED_HEADERS = (
    "HTTP_FORWARDED",
    "HTTP_X_FORWARDED_FOR",
    "HTTP_X_FORWARDED_PROTO",
    "HTTP_X_FORWARDED_HOST",
    "HTTP_X_FORWARDED_PORT",
    "HTTP_X_FORWARDED_PREFIX",
)


class DropForwardedHeaders:
    """No proxy is trusted: nobody's X-Forwarded-* is believed, by us or by Flask-Talisman
    (which would otherwise take X-Forwarded-Proto from anyone as proof of https)."""

    def __init__(self, app: Any) -> None:
        self.app = app

    def __call__(self, environ: dict[str, Any], start_response: Any) -> Iterable[bytes]:
        for name in FORWARDED_HEADERS:
            environ.pop(name, None)
        return self.app(environ, start_response)


def trusted_proxies(app: Flask) -> int:
    value = app.config["TRUSTED_PROXIES"]
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise ValueError(f"TRUSTED_PROXIES is a number of proxies (0, 1, 2...), not {value!r}")
    return value


def init_app(app: Flask) -> None:
    """Wrap the WSGI app for the proxies, and refuse large bodies before any other hook but
    the request log's (before CSRF, before the login check)."""
    proxies = trusted_proxies(app)
    if proxies:
        # The prefix is not taken: the recipe's proxy does not set it, so a client could.
        app.wsgi_app = ProxyFix(  # type: ignore[method-assign]  # Flask's way to add middleware
            app.wsgi_app, x_for=proxies, x_proto=proxies, x_host=proxies, x_port=proxies
        )
    else:
        app.wsgi_app = DropForwardedHeaders(app.wsgi_app)  # type: ignore[method-assign]  # as above
    app.before_request(refuse_large_body)


def refuse_large_body() -> None:
    """413 for a declared Content-Length over MAX_CONTENT_LENGTH, before the body is read.

    Werkzeug checks the limit only when the body is parsed, which a view refusing an
    anonymous caller never does (gunicorn would keep the connection reading). A chunked body
    without a length is still cut off by Werkzeug while it is read.
    """
    limit = current_app.config.get("MAX_CONTENT_LENGTH")
    length = request.content_length
    if limit is not None and length is not None and length > limit:
        abort(413, f"The request body is {length:,} bytes; at most {limit:,} are accepted.")


def waitress_options(app: Flask) -> dict[str, Any]:
    """What `tracker serve` gives waitress besides host, port and threads.

    waitress reads a whole body before it calls the app; with the app's limit it answers 413
    as soon as the headers declare more (its default is 1 GiB). Behind trusted proxies it must
    pass X-Forwarded-* on to ProxyFix rather than clear them, as it does by default.
    """
    return {
        # waitress refuses a body of exactly its size; the app takes one of exactly its limit.
        "max_request_body_size": app.config["MAX_CONTENT_LENGTH"] + 1,
        "clear_untrusted_proxy_headers": trusted_proxies(app) == 0,
    }
