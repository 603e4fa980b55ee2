"""Drill: two app hosts behind nginx, one lost (SIGKILL) in the middle of an exam.

The production topology on one machine: nginx (Debian's package) with TLS,
configured from deploy/nginx/elearning.conf.template, balancing two gunicorn
hosts (gunicorn.conf.py, one worker each) on the same PostgreSQL (the test
database) and a private Redis (broker and cache), two Celery workers and one
beat, all with production's settings (tests/drills/server_settings.py).

300 learners, each from their own loopback address, sign in through the
login form, start the final quiz and change an answer every few seconds. The
client keeps the quiz page's queue (static/js/quiz-attempt.js): one save at
a time, a save without an acknowledgement stays queued and is sent again at
the next change or within 5 s. Midway, one host (gunicorn's master and its
worker) gets SIGKILL. Then:

- every acknowledged answer is in the database (none lost);
- no learner was signed out: no request was sent to the login page, and
  every learner's attempt page answers 200 after the kill, also for those who
  signed in through the lost host (sessions live in PostgreSQL and Redis);
- one live attempt per learner;
- the only failed requests are saves that were in flight on the lost host
  (started before it died: nginx does not resend a POST it has sent), and
  every one of them was acknowledged when the queue sent it again.
"""

from __future__ import annotations

import contextlib
import http.client
import json
import os
import random
import re
import shutil
import signal
import socket
import ssl
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from string import Template

import pytest

from tests.quizzes.conftest import correct_response, make_quiz, wrong_response

from .conftest import (
    ROOT,
    alive,
    app_env,
    children_of,
    free_port,
    kill_tree,
    port_open,
    wait_for,
)

pytestmark = [
    pytest.mark.drill,
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True),
]

NGINX = Path("/usr/sbin/nginx")
TEMPLATE = ROOT / "deploy" / "nginx" / "elearning.conf.template"
LEARNERS = 300
# Mean seconds between two answer changes of a learner (uniform 0..2×).
THINK = 4.0
# The page's queue sends what is still unsent every 5 s (setInterval).
RESEND_EVERY = 5.0
# Exam seconds before and after the host is killed.
BEFORE_KILL = 20.0
AFTER_KILL = 25.0
PASSWORD = "Mật-khẩu-diễn-tập-2026"  # noqa: S105 - the drill's own accounts


# --- processes ---------------------------------------------------------------


class Service:
    """One process of the topology, its output in a log file."""

    def __init__(self, name: str, argv: list[str], env: dict, log_dir: Path):
        self.name = name
        self.log_path = log_dir / f"{name}.log"
        self._log = self.log_path.open("wb")
        self.process = subprocess.Popen(  # noqa: S603 - fixed argv
            argv, cwd=ROOT, env=env, stdout=self._log, stderr=subprocess.STDOUT
        )

    def output(self) -> str:
        return self.log_path.read_text(errors="replace")

    def kill9(self) -> list[int]:
        """SIGKILL the process and its children; returns when all are gone."""
        pids = [self.process.pid, *children_of(self.process.pid)]
        for pid in pids:
            os.kill(pid, signal.SIGKILL)
        self.process.wait(10)
        wait_for(
            lambda: not any(alive(pid) for pid in pids),
            timeout=10,
            interval=0.01,
            what=f"{self.name} to die",
        )
        return pids

    def stop(self) -> None:
        kill_tree(self.process, signal.SIGTERM)
        kill_tree(self.process)
        self._log.close()


def _certificate(directory: Path) -> tuple[Path, Path]:
    """A self-signed certificate for localhost (EC P-256: cheap handshakes)."""
    cert, key = directory / "localhost.pem", directory / "localhost.key"
    subprocess.run(
        [
            "openssl", "req", "-x509", "-newkey", "ec",
            "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-days", "1",
            "-subj", "/CN=localhost", "-addext", "subjectAltName=DNS:localhost",
            "-keyout", str(key), "-out", str(cert),
        ],
        check=True,
        capture_output=True,
        timeout=30,
    )  # fmt: skip
    return cert, key


