"""Where a `next=` or back link may send the browser: a path on this site, nothing else.

One rule for every redirect and back link that takes its target from the request (the login
form's `next`, the back links of forms that return to the page they came from). Browsers are
lenient in ways a naive check is not: they drop tabs and line breaks inside a URL, read a
backslash as a slash, and take ``//host`` (or ``/\\host``) as another site. So a target is
followed only when it is a path starting with a single ``/``, holds no white space, control or
invisible character and no backslash, and its path still starts with a single ``/`` and holds
no ``//`` once percent-decoding is undone (as often as it changes anything).
"""

from __future__ import annotations

import re
import unicodedata
from urllib.parse import unquote, urlsplit

#: Decoding more often than this is not a path anyone links to.
_MAX_DECODINGS = 4
_PATH_END = re.compile(r"[?#]")


def _has_unsafe_character(text: str) -> bool:
    """White space, control and format characters, backslashes: what browsers drop or
    reinterpret inside a URL."""
    return any(
        char == "\\" or char.isspace() or unicodedata.category(char) in {"Cc", "Cf", "Zs"}
        for char in text
    )


def _is_single_slash_path(path: str) -> bool:
    return path.startswith("/") and not path.startswith(("//", "/\\")) and "//" not in path


def is_safe_path(target: str | None) -> bool:
    """Whether `target` is a path on this site that a browser will not read as another one."""
    if not target or not isinstance(target, str) or _has_unsafe_character(target):
        return False
    parts = urlsplit(target)
    if parts.scheme or parts.netloc:
        return False
    path = _PATH_END.split(target, maxsplit=1)[0]
    for _ in range(_MAX_DECODINGS):
        if not _is_single_slash_path(path) or _has_unsafe_character(path):
            return False
        decoded = unquote(path)
        if decoded == path:
            return True
        path = decoded
    return False


def safe_next(target: str | None, fallback: str) -> str:
    """`target` when it is a path on this site (see :func:`is_safe_path`), else `fallback`."""
    return target if target is not None and is_safe_path(target) else fallback
