"""Users and their API tokens."""

from __future__ import annotations

import enum
from datetime import datetime
from typing import TYPE_CHECKING

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, WriteOnlyMapped, mapped_column, relationship

from tracker.core.db import Base, UTCDateTime, str_enum, utcnow


class Role(enum.StrEnum):
    """What a user may do; each role includes every right of the roles before it."""

    viewer = "viewer"
    reviewer = "reviewer"
    editor = "editor"
    admin = "admin"

    @property
    def label(self) -> str:
        return ROLE_LABELS[self]

    @property
    def rank(self) -> int:
        return list(Role).index(self)

    def includes(self, other: Role) -> bool:
        return self.rank >= other.rank


ROLE_LABELS = {
    Role.viewer: "Viewer (reads)",
    Role.reviewer: "Reviewer (imports sources, marks claims, adds evidence)",
    Role.editor: "Editor (verdicts, deletes, exports)",
    Role.admin: "Administrator (users)",
}


#: A password hash that starts with this matches no password: accounts restored from a dump
#: made without hashes carry one until an administrator sets a new password.
UNUSABLE_PASSWORD_PREFIX = "!"


class User(Base):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(sa.String(80), unique=True)
    password_hash: Mapped[str] = mapped_column(sa.String(255))
    role: Mapped[Role] = mapped_column(str_enum(Role, "role"), default=Role.viewer)
    is_active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    #: Set by an administrator: the user must choose a new password before anything else.
    must_change_password: Mapped[bool] = mapped_column(default=False)
    #: The name public pages show for this reviewer (never the login); None: the organisation.
    display_name: Mapped[str | None] = mapped_column(sa.String(80))

    tokens: Mapped[list[ApiToken]] = relationship(back_populates="user")
    sessions: WriteOnlyMapped[UserSession] = relationship(
        back_populates="user", passive_deletes=True
    )

    # Flask-Login's protocol, without importing it here.
    is_authenticated = True
    is_anonymous = False
    #: The key of the login session this object was loaded for (see UserSession); Flask-Login
    #: keeps it in the session cookie and the remember cookie, so both end with the session.
    #: Not a column: declarative would map an annotation, so only the type checker sees one.
    if TYPE_CHECKING:
        session_key: str | None = None
    else:
        session_key = None

    def get_id(self) -> str:
        if not self.session_key:
            raise RuntimeError("A user is logged in through a session: start one first.")
        return self.session_key

    @property
    def has_usable_password(self) -> bool:
        """False for an account restored without its hash (see UNUSABLE_PASSWORD_PREFIX)."""
        return not self.password_hash.startswith(UNUSABLE_PASSWORD_PREFIX)

    def can(self, role: Role) -> bool:
        return self.is_active and self.role.includes(role)

    def __repr__(self) -> str:
        return f"<User {self.id} {self.username} {self.role}>"


class ApiToken(Base):
    """A bearer token for the API; only its SHA-256 is stored."""

    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(sa.String(80))
    token_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    is_revoked: Mapped[bool] = mapped_column(default=False)
    #: None: the token never expires (until revoked).
    expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    #: When a request last came with it, to the minute (it is written at most once a minute).
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    user: Mapped[User] = relationship(back_populates="tokens")

    def is_expired(self, now: datetime) -> bool:
        return self.expires_at is not None and self.expires_at <= now

    def state(self, now: datetime) -> str:
        """'revoked', 'expired' or 'active'."""
        return "revoked" if self.is_revoked else "expired" if self.is_expired(now) else "active"

    def __repr__(self) -> str:
        return f"<ApiToken {self.id} {self.name!r} user={self.user_id}>"


class UserSession(Base):
    """One login: the browser's session cookie and remember cookie carry its key, and a login
    is valid only while its row exists. Logging out deletes the row; logging out everywhere, a
    new password, a new role or a lock delete all of the user's; a restore brings none back.

    Only the key's SHA-256 is stored.
    """

    __tablename__ = "user_sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), index=True)
    key_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    #: The login ends then at the latest (REMEMBER_COOKIE_DURATION after it began).
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
    is_remembered: Mapped[bool] = mapped_column(default=False)

    user: Mapped[User] = relationship(back_populates="sessions")

    def __repr__(self) -> str:
        return f"<UserSession {self.id} user={self.user_id}>"


class LoginFailure(Base):
    """One failed login, kept for an hour: the login rate limits count these rows.

    They live in the database so every worker process and machine sees the same counts.
    """

    __tablename__ = "login_failures"
    __table_args__ = (
        sa.Index("ix_login_failures_address_at", "address", "at"),
        sa.Index("ix_login_failures_username_at", "username", "at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    #: The client's address as the server sees it (``request.remote_addr``).
    address: Mapped[str] = mapped_column(sa.String(64))
    #: The user name tried, stripped and lower-cased (it need not exist).
    username: Mapped[str] = mapped_column(sa.String(80))
    at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, index=True)

    def __repr__(self) -> str:
        return f"<LoginFailure {self.address} {self.username!r} {self.at:%H:%M:%S}>"
