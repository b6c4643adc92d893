"""Who said what: for each question, what each source says, loading only what is shown.

The page is paged by questions (rows, by text then id) and by the sources that answer them
(columns, by id), each by keyset, so a page deep into the matrix costs what the first one does. A cell shows its first
claims and how many there are. The same cells, row after row, are streamed for the CSV export
and paged for the API (keyset on the question's text and id, then the source's id).

A question is a row when a live claim answers it; a source is a column when one of its live
claims answers a question. With a filter, rows are the matching questions that a chosen source
(or any) answers, and columns the chosen sources (or any) that answer a matching question.
"Only where sources differ" keeps the questions with an open contradiction (what /disputes
lists): differences a reviewer ruled compatible, or that the tracker read as different aspects
or times, are not differences there either.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import aliased, load_only

from tracker.claims import values
from tracker.claims.models import Claim, ClaimStatus
from tracker.core import db
from tracker.core.db import MAX_INTEGER
from tracker.core.errors import InvalidInput
from tracker.questions.disputes import disputed_questions
from tracker.questions.models import Answer, ConflictState, Contradiction, Question
from tracker.sources.models import Source
from tracker.text.script import search_key

#: Claims shown in one cell of the page (and the API); the rest are counted.
CLAIMS_PER_CELL = 3
QUESTIONS_PER_PAGE = 25
SOURCES_PER_PAGE = 8
MAX_QUESTIONS_PER_PAGE = 100
MAX_SOURCES_PER_PAGE = 20
#: Sources a filter may name at once, and the length of the question words.
MAX_FILTER_SOURCES = 50
MAX_WORDS = 200
#: Cells read at a time for the CSV export.
BATCH = 500

_WHOLE_NUMBER = re.compile("[0-9]{1,10}")
_UNSTORABLE = re.compile(r"[\x00\ud800-\udfff]")
_TRUE = {"1", "y", "yes", "true", "on"}
_FALSE = {"", "0", "n", "no", "false", "off"}


@dataclass(frozen=True)
class MatrixFilter:
    #: Words in the question (case-folded, traditional = simplified Chinese).
    q: str | None = None
    question_id: int | None = None
    #: Only these sources' columns, and the questions they answer.
    source_ids: tuple[int, ...] = ()
    #: Only questions with an open contradiction.
    differ: bool = False

    @property
    def narrows_questions(self) -> bool:
        return bool(self.q or self.question_id is not None or self.differ)

    @property
    def is_empty(self) -> bool:
        return not (self.narrows_questions or self.source_ids)

    def args(self, **changes: object) -> dict[str, str]:
        """The query string that asks for this filter (for links to other pages of it), with
        ``changes`` to some of its fields."""
        found: dict[str, str] = {
            "q": self.q or "",
            "question_id": "" if self.question_id is None else str(self.question_id),
            "source_id": ",".join(str(i) for i in self.source_ids),
            "differ": "1" if self.differ else "",
        }
        found.update({k: str(v) for k, v in changes.items() if v is not None})
        return {k: v for k, v in found.items() if v}


def _whole_number(value: str, name: str, what: str) -> int:
    value = value.strip()
    if not _WHOLE_NUMBER.fullmatch(value) or int(value) > MAX_INTEGER:
        raise InvalidInput(f"{what} must be a whole number, not “{value[:20]}”.", {name: "invalid"})
    return int(value)


def parse_filter(
    q: str | None = None,
    question_id: str | None = None,
    source_ids: Sequence[str] = (),
    differ: str | None = None,
) -> MatrixFilter:
    """The filter as typed in the form or the query string. Sources may be given several
    times or in one value, separated by commas or spaces ("3, 7").

    :raises InvalidInput: a malformed number, too many sources, too long words, or a
        character no text can hold.
    """
    words = re.sub(r"\s+", " ", q or "").strip()
    if len(words) > MAX_WORDS:
        raise InvalidInput(
            f"Search questions with at most {MAX_WORDS} characters.", {"q": "too long"}
        )
    if _UNSTORABLE.search(words):
        raise InvalidInput("The question words hold a character text cannot.", {"q": "invalid"})
    qid = (
        _whole_number(question_id, "question_id", "The question #")
        if question_id and question_id.strip()
        else None
    )
    ids: list[int] = []
    for value in source_ids:
        for part in re.split(r"[\s,]+", value.strip()):
            if part:
                number = _whole_number(part, "source_id", "A source #")
                if number not in ids:
                    ids.append(number)
    if len(ids) > MAX_FILTER_SOURCES:
        raise InvalidInput(
            f"Name at most {MAX_FILTER_SOURCES} sources at once.", {"source_id": "too many"}
        )
    flag = (differ or "").strip().lower()
    if flag not in _TRUE | _FALSE:
        raise InvalidInput("differ is 1 or 0.", {"differ": "invalid"})
    return MatrixFilter(words or None, qid, tuple(ids), flag in _TRUE)


def parse_cursor(value: str | None, name: str) -> int | None:
    """A page cursor from the query string (a question or source id), or None.

    :raises InvalidInput: anything but a whole number.
    """
    if value is None or not value.strip():
        return None
    return _whole_number(value, name, name)


def check_filter(filters: MatrixFilter) -> None:
    """:raises InvalidInput: the filter names a question or a source that does not exist."""
    if filters.question_id is not None and db.session.get(Question, filters.question_id) is None:
        raise InvalidInput(
            f"There is no question #{filters.question_id}.", {"question_id": "unknown"}
        )
    if filters.source_ids:
        known = set(
            db.session.scalars(sa.select(Source.id).where(Source.id.in_(filters.source_ids)))
        )
        missing = [i for i in filters.source_ids if i not in known]
        if missing:
            names = ", ".join(f"#{i}" for i in missing)
            raise InvalidInput(
                f"There is no source {names}." if len(missing) == 1 else f"No sources {names}.",
                {"source_id": "unknown"},
            )


# --- what the filters select ------------------------------------------------------------


def _live() -> sa.ColumnElement[bool]:
    """Not deleted, written so that SQLite cannot use it as an index term (as
    ``questions.services.question_counts`` does): with ``is_deleted IS 0`` its planner, without
    statistics, walks an index on ``is_deleted`` (every live claim) for each question instead
    of the one on ``question_id`` (4.5 s instead of 20 ms to count 1,400 questions at 10k)."""
    return sa.func.coalesce(Claim.is_deleted, False).is_(False)


def _live_claims(filters: MatrixFilter | None) -> list[sa.ColumnElement[bool]]:
    """Claims that fill cells: live, and from the chosen sources."""
    found = [_live()]
    if filters is not None and filters.source_ids:
        found.append(Claim.source_id.in_(filters.source_ids))
    return found


def _open_contradictions() -> sa.Select[int]:
    return sa.select(Contradiction.question_id).where(
        Contradiction.is_current.is_(True), Contradiction.state == ConflictState.open
    )


def _question_terms(filters: MatrixFilter) -> list[sa.ColumnElement[bool]]:
    found: list[sa.ColumnElement[bool]] = []
    if filters.q:
        found.append(Question.search_text.contains(search_key(filters.q), autoescape=True))
    if filters.question_id is not None:
        found.append(Question.id == filters.question_id)
    if filters.differ:
        found.append(Question.id.in_(_open_contradictions()))
    return found


def _rows(filters: MatrixFilter | None) -> sa.Select[Question]:
    """The questions that are rows: answered by a live claim (of the chosen sources)."""
    if filters is not None and filters.source_ids:
        # From the chosen sources' claims (their index), not a probe for every question.
        answered: sa.ColumnElement[bool] = Question.id.in_(
            sa.select(Claim.question_id).where(*_live_claims(filters))
        )
    else:
        answered = sa.exists().where(Claim.question_id == Question.id, _live())
    stmt = sa.select(Question).where(answered)
    return stmt.where(*_question_terms(filters)) if filters is not None else stmt


def _columns(filters: MatrixFilter | None) -> sa.Select[Source]:
    """The sources that are columns: one of their live claims answers a (matching) question."""
    if filters is not None and filters.narrows_questions:
        # From the matching questions' claims, not a probe for every source.
        matching = sa.select(Question.id).where(*_question_terms(filters))
        answering = sa.select(Claim.source_id).where(
            Claim.question_id.in_(matching), *_live_claims(filters)
        )
        return sa.select(Source).where(Source.id.in_(answering))
    answered = [Claim.source_id == Source.id, Claim.question_id.is_not(None)]
    return sa.select(Source).where(sa.exists().where(*answered, *_live_claims(filters)))


def _count(stmt: sa.Select[object]) -> int:
    return (
        db.session.scalar(
            stmt.with_only_columns(sa.func.count(), maintain_column_froms=True).order_by(None)
        )
        or 0
    )


@dataclass(frozen=True)
class Counts:
    """Questions and sources of the whole matrix, and those the filter keeps."""

    questions: int
    sources: int
    matching_questions: int
    matching_sources: int


def matrix_counts(filters: MatrixFilter) -> Counts:
    """Two COUNTs without a filter, four with one."""
    questions, sources = _count(_rows(None)), _count(_columns(None))
    if filters.is_empty:
        return Counts(questions, sources, questions, sources)
    return Counts(questions, sources, _count(_rows(filters)), _count(_columns(filters)))


def _in_open_contradiction() -> sa.Exists:
    """The claim takes part in an open contradiction (correlated: a few index rows a claim)."""
    return sa.exists().where(
        Contradiction.question_id == Claim.question_id,
        Contradiction.state == ConflictState.open,
        Contradiction.is_current.is_(True),
        sa.or_(Contradiction.claim_a_id == Claim.id, Contradiction.claim_b_id == Claim.id),
    )


# --- the page ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Entry:
    claim: Claim
    #: The claim's answer as the question page shows it, or None when it has none yet.
    answer: str | None


@dataclass(frozen=True)
class Cell:
    #: The first claims of the source answering the question, in text order.
    entries: list[Entry]
    count: int
    #: One of these claims is in an open contradiction.
    disputed: bool

    @property
    def more(self) -> int:
        return self.count - len(self.entries)


@dataclass(frozen=True)
class MatrixPage:
    filters: MatrixFilter
    questions: list[Question]
    sources: list[Source]
    cells: dict[tuple[int, int], Cell]
    #: Questions shown with an open contradiction.
    disputed: set[int]
    counts: Counts
    #: How many sources answer this page's questions (its columns are some of them).
    row_sources: int = 0
    #: Cursors for the pages around this one (None: there is none that way).
    next_after: int | None = None
    prev_before: int | None = None
    sources_next_after: int | None = None
    sources_prev_before: int | None = None
    #: The query string of this page's filter and page sizes, for links.
    args: dict[str, str] = field(default_factory=dict)
    #: The cursors that led here (after or before, sources_after or sources_before).
    position: dict[str, int] = field(default_factory=dict)

    def url_args(self, **changes: int | None) -> dict[str, str | int]:
        """The query string of another page: this filter and ``changes`` to the cursors (None
        drops one: back to the first page). Other sources keep these questions; other
        questions start again at their first sources (the columns are the rows' sources)."""
        found: dict[str, str | int] = {**self.args, **self.position}
        drop: tuple[str, ...] = ()
        if {"after", "before"} & changes.keys():
            drop = ("after", "before", "sources_after", "sources_before")
        elif {"sources_after", "sources_before"} & changes.keys():
            drop = ("sources_after", "sources_before")
        for name in drop:
            found.pop(name, None)
        found.update({k: v for k, v in changes.items() if v is not None})
        return found


def _keyset_questions(
    filters: MatrixFilter, after: int | None, before: int | None, limit: int
) -> tuple[list[Question], int | None, int | None]:
    """A page of rows by (text, id) after or before a question; with the cursors around it."""
    stmt = _rows(filters).options(load_only(Question.id, Question.text))
    key = sa.tuple_(Question.text, Question.id)
    cursor = after if after is not None else before
    if cursor is not None:
        at = aliased(Question)
        text = sa.select(at.text).where(at.id == cursor).scalar_subquery()
        place = sa.tuple_(text, sa.literal(cursor))
        stmt = stmt.where(key > place if after is not None else key < place)
    if before is not None:
        stmt = stmt.order_by(Question.text.desc(), Question.id.desc())
    else:
        stmt = stmt.order_by(Question.text, Question.id)
    return _keyset_page(list(db.session.scalars(stmt.limit(limit + 1))), limit, after, before)


def _keyset_page(
    found: list[Any], limit: int, after: int | None, before: int | None
) -> tuple[list[Any], int | None, int | None]:
    """A keyset page from `limit` + 1 rows fetched in the paging direction: the rows in order,
    the id to page on after (more follow), and the id to page back before (some precede)."""
    more = len(found) > limit
    found = found[:limit]
    if before is not None:
        found.reverse()
        return found, (found[-1].id if found else None), (found[0].id if more else None)
    return (
        found,
        found[-1].id if more else None,
        found[0].id if found and after is not None else None,
    )


def _row_sources(filters: MatrixFilter, question_ids: list[int]) -> sa.Select[Source]:
    """The sources (chosen by the filter) that answer these questions: a page's columns."""
    answering = sa.select(Claim.source_id).where(
        Claim.question_id.in_(question_ids), *_live_claims(filters)
    )
    return sa.select(Source).where(Source.id.in_(answering))


def _keyset_sources(
    filters: MatrixFilter,
    question_ids: list[int],
    after: int | None,
    before: int | None,
    limit: int,
) -> tuple[list[Source], int | None, int | None]:
    """A page of the sources answering these questions, by id after or before a source."""
    stmt = _row_sources(filters, question_ids).options(
        load_only(Source.id, Source.title, Source.language)
    )
    if after is not None:
        stmt = stmt.where(Source.id > after).order_by(Source.id)
    elif before is not None:
        stmt = stmt.where(Source.id < before).order_by(Source.id.desc())
    else:
        stmt = stmt.order_by(Source.id)
    return _keyset_page(list(db.session.scalars(stmt.limit(limit + 1))), limit, after, before)


def _page_cells(question_ids: list[int], source_ids: list[int]) -> dict[tuple[int, int], Cell]:
    """The cells of these rows and columns in one query: each cell's first claims (with their
    answers), its count, and whether one of its claims is in an open contradiction."""
    cell = (Claim.question_id, Claim.source_id)
    disputed = sa.case((_in_open_contradiction(), 1), else_=0)
    ranked = (
        sa.select(
            Claim.id,
            sa.func.row_number()
            .over(partition_by=cell, order_by=(Claim.start, Claim.id))
            .label("place"),
            sa.func.count().over(partition_by=cell).label("count"),
            sa.func.max(disputed).over(partition_by=cell).label("disputed"),
        )
        .where(
            Claim.question_id.in_(question_ids),
            Claim.source_id.in_(source_ids),
            _live(),
        )
        .subquery()
    )
    stmt = (
        sa.select(Claim, ranked.c.count, ranked.c.disputed, Answer.text)
        .join(ranked, ranked.c.id == Claim.id)
        .outerjoin(Answer, Answer.id == Claim.answer_id)
        .where(ranked.c.place <= CLAIMS_PER_CELL)
        .options(
            load_only(
                Claim.id,
                Claim.source_id,
                Claim.question_id,
                Claim.statement,
                Claim.status,
                Claim.answer_id,
                *(getattr(Claim, name) for name in values.VALUE_FIELDS),
            )
        )
        .order_by(Claim.question_id, Claim.source_id, ranked.c.place)
    )
    cells: dict[tuple[int, int], Cell] = {}
    for claim, count, is_disputed, answer in db.session.execute(stmt):
        key = (claim.question_id, claim.source_id)
        if key not in cells:
            cells[key] = Cell([], count, bool(is_disputed))
        cells[key].entries.append(Entry(claim, answer or values.display(claim)))
    return cells


def check_page_size(value: str | None, default: int, largest: int, name: str) -> int:
    """:raises InvalidInput: not a whole number from 1 to ``largest``."""
    if value is None or not value.strip():
        return default
    number = _whole_number(value, name, name)
    if not 1 <= number <= largest:
        raise InvalidInput(f"{name} is between 1 and {largest}.", {name: "out of range"})
    return number


def matrix_page(
    filters: MatrixFilter,
    *,
    after: int | None = None,
    before: int | None = None,
    sources_after: int | None = None,
    sources_before: int | None = None,
    per_page: int = QUESTIONS_PER_PAGE,
    sources_per_page: int = SOURCES_PER_PAGE,
) -> MatrixPage:
    """One page of rows and columns of the matrix: questions in text order, and the sources
    that answer them by id, each axis paged by keyset. A fixed number of queries whatever the
    data (two to four counts, the rows, the columns and their count, the cells, the disputed
    rows; one more for each question or source the filter names).

    :raises InvalidInput: the filter names what does not exist, both cursors of an axis are
        given, or a cursor names no question or source.
    """
    if after is not None and before is not None:
        raise InvalidInput("Give after or before, not both.", {"after": "both"})
    if sources_after is not None and sources_before is not None:
        raise InvalidInput(
            "Give sources_after or sources_before, not both.", {"sources_after": "both"}
        )
    check_filter(filters)
    counts = matrix_counts(filters)
    questions, next_after, prev_before = _keyset_questions(filters, after, before, per_page)
    question_ids = [q.id for q in questions]
    sources: list[Source] = []
    sources_next = sources_prev = None
    row_sources = 0
    if questions:
        row_sources = _count(_row_sources(filters, question_ids))
        sources, sources_next, sources_prev = _keyset_sources(
            filters, question_ids, sources_after, sources_before, sources_per_page
        )
    cursor = after if after is not None else before
    if not questions and cursor is not None:
        _check_cursor(Question, cursor, "after" if after is not None else "before")
    sources_cursor = sources_after if sources_after is not None else sources_before
    if questions and not sources and sources_cursor is not None:
        name = "sources_after" if sources_after is not None else "sources_before"
        _check_cursor(Source, sources_cursor, name)
    source_ids = [s.id for s in sources]
    cells = _page_cells(question_ids, source_ids) if sources else {}
    args = filters.args()
    if per_page != QUESTIONS_PER_PAGE:
        args["per_page"] = str(per_page)
    if sources_per_page != SOURCES_PER_PAGE:
        args["sources_per_page"] = str(sources_per_page)
    return MatrixPage(
        filters=filters,
        questions=questions,
        sources=sources,
        cells=cells,
        disputed=disputed_questions(question_ids),
        counts=counts,
        row_sources=row_sources,
        next_after=next_after,
        prev_before=prev_before,
        sources_next_after=sources_next,
        sources_prev_before=sources_prev,
        args=args,
        position={
            name: value
            for name, value in (
                ("after", after),
                ("before", before),
                ("sources_after", sources_after),
                ("sources_before", sources_before),
            )
            if value is not None
        },
    )


def _check_cursor(model: type[Question] | type[Source], cursor: int, name: str) -> None:
    """An empty page after a cursor: say so when the cursor names nothing (one query, only
    then)."""
    if db.session.get(model, cursor) is None:
        what = "question" if model is Question else "source"
        raise InvalidInput(f"{name} names no {what} (#{cursor}).", {name: "unknown"})


# --- cells one after another: the CSV export and the API --------------------------------


@dataclass(frozen=True)
class CellClaim:
    id: int
    statement: str
    status: ClaimStatus
    answer: str | None


@dataclass
class CellRow:
    """One (question, source) cell with claims, read with Core (nothing stays in a session)."""

    question_id: int
    question: str
    source_id: int
    source_title: str
    language: str
    count: int
    disputed: bool
    claims: list[CellClaim] = field(default_factory=list)

    @property
    def cursor(self) -> str:
        return f"{self.question_id}.{self.source_id}"


def parse_cell_cursor(value: str | None) -> tuple[int, int] | None:
    """``QUESTION_ID.SOURCE_ID``, as ``next`` gives it, or None.

    :raises InvalidInput: anything else.
    """
    if value is None or not value.strip():
        return None
    question, dot, source = value.strip().partition(".")
    if not dot:
        raise InvalidInput(
            "after is a cursor as next gives it (QUESTION_ID.SOURCE_ID).", {"after": "invalid"}
        )
    return (_whole_number(question, "after", "after"), _whole_number(source, "after", "after"))


def _cells_after(
    filters: MatrixFilter, cursor: tuple[int, int] | None, limit: int
) -> list[CellRow]:
    """The next ``limit`` cells after the cursor, ordered by question text, question id and
    source id, in one query reading the claims of at most ``limit + 1`` questions."""
    rows = _rows(filters).with_only_columns(Question.id, Question.text)
    if cursor is not None:
        at = aliased(Question)
        text = sa.select(at.text).where(at.id == cursor[0]).scalar_subquery()
        rows = rows.where(
            sa.tuple_(Question.text, Question.id) >= sa.tuple_(text, sa.literal(cursor[0]))
        )
    # Each of these questions has a cell at least, and the cursor's own may have none left.
    shown = rows.order_by(Question.text, Question.id).limit(limit + 1).subquery()
    disputed = sa.case((_in_open_contradiction(), 1), else_=0)
    stmt = (
        sa.select(
            Claim.question_id,
            shown.c.text,
            Claim.source_id,
            Source.title,
            Source.language,
            sa.func.count(),
            sa.func.max(disputed),
        )
        .join(shown, shown.c.id == Claim.question_id)
        .join(Source, Source.id == Claim.source_id)
        .where(*_live_claims(filters))
        .group_by(Claim.question_id, shown.c.text, Claim.source_id, Source.title, Source.language)
        .order_by(shown.c.text, Claim.question_id, Claim.source_id)
        .limit(limit)
    )
    if cursor is not None:
        stmt = stmt.where(sa.or_(Claim.question_id != cursor[0], Claim.source_id > cursor[1]))
    return [
        CellRow(qid, text, sid, title, language, count, bool(is_disputed))
        for qid, text, sid, title, language, count, is_disputed in db.session.execute(stmt)
    ]


def _claim_answer(row: sa.RowMapping) -> str | None:
    """The claim's answer as the question page shows it: its answer, else its value."""
    if row["answer"]:
        return str(row["answer"])
    stored = {name: row[name] for name in values.VALUE_FIELDS}
    return values.display_of(stored) if stored["value_kind"] is not None else None


def _claim_columns() -> list[sa.ColumnElement[object]]:
    return [
        Claim.id,
        Claim.question_id,
        Claim.source_id,
        Claim.statement,
        Claim.status,
        Answer.text.label("answer"),
        *(getattr(Claim, name) for name in values.VALUE_FIELDS),
    ]


def _add_first_claims(cells: list[CellRow]) -> None:
    """The first ``CLAIMS_PER_CELL`` claims of each of these cells, in one query."""
    pairs = [(c.question_id, c.source_id) for c in cells]
    cell = (Claim.question_id, Claim.source_id)
    ranked = (
        sa.select(
            *_claim_columns(),
            sa.func.row_number()
            .over(partition_by=cell, order_by=(Claim.start, Claim.id))
            .label("place"),
        )
        .outerjoin(Answer, Answer.id == Claim.answer_id)
        .where(
            Claim.question_id.in_(sorted({q for q, _ in pairs})),
            sa.tuple_(*cell).in_(pairs),
            _live(),
        )
        .subquery()
    )
    stmt = (
        sa.select(ranked)
        .where(ranked.c.place <= CLAIMS_PER_CELL)
        .order_by(ranked.c.question_id, ranked.c.source_id, ranked.c.place)
    )
    by_cell = {(c.question_id, c.source_id): c for c in cells}
    for row in db.session.execute(stmt).mappings():
        by_cell[(row["question_id"], row["source_id"])].claims.append(
            CellClaim(row["id"], row["statement"], row["status"], _claim_answer(row))
        )


def cells_page(
    filters: MatrixFilter, *, after: tuple[int, int] | None = None, limit: int = 100
) -> tuple[list[CellRow], str | None]:
    """Up to ``limit`` cells after the cursor, each with its first claims, and the cursor of
    the next page (None on the last). Two queries whatever the data (one more for each
    question or source the filter names).

    :raises InvalidInput: the filter names what does not exist, or the cursor no question.
    """
    check_filter(filters)
    found = _cells_after(filters, after, limit + 1)
    if not found and after is not None:
        _check_cursor(Question, after[0], "after")
    page = found[:limit]
    if page:
        _add_first_claims(page)
    return page, (page[-1].cursor if len(found) > limit else None)


def iter_cells(filters: MatrixFilter, *, batch: int | None = None) -> Iterator[list[CellRow]]:
    """Every cell of the filter with all its claims, ``batch`` (``BATCH``) cells at a time.

    One query, its rows in the order of the cells (question text, question id, source id,
    then the claims' place in the source), streamed (``yield_per``: a server-side cursor on
    PostgreSQL), so one batch is in memory however many claims there are. Check the filter
    with ``check_filter`` first: this reads only as it is iterated.
    """
    batch = batch or BATCH
    stmt = (
        sa.select(
            *_claim_columns(),
            Question.text.label("question"),
            Source.title,
            Source.language,
            _in_open_contradiction().label("disputed"),
        )
        .join(Question, Question.id == Claim.question_id)
        .join(Source, Source.id == Claim.source_id)
        .outerjoin(Answer, Answer.id == Claim.answer_id)
        .where(*_live_claims(filters), *_question_terms(filters))
        .order_by(Question.text, Question.id, Claim.source_id, Claim.start, Claim.id)
    )
    result = db.session.connection().execute(stmt, execution_options={"yield_per": batch})
    cells: list[CellRow] = []
    current: CellRow | None = None
    for row in result.mappings():
        key = (row["question_id"], row["source_id"])
        if current is None or (current.question_id, current.source_id) != key:
            if len(cells) >= batch:
                yield cells
                cells = []
            current = CellRow(
                row["question_id"],
                row["question"],
                row["source_id"],
                row["title"],
                row["language"],
                0,
                False,
            )
            cells.append(current)
        current.claims.append(
            CellClaim(row["id"], row["statement"], row["status"], _claim_answer(row))
        )
        current.count += 1
        current.disputed = current.disputed or bool(row["disputed"])
    if cells:
        yield cells
