"""The app served as in production, for tests: `tracker serve` (waitress) or gunicorn in a
child process, and Debian's nginx in front of it with TLS (the recipe in deploy/nginx.conf)."""

from __future__ import annotations

import contextlib
import http.client
import os
import shutil
import signal
import socket
import ssl
import subprocess
import sys
import time
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
RECIPE = ROOT / "deploy" / "nginx.conf"
SERVERS = ["waitress", "gunicorn"]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _wait_for_port(port: int, process: subprocess.Popen[bytes], log: Path, timeout: float = 60):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the server exited ({process.returncode}):\n{log.read_text()}")
        with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), 0.5):
            return
        time.sleep(0.1)
    raise RuntimeError(f"nothing listens on port {port} after {timeout} s:\n{log.read_text()}")


def _stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@contextlib.contextmanager
def app_process(
    server: str, env: Mapping[str, str], workdir: Path, *, port: int | None = None
) -> Iterator[int]:
    """Serve the app with `tracker serve` (waitress) or gunicorn (gunicorn.conf.py, 2 workers)
    on a loopback port; yields the port. `env` adds to this process's environment."""
    port = port or free_port()
    full_env = {**os.environ, "HOST": "127.0.0.1", "PORT": str(port), **env}
    if server == "waitress":
        command = [str(BIN / "tracker"), "serve"]
    elif server == "gunicorn":
        full_env.setdefault("WEB_CONCURRENCY", "2")
        command = [str(BIN / "gunicorn"), "--config", str(ROOT / "gunicorn.conf.py")]
    else:
        raise ValueError(server)
    log = workdir / f"{server}-{port}.log"
    with log.open("wb") as out:
        process = subprocess.Popen(
            command, cwd=ROOT, env=full_env, stdout=out, stderr=subprocess.STDOUT
        )
    try:
        _wait_for_port(port, process, log)
        yield port
    finally:
        _stop(process)


def make_certificate(workdir: Path) -> tuple[Path, Path]:
    """A self-signed certificate for 127.0.0.1 (and localhost), made with openssl."""
    cert, key = workdir / "cert.pem", workdir / "key.pem"
    subprocess.run(
        [
            "openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
            "-keyout", str(key), "-out", str(cert), "-subj", "/CN=127.0.0.1",
            "-addext", "subjectAltName=IP:127.0.0.1,DNS:localhost",
        ],
        check=True,
        capture_output=True,
    )  # fmt: skip
    return cert, key


@dataclass
class Proxy:
    https_port: int
    http_port: int
    cert: Path

    def client(self) -> http.client.HTTPSConnection:
        context = ssl.create_default_context(cafile=str(self.cert))
        return http.client.HTTPSConnection(
            "127.0.0.1", self.https_port, context=context, timeout=30
        )


def recipe_for_test(app_port: int, https_port: int, http_port: int, cert: Path, key: Path) -> str:
    """deploy/nginx.conf with this test's ports and certificate; everything else as shipped."""
    text = RECIPE.read_text(encoding="utf-8")
    replacements = {
        "listen 443 ssl;": f"listen 127.0.0.1:{https_port} ssl;",
        "listen 80;": f"listen 127.0.0.1:{http_port};",
        "/etc/ssl/certs/tracker.example.org.pem": str(cert),
        "/etc/ssl/private/tracker.example.org.key": str(key),
        "proxy_pass http://127.0.0.1:8000;": f"proxy_pass http://127.0.0.1:{app_port};",
    }
    for old, new in replacements.items():
        assert old in text, f"deploy/nginx.conf no longer has {old!r}"
        text = text.replace(old, new)
    # IPv6 listeners are not needed on loopback (and may be unavailable in containers).
    return "\n".join(line for line in text.splitlines() if "listen [::]" not in line)


@contextlib.contextmanager
def nginx(app_port: int, workdir: Path) -> Iterator[Proxy]:
    """Debian's nginx with TLS in front of the app on `app_port`, run as this user in the
    foreground (no master process, so no switch to another user), everything under `workdir`."""
    binary = shutil.which("nginx") or "/usr/sbin/nginx"
    if not Path(binary).exists():
        raise RuntimeError(
            "nginx is not installed: `make test` installs it (apt-get install nginx)"
        )
    cert, key = make_certificate(workdir)
    https_port, http_port = free_port(), free_port()
    site = workdir / "tracker-site.conf"
    site.write_text(recipe_for_test(app_port, https_port, http_port, cert, key), encoding="utf-8")
    temp = workdir / "nginx-temp"
    temp.mkdir(exist_ok=True)
    conf = workdir / "nginx.conf"
    conf.write_text(
        f"""
daemon off;
master_process off;
worker_processes 1;
pid {workdir / "nginx.pid"};
error_log {workdir / "nginx-error.log"} warn;
events {{ worker_connections 64; }}
http {{
    access_log off;
    client_body_temp_path {temp}/body;
    proxy_temp_path {temp}/proxy;
    fastcgi_temp_path {temp}/fastcgi;
    uwsgi_temp_path {temp}/uwsgi;
    scgi_temp_path {temp}/scgi;
    include {site};
}}
""",
        encoding="utf-8",
    )
    log = workdir / "nginx-stderr.log"
    with log.open("wb") as out:
        process = subprocess.Popen(
            [binary, "-e", "stderr", "-p", str(workdir), "-c", str(conf)],
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    try:
        _wait_for_port(https_port, process, log, timeout=20)
        yield Proxy(https_port, http_port, cert)
    finally:
        _stop(process)


@dataclass
class Answer:
    status: int
    headers: http.client.HTTPMessage
    body: bytes

    def cookies(self) -> dict[str, str]:
        """Set-Cookie lines by cookie name."""
        return {line.split("=", 1)[0]: line for line in self.headers.get_all("Set-Cookie") or []}


def request(
    connection: http.client.HTTPConnection,
    method: str,
    path: str,
    *,
    body: bytes | None = None,
    headers: Mapping[str, str] | None = None,
) -> Answer:
    connection.request(method, path, body=body, headers=dict(headers or {}))
    response = connection.getresponse()
    return Answer(response.status, response.headers, response.read())


def declare_body_and_wait(port: int, path: str, length: int, timeout: float = 10) -> bytes:
    """Send only the headers of a POST declaring `length` bytes, then read what comes back
    before any byte of the body is sent (raises socket.timeout when the server waits)."""
    with socket.create_connection(("127.0.0.1", port), timeout=timeout) as sock:
        sock.sendall(
            (
                f"POST {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n"
                f"Content-Type: application/json\r\nContent-Length: {length}\r\n\r\n"
            ).encode()
        )
        received = b""
        while b"\r\n\r\n" not in received:
            chunk = sock.recv(65536)
            if not chunk:
                break
            received += chunk
        return received
