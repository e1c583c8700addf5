"""The production stack on loopback, for the smoke test (scripts/smoke.py) and the load test
(scripts/load.py): a PostgreSQL database of its own, gunicorn with the production environment of
docs/operations.md, `minxin worker`, and nginx with deploy/nginx-minxin.conf (TLS with a throwaway
self-signed certificate), each process in its own process group, stopped in reverse order."""

import base64
import http.client
import json
import os
import re
import secrets
import signal
import socket
import ssl
import subprocess
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
BIN = ROOT / ".venv" / "bin"


class Failed(Exception):
    pass


def check(condition: object, message: str) -> None:
    if not condition:
        raise Failed(message)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _admin(pg_url: str, *statements: str) -> None:
    import psycopg

    with psycopg.connect(pg_url, autocommit=True) as connection:
        for statement in statements:
            connection.execute(statement)


def _keys(path: Path) -> dict:
    """The stack's identifier keys, kept beside its work directory (which the load test empties) so
    that a database kept between runs stays readable."""
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.touch(mode=0o600)
        key = lambda: base64.urlsafe_b64encode(os.urandom(32)).decode()  # noqa: E731
        path.write_text(json.dumps({"MINXIN_IDENTIFIER_KEYS": f"k1:{key()}", "MINXIN_LOOKUP_KEY": key()}))
    return json.loads(path.read_text())


def database_url(pg_url: str, database: str) -> str:
    """`pg_url` naming another database of the same server."""
    parts = urlsplit(pg_url)
    return urlunsplit((parts.scheme, parts.netloc, "/" + database, parts.query, ""))


def _exists(pg_url: str, database: str) -> bool:
    import psycopg

    with psycopg.connect(pg_url, autocommit=True) as connection:
        return connection.execute("SELECT 1 FROM pg_database WHERE datname = %s", [database]).fetchone() is not None


