"""Every model module, imported in one place so the metadata and Alembic see all tables."""

from __future__ import annotations


def load_all_models() -> None:
    import tracker.accounts.models  # noqa: F401
    import tracker.audit.models  # noqa: F401
    import tracker.claims.models  # noqa: F401
    import tracker.entities.models  # noqa: F401
    import tracker.questions.models  # noqa: F401
    import tracker.sources.models  # noqa: F401
