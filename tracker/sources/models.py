"""A source article, kept verbatim, and its sentences with exact character offsets.

Offsets everywhere in the tracker are Python ``str`` indices (Unicode code points) into
``Source.text``: never UTF-8 byte offsets, never UTF-16 code units.
"""

from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from tracker.accounts.models import User
from tracker.core.db import Base, UTCDateTime, utcnow
from tracker.text.glosses import Gloss, ReadingText, strip_glosses


class Source(Base):
    __tablename__ = "sources"
    __table_args__ = (sa.CheckConstraint("length(sha256) = 64", name="sha256_length"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(sa.String(500))
    #: The article exactly as imported (after UTF-8 decoding): no trimming, no newline changes.
    text: Mapped[str] = mapped_column(sa.Text)
    #: Hex SHA-256 of ``text`` encoded as UTF-8; one source per text.
    sha256: Mapped[str] = mapped_column(sa.String(64), unique=True)
    #: BCP 47 language tag, e.g. ``de``, ``zh-Hant``.
    language: Mapped[str] = mapped_column(sa.String(35), index=True)
    #: True when ``language`` was detected rather than given.
    is_language_detected: Mapped[bool] = mapped_column(default=False)
    url: Mapped[str | None] = mapped_column(sa.String(2048))
    published: Mapped[date | None] = mapped_column(sa.Date)
    # Sources never change after import, so these counts cannot drift from the rows they count.
    char_count: Mapped[int] = mapped_column(default=0)
    sentence_count: Mapped[int] = mapped_column(default=0)
    gloss_count: Mapped[int] = mapped_column(default=0)
    imported_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    imported_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL"), index=True
    )

    imported_by: Mapped[User | None] = relationship()
    sentences: Mapped[list[Sentence]] = relationship(
        back_populates="source",
        order_by="Sentence.index",
        cascade="all, delete-orphan",
        passive_deletes=True,
    )

    def __repr__(self) -> str:
        return f"<Source {self.id} {self.language} {self.title[:40]!r}>"


class Sentence(Base):
    __tablename__ = "sentences"
    __table_args__ = (
        sa.UniqueConstraint("source_id", "index"),
        sa.CheckConstraint('0 <= start AND start < "end"', name="span_order"),
        sa.CheckConstraint('"index" >= 0', name="index_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    source_id: Mapped[int] = mapped_column(sa.ForeignKey("sources.id", ondelete="CASCADE"))
    #: Position in the source, from 0; the anchor ``#s<index>`` on the reading view.
    index: Mapped[int] = mapped_column()
    #: ``source.text[start:end]`` is the sentence, exactly.
    start: Mapped[int] = mapped_column()
    end: Mapped[int] = mapped_column()
    #: The sentence without pinyin glosses (equal to the verbatim sentence when it has none).
    reading_text: Mapped[str] = mapped_column(sa.Text)
    #: Simplified-Chinese, case-folded ``reading_text``: what search matches.
    search_text: Mapped[str] = mapped_column(sa.Text)
    #: Glosses inside the sentence as ``[[start, end, reading], ...]`` in verbatim offsets.
    glosses: Mapped[list[list[int | str]]] = mapped_column(sa.JSON, default=list)

    source: Mapped[Source] = relationship(back_populates="sentences")

    @property
    def text(self) -> str:
        return self.source.text[self.start : self.end]

    @property
    def gloss_spans(self) -> list[Gloss]:
        return [Gloss(int(s), int(e), str(r)) for s, e, r in self.glosses]

    def reading(self) -> ReadingText:
        """The reading text with its offset map back into the verbatim source text."""
        return strip_glosses(self.source.text, self.gloss_spans, self.start, self.end)

    def __repr__(self) -> str:
        return f"<Sentence {self.source_id}#{self.index} [{self.start}:{self.end}]>"
