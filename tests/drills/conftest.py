"""Fault drills: each starts its own private processes and always kills them.

Run with ``make drills`` (``pytest -m drill tests/drills``). A drill that
stops Redis or PostgreSQL stops a private instance on a free port, never the
shared server.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import socket
import subprocess
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

# Fixtures the drills share with the feature tests.
from tests.certificates.conftest import (  # noqa: F401
    completion,
    enrol,
    issuers,
    template,
)
from tests.quizzes.conftest import (  # noqa: F401
    _base_data_for_db_tests,
    bank,
    base_data,
    course,
    gift_source,
)

ROOT = Path(__file__).resolve().parents[2]


def _pg_bin() -> Path:
    """The newest installed PostgreSQL's programs (Debian layout)."""
    if os.environ.get("PG_BIN"):
        return Path(os.environ["PG_BIN"])
    versions = sorted(
        Path("/usr/lib/postgresql").glob("*/bin"),
        key=lambda p: int(p.parent.name) if p.parent.name.isdigit() else 0,
    )
    return versions[-1] if versions else Path("/usr/lib/postgresql/15/bin")


PG_BIN = _pg_bin()


def pytest_collection_modifyitems(config, items):
    """Drills run only when asked for by marker (``-m drill``)."""
    if "drill" in (config.option.markexpr or ""):
        return
    skip = pytest.mark.skip(reason="fault drill: run with `make drills`")
    for item in items:
        if item.get_closest_marker("drill"):
            item.add_marker(skip)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for(check, *, timeout: float, interval: float = 0.2, what: str = ""):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with contextlib.suppress(Exception):
            result = check()
            if result:
                return result
        time.sleep(interval)
    raise TimeoutError(f"timed out after {timeout:.0f} s waiting for {what}")


def children_of(pid: int) -> list[int]:
    found = []
    for task in Path(f"/proc/{pid}/task").glob("*"):
        with contextlib.suppress(OSError):
            found += [int(p) for p in (task / "children").read_text().split()]
    return found


def alive(pid: int) -> bool:
    """Any thread of the process still running (a zombie left by a killed
    parent counts as gone).

    Every thread counts: a threaded process's main thread turns zombie while
    its other threads are still tearing down its memory, and its sockets
    (gunicorn's listening one, a database connection) stay open until the
    last thread has exited.
    """
    for stat in Path(f"/proc/{pid}/task").glob("*/stat"):
        with contextlib.suppress(OSError):
            if stat.read_text().rsplit(")", 1)[1].split()[0] != "Z":
                return True
    return False


def kill_tree(process: subprocess.Popen, sig=signal.SIGKILL) -> None:
    """Send ``sig`` to ``process`` and its children (by pid, never by name)
    and wait, 10 s at most, until every one of them is gone: a child can
    outlive its parent for a moment, holding its database connection."""
    if process.poll() is not None:
        return
    pids = [process.pid, *children_of(process.pid)]
    for pid in pids:
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, sig)
    with contextlib.suppress(subprocess.TimeoutExpired):
        process.wait(10)
    with contextlib.suppress(TimeoutError):
        wait_for(
            lambda: not any(alive(pid) for pid in pids),
            timeout=10,
            interval=0.05,
            what="the processes to end",
        )


def port_open(port: int) -> bool:
    with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), 1):
        return True
    return False


