"""Import of a ~1 MB article end to end, beside the sentence splitter alone on the same text.

Prints one table; the figures that matter are the ratios, measured in the same run.
Run: .venv/bin/python bench/import_speed.py [--repeat N] [--no-postgres]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import sqlalchemy as sa  # noqa: E402

from tests.support.postgres import running_server  # noqa: E402
from tracker import create_app  # noqa: E402
from tracker.accounts import services as accounts  # noqa: E402
from tracker.accounts.models import Role  # noqa: E402
from tracker.core import db, migrate  # noqa: E402
from tracker.sources import services  # noqa: E402
from tracker.sources.models import Sentence, Source  # noqa: E402
from tracker.text.splitting import split_sentences  # noqa: E402

TARGET_BYTES = 1_000_000


def big_article() -> str:
    seeds = [
        (ROOT / "seeds" / name).read_text(encoding="utf-8")
        for name in ("de-openai-talent-exodus.txt", "zh-openai-leadership-shakeup.txt")
    ]
    parts: list[str] = []
    size = 0
    n = 0
    while size < TARGET_BYTES:
        part = seeds[n % 2] + "\n"
        parts.append(part)
        size += len(part.encode("utf-8"))
        n += 1
    return "".join(parts)


def measure(url: str, text: str, language: str, repeat: int) -> dict[str, float]:
    """Median seconds of the splitter alone and of imports, interleaved so drift hits all."""
    migrate.upgrade(url)
    app = create_app(
        {
            "DATABASE_URL": url,
            "SECRET_KEY": "bench",
            "WTF_CSRF_ENABLED": False,
            "MAX_SOURCE_BYTES": 4 * TARGET_BYTES,
        }
    )
    with app.app_context():
        accounts.create_user("bench", "bench password", Role.reviewer)
        token = accounts.create_token("bench")
        db.session.commit()

    def reset() -> None:
        with app.app_context():
            db.session.execute(sa.delete(Sentence))
            db.session.execute(sa.delete(Source))
            db.session.commit()

    def service_import() -> None:
        with app.app_context():
            services.import_source(text, actor=None, max_bytes=4 * TARGET_BYTES)
            db.session.commit()

    client = app.test_client()

    def api_import() -> None:
        response = client.post(
            "/api/v1/sources", json={"text": text}, headers={"Authorization": f"Bearer {token}"}
        )
        assert response.status_code == 201, response.json

    runs: dict[str, list[float]] = {"splitter": [], "service": [], "api": []}
    for _ in range(repeat):
        for kind, run in (
            ("splitter", lambda: split_sentences(text, language)),
            ("service", service_import),
            ("api", api_import),
        ):
            reset()
            start = time.perf_counter()
            run()
            runs[kind].append(time.perf_counter() - start)
    results = {kind: statistics.median(times) for kind, times in runs.items()}
    app.extensions["tracker.engine"].dispose()
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--no-postgres", action="store_true")
    args = parser.parse_args()

    text = big_article()
    size = len(text.encode("utf-8"))
    language = services.detect_language(text)  # the importer splits with the detected language
    sentences = split_sentences(text, language)
    print(
        f"article: {size:,} bytes, {len(text):,} characters, {len(sentences):,} sentences, "
        f"language {language}; median of {args.repeat} interleaved runs"
    )
    backends = {}
    with tempfile.TemporaryDirectory() as tmp:
        backends["sqlite"] = measure(f"sqlite:///{tmp}/bench.db", text, language, args.repeat)
    if not args.no_postgres:
        with running_server() as server:
            url = server.create_database("bench")
            backends["postgresql"] = measure(url, text, language, args.repeat)
    print(
        f"{'backend':<12}{'splitter s':>12}{'service s':>12}{'ratio':>8}{'API s':>10}{'ratio':>8}"
    )
    for backend, r in backends.items():
        print(
            f"{backend:<12}{r['splitter']:>12.2f}{r['service']:>12.2f}"
            f"{r['service'] / r['splitter']:>8.2f}{r['api']:>10.2f}{r['api'] / r['splitter']:>8.2f}"
        )


if __name__ == "__main__":
    main()
