"""Load benchmark: N clients against a served app on loopback, a mixed read/write load.

It fills a fresh database (SQLite by default, PostgreSQL with ``--postgres`` or
``--database-url``) with ``bench/generate.py`` claims plus one reviewer and API token per client,
starts the app with waitress (``tracker serve``) or gunicorn, and lets every client loop until
the time is up over: the review queue page (``/claims``), claim pages, the claims API, a PATCH
of a claim's statement (with the version it just read; a 409 for a stale version is an answer,
not an error) and evidence adds, on a small set of claims that all clients write to. It prints
requests/s, p50/p95/p99 per kind of request, statuses, the server's memory (RSS of the server
and its workers) before and after, and checks that the history rows written equal the
successful writes and the version increments the successful PATCHes.

``--disputes-share 0.10`` sends that share of the requests to the disputes (half to ``/disputes``,
half to ``GET /api/v1/disputes``) and the rest in the mix above, in the same proportions. It
implies ``--cross-source``: the data then has its cross-source part (entities, questions, values;
``generate(cross_source=True)``), the grouped claims get their proposed answers and
``detect_all()`` finds the contradictions before the run (as ``tracker disputes --recompute``), so
the disputes pages have what they would have in use; ``--cross-source`` alone gives the same data
without the disputes traffic, to compare. The written claims are then claims in no question (the
save of a grouped claim's statement rewrites its answer too: two version increments).

Use: ``.venv/bin/python bench/load.py [--clients 10|50] [--seconds 40] [--server waitress|gunicorn]
[--workers 2 --threads 4] [--postgres | --database-url URL] [--claims 10000]
[--disputes-share 0.10] [--cross-source] [--app-root DIR]``. ``--app-root`` serves the code of
another checkout (e.g. a ``git worktree`` of an older commit) to measure before and after a change
on the same data.

Traffic goes to 127.0.0.1 only, for a bounded time; the server is stopped at the end.
"""

from __future__ import annotations

import argparse
import contextlib
import http.client
import json
import os
import random
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter, defaultdict
from collections.abc import Iterator
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.databases import fresh_database  # noqa: E402

#: (kind, weight): what a reviewer does, roughly; writes are a quarter of the requests.
MIX = [("queue", 30), ("claim page", 30), ("api list", 15), ("patch", 15), ("evidence", 10)]
#: What ``--disputes-share`` adds, in equal parts.
DISPUTES_KINDS = ["disputes", "disputes api"]
WRITTEN_CLAIMS = 40


def mix(disputes_share: float) -> list[tuple[str, float]]:
    """MIX with `disputes_share` of the requests moved to the disputes page and API."""
    if disputes_share <= 0:
        return list(MIX)
    total = sum(w for _, w in MIX)
    rest = [(kind, w / total * (1 - disputes_share)) for kind, w in MIX]
    return rest + [(kind, disputes_share / len(DISPUTES_KINDS)) for kind in DISPUTES_KINDS]


