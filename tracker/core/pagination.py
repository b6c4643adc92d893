"""One page of a list query: a count and a slice, two queries whatever the table size."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Generic, TypeVar

import sqlalchemy as sa

from tracker.core import db
from tracker.core.db import MAX_INTEGER
from tracker.core.errors import InvalidInput

T = TypeVar("T")


@dataclass(frozen=True)
class Page(Generic[T]):
    items: list[T]
    total: int
    page: int
    per_page: int

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))

    @property
    def has_prev(self) -> bool:
        return self.page > 1

    @property
    def has_next(self) -> bool:
        return self.page < self.pages


def check_page_args(page: Any, per_page: Any, max_per_page: int) -> tuple[int, int]:
    """Validate page arguments that came from a user.

    :raises InvalidInput: when either is not a positive integer or per_page is too large.
    """
    try:
        page_n, per_page_n = int(page), int(per_page)
    except (TypeError, ValueError):
        raise InvalidInput(
            "page and per_page must be whole numbers.", {"page": "invalid"}
        ) from None
    if not 1 <= per_page_n <= max_per_page:
        raise InvalidInput(
            f"per_page must be between 1 and {max_per_page}.", {"per_page": "invalid"}
        )
    # The offset of the page must fit the database's integer (PostgreSQL fails beyond it).
    last_page = MAX_INTEGER // per_page_n + 1
    if not 1 <= page_n <= last_page:
        raise InvalidInput(f"page must be between 1 and {last_page:,}.", {"page": "invalid"})
    return page_n, per_page_n


def paginate(stmt: sa.Select[Any], page: int, per_page: int) -> Page[Any]:
    """Run `stmt` for one page; `stmt` must already be ordered and must not join rows that
    multiply (filters use EXISTS or IN subqueries), so that COUNT counts its entities."""
    # COUNT over the same FROM and WHERE, not over a subquery of every column: the database
    # can then answer from an index instead of reading whole rows.
    total = db.session.scalar(
        stmt.with_only_columns(sa.func.count(), maintain_column_froms=True).order_by(None)
    )
    items = list(db.session.scalars(stmt.limit(per_page).offset((page - 1) * per_page)))
    return Page(items=items, total=total or 0, page=page, per_page=per_page)
