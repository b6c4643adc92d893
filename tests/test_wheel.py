"""The built wheel runs on its own: installed into a fresh venv, `tracker db upgrade`, `tracker
seed` and `tracker serve` work with no repository around them (issue 13)."""

from __future__ import annotations

import contextlib
import http.client
import os
import signal
import socket
import subprocess
import sys
import sysconfig
import time
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

pytestmark = pytest.mark.wheel

ROOT = Path(__file__).resolve().parents[1]
BUNDLED = "tracker/_resources"
# The two articles of seeds/sources.json, as `tracker seed` names them.
SEED_ARTICLES = ["de-openai-talent-exodus.txt", "zh-openai-leadership-shakeup.txt"]


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The wheel, built from this checkout as `pip wheel` builds it for anyone."""
    out = tmp_path_factory.mktemp("dist")
    build = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--quiet", "-w", str(out), str(ROOT)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert build.returncode == 0, build.stdout + build.stderr
    [built] = out.glob("factcheck_tracker-*.whl")
    return built


@dataclass
class Installed:
    venv: Path
    workdir: Path
    env: dict[str, str]

    def run(self, *args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [str(self.venv / "bin" / args[0]), *args[1:]],
            cwd=self.workdir,
            env=self.env,
            input=stdin,
            capture_output=True,
            text=True,
            timeout=120,
        )


@pytest.fixture(scope="module")
def installed(wheel: Path, tmp_path_factory: pytest.TempPathFactory) -> Installed:
    """A fresh venv holding the wheel. Its dependencies come from the project's venv through a
    .pth line (a plain path, so that venv's own .pth files, among them the editable install's
    pointer to this checkout, are not read), so nothing is downloaded again."""
    base = tmp_path_factory.mktemp("wheelvenv")
    venv = base / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
    python = venv / "bin" / "python"
    install = subprocess.run(
        [sys.executable, "-m", "pip", "--python", str(python), "install", "--quiet"]
        + ["--no-deps", "--no-index", str(wheel)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert install.returncode == 0, install.stdout + install.stderr
    site = subprocess.run(
        [str(python), "-c", "import sysconfig; print(sysconfig.get_path('purelib'))"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    dependencies = dict.fromkeys([sysconfig.get_path("purelib"), sysconfig.get_path("platlib")])
    (Path(site) / "_project_dependencies.pth").write_text("\n".join(dependencies) + "\n")
    workdir = base / "run"  # not the checkout: nothing of the repository is on sys.path
    workdir.mkdir()
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": os.environ.get("HOME", str(base)),
        "LANG": "C.UTF-8",
        "PYTHONNOUSERSITE": "1",
        "DATABASE_URL": f"sqlite:///{workdir / 'tracker.db'}",
        "SECRET_KEY": "a test key, the same for every process of this test",
    }
    return Installed(venv=venv, workdir=workdir, env=env)


def test_the_wheel_carries_templates_static_migrations_and_seeds(wheel: Path) -> None:
    names = set(zipfile.ZipFile(wheel).namelist())
    for path in [
        "templates/base.html",
        "templates/accounts/login.html",
        "templates/errors/error.html",
        "static/style.css",
        "static/tracker.js",
        "migrations/env.py",
        "migrations/script.py.mako",
        "seeds/sources.json",
        "seeds/claims.json",
        *(f"seeds/{name}" for name in SEED_ARTICLES),
        "alembic.ini",
    ]:
        assert f"{BUNDLED}/{path}" in names, path
    # Every revision of the repository ships, so a new migration cannot be left out.
    revisions = sorted(p.name for p in (ROOT / "migrations" / "versions").glob("*.py"))
    assert len(revisions) >= 11
    for name in revisions:
        assert f"{BUNDLED}/migrations/versions/{name}" in names, name
    # The package data declared before stays in, and no bytecode or cache rides along.
    assert "tracker/questions/calibration.json" in names
    assert "tracker/accounts/data/common-passwords.txt.gz" in names
    assert "tracker/accounts/data/COMMON-PASSWORDS-LICENSE.txt" in names
    assert not [n for n in names if "__pycache__" in n or n.endswith(".pyc")]
    assert not [n for n in names if n.startswith(("tests/", "bench/", "templates/", "seeds/"))]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _get(port: int, path: str) -> tuple[int, bytes]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        connection.request("GET", path)
        response = connection.getresponse()
        return response.status, response.read()
    finally:
        connection.close()


@contextlib.contextmanager
def _serving(installed: Installed) -> Iterator[int]:
    port = _free_port()
    log = installed.workdir / "serve.log"
    with log.open("wb") as out:
        process = subprocess.Popen(
            [str(installed.venv / "bin" / "tracker"), "serve", "--port", str(port)],
            cwd=installed.workdir,
            env=installed.env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    try:
        deadline = time.monotonic() + 30
        while True:
            assert process.poll() is None, f"tracker serve exited:\n{log.read_text()}"
            with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), 0.5):
                break
            assert time.monotonic() < deadline, f"nothing on port {port}:\n{log.read_text()}"
            time.sleep(0.1)
        yield port
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
    assert process.poll() is not None


def test_the_installed_wheel_migrates_seeds_and_serves(installed: Installed) -> None:
    where = installed.run(
        "python",
        "-c",
        "import tracker, tracker.core.paths as p; print(tracker.__file__); print(p.PROJECT_ROOT)",
    )
    assert where.returncode == 0, where.stderr
    package_file, project_root = (Path(line) for line in where.stdout.split())
    # The wheel's copy runs, not this checkout through the editable install.
    assert package_file.is_relative_to(installed.venv), package_file
    assert not package_file.is_relative_to(ROOT)
    assert project_root.is_relative_to(installed.venv), project_root

    upgrade = installed.run("tracker", "db", "upgrade")
    assert upgrade.returncode == 0, upgrade.stdout + upgrade.stderr
    current = installed.run("tracker", "db", "current")
    assert current.returncode == 0, current.stderr
    assert "(head)" in current.stdout

    seed = installed.run("tracker", "seed")
    assert seed.returncode == 0, seed.stdout + seed.stderr
    for name in SEED_ARTICLES:
        assert f"seeded {name}" in seed.stdout, seed.stdout
    assert "claims: 0 added" not in seed.stdout

    with _serving(installed) as port:
        status, body = _get(port, "/login")
        assert status == 200, body[:2000]
        assert b"<title>Log in" in body
        assert b'name="password"' in body
        status, body = _get(port, "/static/style.css")
        assert status == 200
        assert body == (ROOT / "static" / "style.css").read_bytes()
        status, body = _get(port, "/healthz")
        assert status == 200, body