SETUP = r"""
import json, sys
root, url, clients, claims, written = sys.argv[1], sys.argv[2], *map(int, sys.argv[3:6])
cross_source = sys.argv[6] == "1"
sys.path.insert(0, root + "/bench")
import sqlalchemy as sa
from tracker.core import migrate
migrate.upgrade(url)
from generate import generate
if cross_source:
    generate(url, sources=max(1, claims // 10), claims=claims, seed=1, cross_source=True)
else:
    generate(url, sources=max(1, claims // 10), claims=claims, seed=1)
from tracker import create_app
from tracker.accounts import services as accounts
from tracker.accounts.models import Role
from tracker.claims.models import Claim
from tracker.core import db
app = create_app({"DATABASE_URL": url, "SECRET_KEY": "load"})
contradictions = None
if cross_source:
    from tracker.questions import answers, disputes
    with app.app_context():
        answers.propose_missing()  # generate.py writes values, not answers
        db.session.commit()
        contradictions = disputes.detect_all()
        db.session.commit()
with app.app_context():
    tokens = []
    for n in range(clients):
        accounts.create_user(f"load{n}", "load password 123", Role.reviewer)
        tokens.append(accounts.create_token(f"load{n}"))
    db.session.commit()
    # On cross-source data, claims in no question: saving the statement of a claim in one
    # also rewrites its answer, a second version increment in the same save.
    live = Claim.is_deleted.is_(False)
    if cross_source:
        live = sa.and_(live, Claim.question_id.is_(None))
    ids = list(db.session.scalars(
        sa.select(Claim.id).where(live).order_by(Claim.id).limit(written)))
    last = db.session.scalar(sa.select(sa.func.max(Claim.id)))
print(json.dumps({"tokens": tokens, "claim_ids": ids, "max_claim_id": last,
                  "contradictions": contradictions}))
"""


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _rss_kb(pid: int) -> int:
    """Resident memory of a process and all its descendants (gunicorn's workers), in kB."""
    total, pending = 0, [pid]
    while pending:
        p = pending.pop()
        try:
            for line in Path(f"/proc/{p}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1])
            for task in Path(f"/proc/{p}/task").iterdir():
                pending.extend(int(c) for c in (task / "children").read_text().split())
        except (FileNotFoundError, ProcessLookupError):
            continue
    return total


def _env(app_root: Path, url: str) -> dict[str, str]:
    env = dict(os.environ, DATABASE_URL=url, SECRET_KEY="load-benchmark-key")
    env["PYTHONPATH"] = str(app_root)  # ahead of the editable install of this checkout
    return env


@contextlib.contextmanager
def served(args: argparse.Namespace, url: str, port: int) -> Iterator[subprocess.Popen[bytes]]:
    if args.server == "gunicorn":
        command = [
            sys.executable,
            "-m",
            "gunicorn",
            "--workers",
            str(args.workers),
            "--threads",
            str(args.threads),
            "--bind",
            f"127.0.0.1:{port}",
            "--timeout",
            "120",
            "tracker:create_app()",
        ]
    else:
        command = [
            sys.executable,
            "-c",
            "from tracker.cli import main; main()",
            "serve",
            "--port",
            str(port),
            "--threads",
            str(args.threads),
        ]
    log_path = Path(tempfile.mkstemp(prefix="load-server-", suffix=".log")[1])
    with log_path.open("w") as log:
        server = subprocess.Popen(
            command,
            cwd=args.app_root,
            env=_env(args.app_root, url),
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        for _ in range(300):
            with contextlib.suppress(OSError):
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
                conn.request("GET", "/login")
                if conn.getresponse().status == 200:
                    break
            time.sleep(0.1)
        else:
            raise SystemExit(f"the server did not start; see {log_path}")
        yield server
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)
        print(f"server log: {log_path}")


class Client(threading.Thread):
    def __init__(
        self,
        n: int,
        port: int,
        token: str,
        setup: dict[str, Any],
        deadline: float,
        weights: list[tuple[str, float]] | None = None,
    ):
        super().__init__(daemon=True)
        self.rng = random.Random(n)
        self.port, self.token, self.setup, self.deadline = port, token, setup, deadline
        self.weights = weights or list(MIX)
        self.n = n
        self.conn: http.client.HTTPConnection | None = None
        self.latencies: dict[str, list[float]] = defaultdict(list)
        self.statuses: Counter[tuple[str, int]] = Counter()
        self.saved: Counter[str] = Counter()

    def call(self, kind: str, method: str, path: str, body: Any = None) -> tuple[int, Any]:
        headers = {"Authorization": f"Bearer {self.token}"}
        data = None
        if body is not None:
            data = json.dumps(body)
            headers["Content-Type"] = "application/json"
        started = time.perf_counter()
        try:
            if self.conn is None:
                self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=120)
            self.conn.request(method, path, body=data, headers=headers)
            response = self.conn.getresponse()
            payload = response.read()
            status = response.status
            if response.getheader("Connection", "").lower() == "close":
                self.conn.close()
                self.conn = None
        except (OSError, http.client.HTTPException):
            status, payload = 0, b""  # 0: no answer (connection refused, reset, timeout)
            if self.conn is not None:
                self.conn.close()
            self.conn = None
        self.latencies[kind].append(time.perf_counter() - started)
        self.statuses[(kind, status)] += 1
        if payload and path.startswith("/api/") and status < 500:
            with contextlib.suppress(ValueError):
                return status, json.loads(payload)
        return status, None

    def run(self) -> None:
        kinds, weights = zip(*self.weights, strict=True)
        written = self.setup["claim_ids"]
        step = 0
        while time.monotonic() < self.deadline:
            step += 1
            kind = self.rng.choices(kinds, weights)[0]
            if kind == "queue":
                self.call(kind, "GET", f"/claims?page={self.rng.randint(1, 20)}")
            elif kind == "claim page":
                self.call(kind, "GET", f"/claims/{self.rng.randint(1, self.setup['max_claim_id'])}")
            elif kind == "api list":
                self.call(kind, "GET", "/api/v1/claims?status=in_review&per_page=20")
            elif kind == "disputes":
                self.call(kind, "GET", "/disputes")
            elif kind == "disputes api":
                self.call(kind, "GET", "/api/v1/disputes")
            elif kind == "patch":
                claim_id = self.rng.choice(written)
                status, claim = self.call("api read", "GET", f"/api/v1/claims/{claim_id}")
                if status != 200 or claim is None:
                    continue
                status, _ = self.call(
                    kind,
                    "PATCH",
                    f"/api/v1/claims/{claim_id}",
                    {"statement": f"Load {self.n}.{step}", "version": claim["version"]},
                )
                self.saved["patch"] += status == 200
            else:
                status, _ = self.call(
                    kind,
                    "POST",
                    f"/api/v1/claims/{self.rng.choice(written)}/evidence",
                    {
                        "url": f"https://example.org/load/{self.n}/{step}",
                        "title": "Load report",
                        "stance": "context",
                    },
                )
                self.saved["evidence"] += status == 201