def _nginx_conf(directory: Path, site: dict[str, str]) -> Path:
    """The production site file inside a minimal nginx.conf of the drill's own."""
    text = Template(TEMPLATE.read_text()).safe_substitute(site)
    # Comments may name the placeholders; the directives must not.
    directives = "\n".join(
        line for line in text.splitlines() if not line.lstrip().startswith("#")
    )
    assert "${" not in directives, "a placeholder of the template is not filled in"
    (directory / "elearning.conf").write_text(text)
    temp = "\n".join(
        f"    {kind}_temp_path {directory / kind};"
        for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
    )
    # Run as root (CI), nginx's workers drop to nobody.
    user = "user nobody nogroup;\n" if os.geteuid() == 0 else ""
    conf = directory / "nginx.conf"
    conf.write_text(
        f"{user}worker_processes 1;\n"
        f"pid {directory / 'nginx.pid'};\n"
        f"error_log {directory / 'error.log'} warn;\n"
        "events { worker_connections 2048; }\n"
        "http {\n"
        f"{temp}\n"
        "    access_log off;\n"
        f"    include {directory / 'elearning.conf'};\n"
        "}\n"
    )
    return conf


# --- the learners' side ------------------------------------------------------


@dataclass
class Record:
    learner: int
    kind: str
    started: float
    ended: float
    status: int
    question: int | None = None
    version: int | None = None


class InFlight:
    """How many saves are waiting for their answer right now."""

    def __init__(self):
        self.count = 0
        self._lock = threading.Lock()

    def add(self, n: int) -> None:
        with self._lock:
            self.count += n


IN_FLIGHT = InFlight()


@dataclass
class Reply:
    status: int
    body: bytes
    location: str