class Stack:
    def __init__(self, work: Path, pg_url: str, database: str, *, gunicorn_workers: int = 2) -> None:
        self.work, self.pg_url, self.database = work, pg_url, database
        self.gunicorn_workers = gunicorn_workers
        self.ports = {"app": free_port(), "http": free_port(), "https": free_port()}
        self.origin = f"https://127.0.0.1:{self.ports['https']}"
        self.processes: list[tuple[str, subprocess.Popen]] = []
        self.env = {
            **os.environ, "DATABASE_URL": database_url(pg_url, database),
            "MINXIN_VAR_DIR": str(work / "var"),
            # docs/operations.md, "Production environment" (the name is the loopback address here):
            "DEBUG": "0", "SECRET_KEY": secrets.token_urlsafe(50), "ALLOWED_HOSTS": "127.0.0.1",
            "CSRF_TRUSTED_ORIGINS": self.origin, "SECURE_COOKIES": "1", "SECURE_SSL_REDIRECT": "1",
            "SECURE_PROXY_SSL_HEADER": "1", "SECURE_HSTS_SECONDS": "31536000", "SECURE_HSTS_INCLUDE_SUBDOMAINS": "1",
            "SECURE_HSTS_PRELOAD": "1", "MINXIN_TRUSTED_PROXIES": "127.0.0.1", "LOG_FORMAT": "json",
            "LOG_LEVEL": "INFO", "MINXIN_WORKER_BEAT_SECONDS": "2",
            # docs/operations.md, "Keys": from the environment, never from var/
            **_keys(work.parent / f"{database}.keys.json")}

    @property
    def cafile(self) -> Path:
        return self.work / "tls.crt"

    def run(self, *args: str, env_extra: dict | None = None, **kwargs) -> subprocess.CompletedProcess:
        """A command to its end (the CLI logs warnings only: the servers' INFO lines are what is read)."""
        env = {**self.env, "LOG_LEVEL": "WARNING", **(env_extra or {})}
        return subprocess.run(args, env=env, check=True, cwd=ROOT, **kwargs)

    def minxin(self, *args: str, **kwargs) -> subprocess.CompletedProcess:
        return self.run(str(BIN / "minxin"), *args, **kwargs)

    def prepare(self, *, scale: str, fresh: bool = True) -> None:
        """The database, static files, the demo at `scale`, the certificate and nginx's configuration.
        The database is made anew (`fresh`), or else copied from the kept demo: the first run that
        keeps it (or a database loaded beforehand under the stack's name) is analysed and copied as
        `…_demo`, and every later run starts from a copy of that, so the visits one run syncs weigh
        on no later one."""
        template = f"{self.database}_demo"
        kept = not fresh and _exists(self.pg_url, template)
        if fresh or kept:
            self.drop_database()
            _admin(self.pg_url, f'CREATE DATABASE "{self.database}"' + (f' TEMPLATE "{template}"' if kept else ""))
        elif not _exists(self.pg_url, self.database):
            _admin(self.pg_url, f'CREATE DATABASE "{self.database}"')
        self.minxin("check", "--deploy", "--fail-level", "WARNING", stdout=subprocess.DEVNULL)
        self.minxin("migrate", "--noinput", "-v0")
        self.minxin("collectstatic", "--noinput", "-v0")
        self.minxin("demo", "--scale", scale, "--if-empty", stdout=subprocess.DEVNULL)
        if not fresh and not kept:
            _admin(database_url(self.pg_url, self.database), "VACUUM (ANALYZE)")
            _admin(self.pg_url, f'CREATE DATABASE "{template}" TEMPLATE "{self.database}"')
        self.run("openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=127.0.0.1",
                 "-addext", "subjectAltName=IP:127.0.0.1", "-keyout", str(self.work / "tls.key"),
                 "-out", str(self.cafile), stderr=subprocess.DEVNULL)
        self.run("nginx", "-t", "-q", "-c", str(self._nginx_config()), "-g", "daemon off;")

    def _nginx_config(self) -> Path:
        work, ports = self.work, self.ports
        site = (ROOT / "deploy" / "nginx-minxin.conf").read_text()
        for name, value in {"APP_PORT": ports["app"], "HTTP_PORT": ports["http"], "HTTPS_PORT": ports["https"],
                            "SERVER_NAME": "127.0.0.1", "PUBLIC_ORIGIN": self.origin, "LOG_DIR": work,
                            "TLS_CERT": self.cafile, "TLS_KEY": work / "tls.key"}.items():
            site = site.replace(f"@{name}@", str(value))
        left = re.findall(r"^[^#]*(@[A-Z_]+@)", site, re.MULTILINE)
        check(not left, f"placeholders of deploy/nginx-minxin.conf not filled: {left}")
        (work / "site.conf").write_text(site)
        temp = "\n".join(f"    {kind}_temp_path {work}/{kind};"
                         for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi"))
        user = "user root root;\n" if os.geteuid() == 0 else ""
        path = work / "nginx.conf"
        path.write_text(f"{user}worker_processes 2;\npid {work}/nginx.pid;\nerror_log {work}/nginx-error.log warn;\n"
                        f"events {{ worker_connections 1024; }}\n"
                        f"http {{\n    include /etc/nginx/mime.types;\n{temp}\n    include {work}/site.conf;\n}}\n")
        return path

    def _start(self, name: str, *args: str) -> None:
        log = (self.work / f"{name}.log").open("wb")
        process = subprocess.Popen(args, env=self.env, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT,
                                   start_new_session=True)
        self.processes.append((name, process))

    def start(self) -> None:
        self._start("gunicorn", str(BIN / "gunicorn"), "-c", str(ROOT / "deploy" / "gunicorn.conf.py"), "minxin.wsgi",
                    "-w", str(self.gunicorn_workers),
                    "-b", f"127.0.0.1:{self.ports['app']}", "--timeout", "120")
        self._start("worker", str(BIN / "minxin"), "worker", "--interval", "1")
        self._start("nginx", "nginx", "-c", str(self.work / "nginx.conf"), "-g", "daemon off;")

    def pid(self, name: str) -> int:
        return next(process.pid for started, process in self.processes if started == name)

    def alive(self) -> None:
        for name, process in self.processes:
            check(process.poll() is None, f"{name} exited with {process.returncode}: see {self.work / name}.log")

    def wait_ready(self, seconds: int = 90) -> dict:
        """/readyz through nginx until it answers 200 (the worker has beaten)."""
        context = ssl.create_default_context(cafile=str(self.cafile))
        deadline, last = time.monotonic() + seconds, None
        while time.monotonic() < deadline:
            self.alive()
            try:
                connection = http.client.HTTPSConnection("127.0.0.1", self.ports["https"], context=context, timeout=10)
                connection.request("GET", "/readyz")
                response = connection.getresponse()
                data = response.read()
                last = (response.status, data[:300])
                if response.status == 200:
                    return json.loads(data)
            except OSError as exc:
                last = exc
            time.sleep(1)
        raise Failed(f"not ready within {seconds} s: {last}")

    def stop(self) -> None:
        for _name, process in reversed(self.processes):
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
                try:
                    process.wait(timeout=20)
                except subprocess.TimeoutExpired:
                    os.killpg(process.pid, signal.SIGKILL)
                    process.wait()
        self.processes.clear()

    def drop_database(self) -> None:
        _admin(self.pg_url, f'DROP DATABASE IF EXISTS "{self.database}" WITH (FORCE)')

    def show_logs(self, lines: int = 15) -> str:
        out = []
        for name in ("gunicorn", "worker", "nginx", "nginx-error"):
            log = self.work / f"{name}.log"
            if log.exists():
                out.append(f"--- {name}.log (last lines)")
                out.extend(log.read_text(errors="replace").splitlines()[-lines:])
        return "\n".join(out)