#: Read requests of each kind the warm-up sends through every connection of the server.
WARM_UP_ROUNDS = 3


def warm_up(port: int, setup: dict[str, Any], weights: list[tuple[str, float]]) -> None:
    """Every kind of read the run will send, a few times on each of the server's threads: what
    a server loads once (templates, the meaning model the claim pages' suggestions load on first
    use, the first page of each query) is then in the "before", and the ratio measures growth.
    Reads only, so the history check is unchanged."""
    kinds = {kind for kind, _ in weights}
    paths = ["/claims", "/api/v1/claims?status=in_review&per_page=20"]
    if "disputes" in kinds:
        paths += ["/disputes", "/api/v1/disputes"]
    rng = random.Random(-1)

    def one(token: str) -> None:
        client = Client(0, port, token, setup, 0)
        for _ in range(WARM_UP_ROUNDS):
            for path in paths:
                client.call("warm-up", "GET", path)
            client.call("warm-up", "GET", f"/claims/{rng.randint(1, setup['max_claim_id'])}")

    threads = [threading.Thread(target=one, args=(token,)) for token in setup["tokens"][:8]]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()


def _writes_recorded(url: str, claim_ids: list[int]) -> tuple[int, int]:
    """History rows of the written claims (their creation aside), and the sum of versions."""
    sys.path.insert(0, str(ROOT))
    import sqlalchemy as sa

    engine = sa.create_engine(url.replace("postgresql://", "postgresql+psycopg://", 1))
    ids = ",".join(map(str, claim_ids))
    with engine.connect() as conn:
        history = conn.scalar(
            sa.text(
                f"SELECT count(*) FROM audit_entries WHERE claim_id IN ({ids}) "
                "AND NOT (entity_type = 'claim' AND action = 'create')"
            )
        )
        versions = conn.scalar(sa.text(f"SELECT sum(version) FROM claims WHERE id IN ({ids})"))
    engine.dispose()
    return int(history or 0), int(versions or 0)


def _percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))] * 1000 if ordered else 0.0