@dataclass
class Learner:
    """One learner's browser: its own address, cookies and keep-alive
    connection to nginx, and the quiz page's queue of unsent answers."""

    number: int
    email: str
    port: int
    context: ssl.SSLContext
    records: list[Record]
    cookies: dict[str, str] = field(default_factory=dict)
    conn: http.client.HTTPSConnection | None = None
    attempt_url: str = ""
    save_url: str = ""
    questions: list[int] = field(default_factory=list)
    responses: dict[int, list[dict]] = field(default_factory=dict)
    versions: dict[int, int] = field(default_factory=dict)
    pending: dict[int, tuple[int, dict]] = field(default_factory=dict)
    acked: dict[int, tuple[int, dict]] = field(default_factory=dict)

    @property
    def address(self) -> str:
        return f"127.0.{1 + self.number // 250}.{1 + self.number % 250}"

    @property
    def origin(self) -> str:
        return f"https://localhost:{self.port}"

    def request(
        self,
        kind,
        method,
        path,
        *,
        body=None,
        headers=None,
        question=None,
        version=None,
    ) -> Reply:
        started = time.monotonic()
        if kind == "save":
            IN_FLIGHT.add(1)
        sent = {"Origin": self.origin, "Referer": self.origin + path}
        if self.cookies:
            sent["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        sent.update(headers or {})
        try:
            if self.conn is None:
                self.conn = http.client.HTTPSConnection(
                    "localhost",
                    self.port,
                    context=self.context,
                    timeout=60,
                    source_address=(self.address, 0),
                )
            self.conn.request(method, path, body=body, headers=sent)
            response = self.conn.getresponse()
            reply = Reply(
                response.status, response.read(), response.getheader("Location", "")
            )
            for header in response.msg.get_all("Set-Cookie") or []:
                name, _, rest = header.partition("=")
                value = rest.split(";", 1)[0]
                if value and "max-age=0" not in header.lower():
                    self.cookies[name.strip()] = value
                else:
                    self.cookies.pop(name.strip(), None)
        except (OSError, http.client.HTTPException):
            if self.conn is not None:
                self.conn.close()
            self.conn = None
            reply = Reply(0, b"", "")
        if kind == "save":
            IN_FLIGHT.add(-1)
        self.records.append(
            Record(
                self.number,
                kind,
                started,
                time.monotonic(),
                reply.status,
                question,
                version,
            )
        )
        return reply

    def form_post(self, kind, path, fields) -> Reply:
        return self.request(
            kind,
            "POST",
            path,
            body=urllib.parse.urlencode(fields),
            headers={"Content-Type": "application/x-www-form-urlencoded"},
        )

    def sign_in(self, login_url: str) -> None:
        page = self.request("login_page", "GET", login_url)
        assert page.status == 200, page.status
        token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', page.body)
        reply = self.form_post(
            "login",
            login_url,
            {
                "login": self.email,
                "password": PASSWORD,
                "csrfmiddlewaretoken": token.group(1).decode(),
            },
        )
        assert reply.status == 302 and "login" not in reply.location, (
            reply.status,
            reply.location,
            reply.body[-500:],
        )

    def start_quiz(self, quiz_url: str, start_url: str) -> None:
        page = self.request("quiz_page", "GET", quiz_url)
        assert page.status == 200, page.status
        token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', page.body)
        reply = self.form_post(
            "start", start_url, {"csrfmiddlewaretoken": token.group(1).decode()}
        )
        assert reply.status == 302 and "/attempts/" in reply.location, reply
        self.attempt_url = urllib.parse.urlsplit(reply.location).path
        page = self.request("attempt_page", "GET", self.attempt_url)
        assert page.status == 200, page.status
        self.save_url = re.search(rb'data-save-url="([^"]+)"', page.body).group(1)
        self.save_url = self.save_url.decode()
        self.questions = [
            int(q) for q in re.findall(rb'data-question="(\d+)"', page.body)
        ]
        assert self.questions

    # The quiz page's queue (static/js/quiz-attempt.js).

    def change_answer(self, rng: random.Random) -> None:
        question = rng.choice(self.questions)
        self.versions[question] = self.versions.get(question, 0) + 1
        response = rng.choice(self.responses[question])
        self.pending[question] = (self.versions[question], response)

    def flush(self) -> None:
        """Send the queue one save at a time; stop at the first failure."""
        while self.pending:
            question = next(iter(self.pending))
            version, response = self.pending[question]
            reply = self.request(
                "save",
                "POST",
                self.save_url,
                body=json.dumps(
                    {"question": question, "response": response, "version": version}
                ),
                headers={
                    "Content-Type": "application/json",
                    "X-CSRFToken": self.cookies.get("csrftoken", ""),
                    "Referer": self.origin + self.attempt_url,
                },
                question=question,
                version=version,
            )
            if reply.status != 200:
                # 400/409 would drop it or close the page; neither may
                # happen here (asserted from the records). Anything else
                # (nginx's 502, a lost connection): stays queued.
                return
            stored = json.loads(reply.body)["version"]
            if stored == version:
                self.acked[question] = (version, response)
            if self.pending.get(question, (0,))[0] <= stored:
                del self.pending[question]

    def sit_exam(self, seed: int, stop_at: float) -> None:
        rng = random.Random(seed)
        now = time.monotonic()
        next_change = now + rng.uniform(0, 2 * THINK)
        next_resend = now + RESEND_EVERY
        while True:
            now = time.monotonic()
            if now >= stop_at:
                break
            time.sleep(max(0.0, min(next_change, next_resend, stop_at) - now))
            now = time.monotonic()
            if now >= next_change and now < stop_at:
                self.change_answer(rng)
                self.flush()
                next_change = time.monotonic() + rng.uniform(0, 2 * THINK)
            if now >= next_resend:
                self.flush()
                next_resend += RESEND_EVERY
        # The page stays open until its queue is empty.
        for _ in range(10):
            self.flush()
            if not self.pending:
                break
            time.sleep(1)


# --- the drill ---------------------------------------------------------------


def _learners(course, count: int):
    """``count`` learners enrolled in ``course``, ready to sign in."""
    from allauth.account.models import EmailAddress
    from django.contrib.auth.models import Group
    from django.utils.crypto import get_random_string

    from courses.models import Enrolment
    from elearning.people.hashers import ProvinceArgon2PasswordHasher
    from elearning.people.models import PrivacyConsent, User
    from elearning.people.services import PRIVACY_NOTICE_VERSION

    # One hash for all, made as production makes them (no re-hash at sign-in).
    hashed = ProvinceArgon2PasswordHasher().encode(PASSWORD, get_random_string(22))
    emails = [f"hocvien{n:03d}@dientap.dongnai.example.gov.vn" for n in range(count)]
    User.objects.bulk_create([User(email=e, password=hashed) for e in emails])
    users = list(User.objects.filter(email__in=emails).order_by("email"))
    Group.objects.get_or_create(name="learner")[0].user_set.add(*users)
    EmailAddress.objects.bulk_create(
        [
            EmailAddress(user=u, email=u.email, verified=True, primary=True)
            for u in users
        ]
    )
    PrivacyConsent.objects.bulk_create(
        [PrivacyConsent(user=u, notice_version=PRIVACY_NOTICE_VERSION) for u in users]
    )
    Enrolment.objects.bulk_create([Enrolment(learner=u, course=course) for u in users])
    return users


def _database_url() -> str:
    from django.db import connection

    s = connection.settings_dict
    return (
        f"postgres://{s['USER']}:{s['PASSWORD']}@{s['HOST'] or '127.0.0.1'}:"
        f"{s['PORT'] or 5432}/{s['NAME']}"
    )


def _nginx_log(path: Path) -> list[dict]:
    pattern = re.compile(
        r"^(?P<client>\S+) \[[^\]]+\] (?P<at>[\d.]+) "
        r'"(?P<method>\S+) (?P<path>\S+) [^"]*" '
        r"(?P<status>\d+) \d+ \S+ upstream=(?P<upstream>.*) "
        r"upstream_status=(?P<upstream_status>.*)$"
    )
    return [
        match.groupdict()
        for line in path.read_text().splitlines()
        if (match := pattern.match(line))
    ]


def _pct(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(p / 100 * len(ordered)))] * 1000


