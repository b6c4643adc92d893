"""A fresh, empty database for a benchmark: a new SQLite file, a throwaway PostgreSQL server, or
one the caller names.

The PostgreSQL server is the one the test suite starts (``tests/support/postgres.py``: Debian's
packages, fsync off, removed at the end).
"""

from __future__ import annotations

import contextlib
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


@contextlib.contextmanager
def fresh_database(name: str, *, postgres: bool = False, url: str | None = None) -> Iterator[str]:
    """Yield the URL of an empty database called `name`, removed afterwards; `url` (an empty
    database the caller owns) is yielded as it is and kept."""
    if url:
        yield url
    elif postgres:
        if str(ROOT) not in sys.path:
            sys.path.insert(0, str(ROOT))
        from tests.support.postgres import running_server

        with running_server() as server:
            yield server.create_database(name)
    else:
        with tempfile.TemporaryDirectory(prefix=f"{name}-") as tmp:
            yield f"sqlite:///{tmp}/{name}.db"