def run(args: argparse.Namespace, url: str) -> int:
    started = time.perf_counter()
    setup_run = subprocess.run(
        [
            sys.executable,
            "-c",
            SETUP,
            str(args.app_root),
            url,
            str(args.clients),
            str(args.claims),
            str(WRITTEN_CLAIMS),
            "1" if args.cross_source else "0",
        ],
        env=_env(args.app_root, url),
        cwd=args.app_root,
        capture_output=True,
        text=True,
        check=False,
    )
    if setup_run.returncode != 0:
        raise SystemExit(setup_run.stderr)
    setup = json.loads(setup_run.stdout.strip().splitlines()[-1])
    history_before, versions_before = _writes_recorded(url, setup["claim_ids"])
    print(
        f"{url.split(':')[0]}, {args.server}"
        + (
            f" {args.workers} workers x {args.threads} threads"
            if args.server == "gunicorn"
            else f" {args.threads} threads"
        )
        + f", {args.clients} clients, {args.seconds:g} s, {args.claims:,} claims "
        f"(set up in {time.perf_counter() - started:.1f} s), code from {args.app_root}"
    )
    weights = mix(args.disputes_share)
    if args.cross_source:
        print(
            f"disputes share: {args.disputes_share:.0%} of the requests (/disputes and "
            f"/api/v1/disputes, half each) on cross-source data with "
            f"{setup['contradictions']:,} current contradictions"
        )
    port = _free_port()
    with served(args, url, port) as server:
        for token in setup["tokens"][:4]:  # warm up: templates, first queries, the pool
            Client(0, port, token, setup, 0).call("warm-up", "GET", "/claims")
        rss_cold = _rss_kb(server.pid)
        warm_up(port, setup, weights)
        rss_before = _rss_kb(server.pid)
        deadline = time.monotonic() + args.seconds
        clients = [
            Client(n, port, token, setup, deadline, weights)
            for n, token in enumerate(setup["tokens"])
        ]
        began = time.perf_counter()
        for client in clients:
            client.start()
        for client in clients:
            client.join()
        elapsed = time.perf_counter() - began
        rss_after = _rss_kb(server.pid)

    latencies: dict[str, list[float]] = defaultdict(list)
    statuses: Counter[tuple[str, int]] = Counter()
    saved: Counter[str] = Counter()
    for client in clients:
        for kind, values in client.latencies.items():
            latencies[kind].extend(values)
        statuses.update(client.statuses)
        saved.update(client.saved)
    everything = [v for values in latencies.values() for v in values]
    print(f"{len(everything):,} requests in {elapsed:.1f} s: {len(everything) / elapsed:.1f} req/s")
    print(f"{'kind':12} {'count':>7} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8}  statuses")
    for kind in [k for k, _ in weights] + ["api read"]:
        values = latencies.get(kind, [])
        by_status = ", ".join(f"{s}: {c}" for (k, s), c in sorted(statuses.items()) if k == kind)
        print(
            f"{kind:12} {len(values):7,} {_percentile(values, 0.5):8.0f} "
            f"{_percentile(values, 0.95):8.0f} {_percentile(values, 0.99):8.0f}  {by_status}"
        )
    print(
        f"{'all':12} {len(everything):7,} {_percentile(everything, 0.5):8.0f} "
        f"{_percentile(everything, 0.95):8.0f} {_percentile(everything, 0.99):8.0f}"
    )
    errors = Counter()
    for (_kind, status), count in statuses.items():
        if status >= 500 or status == 0 or (400 <= status < 500 and status != 409):
            errors[status] += count
    print(
        "errors by status:",
        dict(sorted(errors.items())) or "none",
        f"(409 stale-version answers: {sum(c for (k, s), c in statuses.items() if s == 409)})",
    )
    print(
        f"server RSS: {rss_cold / 1024:.0f} MB cold, {rss_before / 1024:.0f} MB warm (before), "
        f"{rss_after / 1024:.0f} MB after ({rss_after / max(rss_before, 1):.2f}x the warm server, "
        f"{rss_after / max(rss_cold, 1):.2f}x the cold one)"
    )
    history, versions = _writes_recorded(url, setup["claim_ids"])
    writes = saved["patch"] + saved["evidence"]
    history_ok = history - history_before == writes
    versions_ok = versions - versions_before == saved["patch"]
    print(
        f"writes answered 2xx: {saved['patch']} PATCH + {saved['evidence']} evidence = {writes}; "
        f"history rows added: {history - history_before} ({'equal' if history_ok else 'DIFFERENT'}); "
        f"version increments: {versions - versions_before} "
        f"({'equal' if versions_ok else 'DIFFERENT'})"
    )
    return 0 if history_ok and versions_ok else 1


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=10)
    parser.add_argument("--seconds", type=float, default=40)
    parser.add_argument("--server", choices=["waitress", "gunicorn"], default="waitress")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers")
    parser.add_argument("--threads", type=int, default=4, help="threads per server process")
    parser.add_argument("--claims", type=int, default=10_000, help="generated claims")
    parser.add_argument("--database-url", help="an empty database (default: a new SQLite file)")
    parser.add_argument("--postgres", action="store_true", help="start a throwaway PostgreSQL")
    parser.add_argument(
        "--disputes-share",
        type=float,
        default=0.0,
        help="share of the requests (0-1) to /disputes and /api/v1/disputes (default 0)",
    )
    parser.add_argument(
        "--cross-source",
        action="store_true",
        help="entities, questions and their contradictions in the data (implied by the above)",
    )
    parser.add_argument("--app-root", type=Path, default=ROOT, help="the checkout to serve")
    args = parser.parse_args()
    if not 0 <= args.disputes_share < 1:
        parser.error("--disputes-share is a share from 0 up to (not including) 1")
    args.cross_source = args.cross_source or args.disputes_share > 0
    args.app_root = args.app_root.resolve()
    with fresh_database("tracker_load", postgres=args.postgres, url=args.database_url) as url:
        return run(args, url)


if __name__ == "__main__":
    sys.exit(main())