def test_one_app_host_killed_mid_exam_loses_no_answer_and_no_session(
    private_redis, tmp_path, course, bank
):
    from django.urls import reverse

    from bench.quiz_autosave import verify_acked
    from elearning.people.models import AccessLog
    from quizzes.models import Attempt, AttemptAnswer

    if not NGINX.exists():
        message = f"{NGINX} is missing: apt-get install nginx-light"
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)

    quiz = make_quiz(course, time_limit_minutes=60, attempts_allowed=1)
    # nginx's own directory: its workers (nobody, when run as root) write
    # their temporary files there, so not under pytest's private tmp_path.
    nginx_dir = Path(tempfile.mkdtemp(prefix="drill-nginx-"))
    nginx_dir.chmod(0o755)
    cert, key = _certificate(nginx_dir)
    https_port, http_port = free_port(), free_port()
    app_ports = [free_port(), free_port()]
    origin = f"https://localhost:{https_port}"
    env = app_env(
        DJANGO_SETTINGS_MODULE="tests.drills.server_settings",
        ALLOWED_HOSTS="localhost",
        CSRF_TRUSTED_ORIGINS=origin,
        SITE_URL=origin,
        DATABASE_URL=_database_url(),
        CELERY_BROKER_URL=private_redis.url,
        CACHE_URL=f"rediscache://127.0.0.1:{private_redis.port}/1",
        MEDIA_ROOT=str(tmp_path / "media"),
        PRIVATE_MEDIA_ROOT=str(tmp_path / "private-media"),
        LOG_LEVEL="WARNING",
        GUNICORN_WORKERS="1",
        GUNICORN_FORWARDED_ALLOW_IPS="127.0.0.1",
    )
    site = {
        "APP_HOST_1": f"127.0.0.1:{app_ports[0]}",
        "APP_HOST_2": f"127.0.0.1:{app_ports[1]}",
        "SERVER_NAME": "localhost",
        "HTTPS_PORT": str(https_port),
        "HTTP_PORT": str(http_port),
        "TLS_CERTIFICATE": str(cert),
        "TLS_CERTIFICATE_KEY": str(key),
        "MEDIA_ROOT": str(tmp_path / "media"),
        "LOG_DIR": str(nginx_dir),
    }
    conf = _nginx_conf(nginx_dir, site)
    checked = subprocess.run(
        [str(NGINX), "-t", "-p", str(nginx_dir), "-c", str(conf)],
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert checked.returncode == 0, checked.stderr

    context = ssl.create_default_context(cafile=str(cert))
    records: list[Record] = []
    learners: list[Learner] = []
    services: list[Service] = []
    celery = str(ROOT / ".venv/bin/celery")
    launched = time.monotonic()
    try:
        hosts = [
            Service(
                f"app-{n + 1}",
                [str(ROOT / ".venv/bin/gunicorn"), "-c", "gunicorn.conf.py"],
                {**env, "GUNICORN_BIND": f"127.0.0.1:{port}"},
                tmp_path,
            )
            for n, port in enumerate(app_ports)
        ]
        services += hosts
        services += [
            Service(
                f"worker-{n}",
                [
                    celery, "-A", "elearning", "worker", "--pool", "prefork",
                    "--concurrency", "1", "--hostname", f"drill-{n}@%h",
                    "--without-gossip", "--without-mingle", "--without-heartbeat",
                    "--loglevel", "INFO",
                ],
                env,
                tmp_path,
            )
            for n in (1, 2)
        ]  # fmt: skip
        services.append(
            Service(
                "beat",
                [
                    celery, "-A", "elearning", "beat", "--loglevel", "INFO",
                    "--schedule", str(tmp_path / "beat-schedule"),
                ],
                env,
                tmp_path,
            )
        )  # fmt: skip
        nginx = Service(
            "nginx",
            [str(NGINX), "-p", str(nginx_dir), "-c", str(conf), "-g", "daemon off;"],
            env,
            tmp_path,
        )
        services.append(nginx)
        # The learners are made while the processes start.
        users = _learners(course, LEARNERS)
        learners += [
            Learner(n, user.email, https_port, context, records)
            for n, user in enumerate(users)
        ]
        for port in app_ports:
            wait_for(
                lambda p=port: _healthz(p) == 200,
                timeout=120,
                interval=0.5,
                what=f"gunicorn on {port}",
            )
        wait_for(lambda: port_open(https_port), timeout=20, what="nginx")
        ready_seconds = time.monotonic() - launched

        login_url = reverse("account_login")
        started = time.monotonic()
        with ThreadPoolExecutor(max_workers=60) as pool:
            list(pool.map(lambda learner: learner.sign_in(login_url), learners))
        signed_in_seconds = time.monotonic() - started
        start_url = reverse("quizzes:start", args=[quiz.pk])
        started = time.monotonic()
        with ThreadPoolExecutor(max_workers=60) as pool:
            list(
                pool.map(
                    lambda learner: learner.start_quiz(quiz.url, start_url), learners
                )
            )
        started_seconds = time.monotonic() - started

        # Each question's answers (a right and a wrong one), as the page
        # offers them.
        snapshots = {
            (row.attempt_id, row.question_id): row.snapshot
            for row in AttemptAnswer.objects.filter(attempt__quiz=quiz)
        }
        for learner in learners:
            attempt_id = int(learner.attempt_url.rstrip("/").rsplit("/", 1)[1])
            for question in learner.questions:
                snapshot = snapshots[(attempt_id, question)]
                learner.responses[question] = [
                    correct_response(snapshot),
                    wrong_response(snapshot),
                ]

        exam_started = time.monotonic()
        stop_at = exam_started + BEFORE_KILL + AFTER_KILL
        threads = [
            threading.Thread(target=learner.sit_exam, args=(n, stop_at))
            for n, learner in enumerate(learners)
        ]
        for thread in threads:
            thread.start()
        time.sleep(BEFORE_KILL)
        # At a busy moment (several saves waiting for their answer, some of
        # them on the host about to die), or after 5 s whatever the load.
        with contextlib.suppress(TimeoutError):
            wait_for(lambda: IN_FLIGHT.count >= 4, timeout=5, interval=0.005)
        in_flight_at_kill = IN_FLIGHT.count
        kill_started = time.monotonic()
        hosts[0].kill9()
        killed_at, killed_epoch = time.monotonic(), time.time()
        for thread in threads:
            thread.join(AFTER_KILL + 60)
        assert not any(thread.is_alive() for thread in threads)
        exam_ended = time.monotonic()

        # Every learner, whichever host signed them in, is still signed in.
        after = []
        with ThreadPoolExecutor(max_workers=30) as pool:
            after = list(
                pool.map(
                    lambda learner: learner.request(
                        "after", "GET", learner.attempt_url
                    ),
                    learners,
                )
            )
        wait_for(
            lambda: "close_overdue_attempts" in _succeeded(services),
            timeout=90,
            interval=1,
            what="beat's close_overdue_attempts to run on a worker",
        )
        worker_tasks = _succeeded(services)
    finally:
        for learner in learners:
            if learner.conn is not None:
                learner.conn.close()
        stopping = time.monotonic()
        stop_each = {}
        for service in reversed(services):
            began = time.monotonic()
            service.stop()
            stop_each[service.name] = round(time.monotonic() - began, 1)
        stop_seconds = time.monotonic() - stopping
        for service in services:
            if service.process.returncode not in (0, -signal.SIGTERM, -signal.SIGKILL):
                print(f"--- {service.name}\n{service.output()[-3000:]}")  # noqa: T201
        errors = nginx_dir / "error.log"
        if errors.exists() and errors.stat().st_size:
            print(f"--- nginx errors\n{errors.read_text()[-3000:]}")  # noqa: T201
        access = nginx_dir / "elearning.access.log"
        log = _nginx_log(access) if access.exists() else []
        shutil.rmtree(nginx_dir, ignore_errors=True)

    host_a, host_b = site["APP_HOST_1"], site["APP_HOST_2"]
    upstreams = Counter(line["upstream"].split(", ")[-1] for line in log)
    by_kind = Counter(r.kind for r in records)
    failed = [r for r in records if r.status not in (200, 302)]
    saves = [r for r in records if r.kind == "save" and r.status == 200]
    before = [r.ended - r.started for r in saves if r.ended < kill_started]
    later = [r.ended - r.started for r in saves if r.started > killed_at]
    signed_in_via_a = {
        line["client"]
        for line in log
        if line["method"] == "POST"
        and line["path"] == login_url
        and line["upstream"] == host_a
    }
    passed_on = [line for line in log if ", " in line["upstream"]]
    lost = verify_acked(
        {
            (int(learner.attempt_url.rstrip("/").rsplit("/", 1)[1]), q): acked
            for learner in learners
            for q, acked in learner.acked.items()
        }
    )
    print(  # noqa: T201
        f"topology ready in {ready_seconds:.0f} s, stopped in {stop_seconds:.0f} s "
        f"{stop_each}; "
        f"requests served by host 1 / host 2: {upstreams[host_a]} / "
        f"{upstreams[host_b]}; "
        f"{LEARNERS} learners: signed in in {signed_in_seconds:.1f} s, started the "
        f"quiz in {started_seconds:.1f} s; exam {exam_ended - exam_started:.0f} s, "
        f"host killed at {kill_started - exam_started:.0f} s "
        f"(gone {1000 * (killed_at - kill_started):.0f} ms later) with "
        f"{in_flight_at_kill} saves in flight on both hosts; "
        f"requests {dict(by_kind)}; saves acknowledged {len(saves)} "
        f"({len(saves) / (exam_ended - exam_started):.0f}/s); "
        f"save ms before the kill p50 {_pct(before, 50):.0f} p95 {_pct(before, 95):.0f}"
        f", after p50 {_pct(later, 50):.0f} p95 {_pct(later, 95):.0f} "
        f"max {_pct(later, 100):.0f}; failed {len(failed)} "
        f"{dict(Counter((r.kind, r.status) for r in failed))}; nginx passed "
        f"{len(passed_on)} requests on to the other host; "
        f"{len(signed_in_via_a)} learners had signed in through the lost host; "
        f"answers lost {lost}; worker tasks {dict(worker_tasks)}"
    )

    # Both hosts served the exam until one was lost; then only the other.
    assert upstreams[host_a] > 0 and upstreams[host_b] > 0, upstreams
    after_kill = [
        line
        for line in log
        if float(line["at"]) > killed_epoch and line["status"] in ("200", "302")
    ]
    assert after_kill
    assert all(line["upstream"].split(", ")[-1] == host_b for line in after_kill)
    assert len(signed_in_via_a) > 0
    # The only failures: saves in flight on the lost host, answered 502 by
    # nginx (a POST it had sent is not resent), each started before the host
    # was gone.
    assert all(r.kind == "save" and r.status == 502 for r in failed), failed
    assert all(r.started < killed_at for r in failed), failed
    nginx_failed = [line for line in log if line["status"] not in ("200", "302")]
    assert len(nginx_failed) == len(failed)
    assert all(line["upstream"].startswith(host_a) for line in nginx_failed)
    # ... and every one of them was acknowledged when the queue sent it again.
    for r in failed:
        learner = learners[r.learner]
        assert learner.acked.get(r.question, (0,))[0] >= r.version, r
    assert not any(learner.pending for learner in learners)
    # The exam went on through the other host.
    assert len(later) > LEARNERS
    # No learner signed out: nobody was sent to the login page, the attempt
    # page answers every one of them after the kill.
    assert not any(r.status == 302 and r.kind in ("save", "after") for r in records)
    assert all(
        reply.status == 200 and b'id="quiz-form"' in reply.body for reply in after
    ), Counter(reply.status for reply in after)
    # Every acknowledged answer is in the database.
    assert sum(len(learner.acked) for learner in learners) > LEARNERS
    assert lost == 0
    # One live attempt each.
    attempts = Attempt.objects.filter(quiz=quiz)
    assert attempts.count() == LEARNERS
    assert attempts.live().count() == LEARNERS
    assert attempts.values("learner").distinct().count() == LEARNERS
    assert worker_tasks["close_overdue_attempts"] >= 1
    # The app saw each learner's own address (nginx's X-Forwarded-For), not
    # the proxy's: the audit log records where each sign-in came from.
    signed_in_from = dict(
        AccessLog.objects.filter(
            action=AccessLog.Action.LOGIN, actor__in=users
        ).values_list("actor__email", "ip")
    )
    assert signed_in_from == {learner.email: learner.address for learner in learners}


def _healthz(port: int) -> int:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
    try:
        connection.request("GET", "/healthz", headers={"Host": "localhost"})
        return connection.getresponse().status
    finally:
        connection.close()


def _succeeded(services: list[Service]) -> Counter:
    """Tasks the Celery workers finished, by short name."""
    done = Counter()
    for service in services:
        if service.name.startswith("worker-"):
            for name in re.findall(
                r"Task [\w.]+\.(\w+)\[[^\]]+\] succeeded", service.output()
            ):
                done[name] += 1
    return done


_THREADED_HOST = """
import os, socket, sys, threading, time
listening = socket.create_server(("127.0.0.1", int(sys.argv[1])))
if os.fork() == 0:
    memory = [bytearray(1 << 20) for _ in range(400)]
    for block in memory:
        block[::4096] = b"x" * len(block[::4096])
    for _ in range(2):
        threading.Thread(target=time.sleep, args=(600,), daemon=True).start()
    print("ready", flush=True)
time.sleep(600)
"""


def test_a_killed_host_is_gone_only_once_its_port_refuses_connections(tmp_path):
    """What the drill calls the moment a host is lost. As gunicorn's are: a
    master holding the listening socket and a threaded worker, its child,
    with memory to tear down; once ``kill9`` returns, nothing accepts on
    the port."""
    port = free_port()
    host = Service(
        "threaded-host",
        [sys.executable, "-c", _THREADED_HOST, str(port)],
        os.environ.copy(),
        tmp_path,
    )
    try:
        wait_for(lambda: "ready" in host.output(), timeout=30, what="the threaded host")
        host.kill9()
        with pytest.raises(ConnectionRefusedError):
            socket.create_connection(("127.0.0.1", port), timeout=5).close()
    finally:
        host.stop()