class PrivateRedis:
    """redis-server on a free port, no persistence; stop() and start() it."""

    def __init__(self):
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.process: subprocess.Popen | None = None

    def start(self):
        self.process = subprocess.Popen(
            [
                shutil.which("redis-server") or "redis-server",
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        wait_for(lambda: port_open(self.port), timeout=20, what="redis-server")

    def stop(self):
        if self.process is not None:
            kill_tree(self.process)
            self.process = None
        wait_for(lambda: not port_open(self.port), timeout=10, what="redis to stop")


@pytest.fixture(autouse=True)
def no_session_left_behind(request, django_db_blocker):
    """After a drill that used the test database, wait until the processes
    it started have left it, and fail naming any that stays: pytest drops
    the database at the end, which PostgreSQL refuses while a session is
    open on it."""
    yield
    if not request.node.get_closest_marker("django_db"):
        return
    from django.db import connection

    if connection.vendor != "postgresql":
        return

    def others() -> list[tuple]:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT pid, state, backend_start, left(query, 60) "
                "FROM pg_stat_activity WHERE datname = current_database() "
                # Autovacuum may work on it: DROP DATABASE stops that itself.
                "AND backend_type = 'client backend' AND pid <> pg_backend_pid()"
            )
            return cursor.fetchall()

    with django_db_blocker.unblock():
        try:
            wait_for(lambda: not others(), timeout=30, what="sessions to close")
        except TimeoutError:
            pytest.fail(f"sessions left on the test database: {others()}")


@pytest.fixture
def private_redis():
    redis = PrivateRedis()
    redis.start()
    try:
        yield redis
    finally:
        redis.stop()


def _as_postgres_user() -> list[str]:
    """initdb and postgres refuse to run as root: drop to the postgres user."""
    if os.geteuid() == 0:
        return ["runuser", "-u", "postgres", "--"]
    return []


class PrivatePostgres:
    """A throw-away PostgreSQL cluster in a temporary directory."""

    def __init__(self):
        self.port = free_port()
        self.dir = Path(tempfile.mkdtemp(prefix="drill-pg-"))
        self.data = self.dir / "data"
        self.log = self.dir / "server.log"
        self.user = "elearning"
        if os.geteuid() == 0:
            shutil.chown(self.dir, "postgres", "postgres")

    def url(self, database: str) -> str:
        return f"postgres://{self.user}@127.0.0.1:{self.port}/{database}"

    def _run(self, *args: str, timeout: float = 120) -> None:
        subprocess.run(
            [*_as_postgres_user(), *args],
            check=True,
            timeout=timeout,
            cwd=self.dir,
            stdout=subprocess.DEVNULL,
        )

    def init(self) -> None:
        self._run(
            str(PG_BIN / "initdb"),
            "-D",
            str(self.data),
            "-U",
            self.user,
            "-A",
            "trust",
            "-E",
            "UTF8",
            "--locale",
            "C.UTF-8",
        )

    def pg_ctl(self, action: str, *extra: str) -> None:
        options = (
            f"-p {self.port} -c listen_addresses=127.0.0.1 "
            f"-c unix_socket_directories={self.dir} -c fsync=off "
            "-c synchronous_commit=off -c full_page_writes=off"
        )
        self._run(
            str(PG_BIN / "pg_ctl"),
            action,
            "-D",
            str(self.data),
            "-l",
            str(self.log),
            "-o",
            options,
            "-w",
            "-t",
            "60",
            *extra,
        )

    def start(self) -> None:
        self.pg_ctl("start")

    def stop(self) -> None:
        with contextlib.suppress(subprocess.SubprocessError):
            self.pg_ctl("stop", "-m", "immediate")

    def psql(self, sql: str, database: str = "postgres") -> str:
        return subprocess.run(
            [
                str(PG_BIN / "psql"),
                "-v",
                "ON_ERROR_STOP=1",
                "-tA",
                self.url(database),
                "-c",
                sql,
            ],
            check=True,
            capture_output=True,
            text=True,
            timeout=60,
        ).stdout.strip()

    def remove(self) -> None:
        self.stop()
        shutil.rmtree(self.dir, ignore_errors=True)


@pytest.fixture(scope="module")
def private_postgres():
    cluster = PrivatePostgres()
    try:
        cluster.init()
        cluster.start()
        yield cluster
    finally:
        cluster.remove()


def app_env(**extra: str) -> dict[str, str]:
    """Environment of a server or worker process started by a drill."""
    env = {
        **os.environ,
        # The development settings with DEBUG off: persistent connections
        # with health checks as in production, plain HTTP, no manifest.
        "DJANGO_SETTINGS_MODULE": "elearning.settings.dev",
        "DJANGO_READ_DOT_ENV": "0",
        "DEBUG": "false",
        "SECRET_KEY": "drill-only-secret-key-not-for-any-deployment-0123456789",
        "CONN_MAX_AGE": "60",
        "CELERY_BROKER_URL": "",
        "EMAIL_URL": "dummymail://",
        "CACHE_URL": "locmemcache://",
    }
    env.update(extra)
    return env


class Server:
    """gunicorn serving the project on a free port with the given env."""

    def __init__(self, env: dict[str, str], *, workers: int = 2):
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.log = tempfile.NamedTemporaryFile(  # noqa: SIM115 - closed in stop()
            prefix="drill-server-", suffix=".log", delete=False
        )
        self.process = subprocess.Popen(
            [
                str(ROOT / ".venv/bin/gunicorn"),
                "elearning.wsgi:application",
                "--config",
                "/dev/null",
                "--bind",
                f"127.0.0.1:{self.port}",
                "--workers",
                str(workers),
                "--threads",
                "4",
                "--timeout",
                "60",
                "--graceful-timeout",
                "5",
                "--no-control-socket",
            ],
            cwd=ROOT,
            env=env,
            stdout=self.log,
            stderr=subprocess.STDOUT,
        )
        wait_for(
            lambda: self.get("/healthz", timeout=5)[0] in (200, 503),
            timeout=90,
            interval=0.5,
            what="gunicorn",
        )

    def get(self, path: str, timeout: float = 15) -> tuple[int, str]:
        request = urllib.request.Request(  # noqa: S310 - http://127.0.0.1 only
            self.base + path, headers={"Host": "localhost"}
        )
        try:
            with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310
                return response.status, response.read().decode()
        except urllib.error.HTTPError as exc:
            return exc.code, exc.read().decode()

    def output(self) -> str:
        return Path(self.log.name).read_text(errors="replace")

    def stop(self) -> None:
        kill_tree(self.process, signal.SIGTERM)
        kill_tree(self.process)
        self.log.close()
        print(self.output()[-3000:])  # noqa: T201 - shown when a drill fails
        os.unlink(self.log.name)
