"""Locust scenarios of `make perf` (run by bench/perf.py, one class per run).

Runs in its own venv (.venv-bench, bench/requirements.txt); imports nothing
from the app. Environment:

    PERF_MANIFEST  the load-data manifest (bench/.load-<size>.json)
    PERF_OUT       directory for this run's records (requests.jsonl, acks.json)
    PERF_SESSIONS  JSON file of signed-in sessions: written by the login
                   storm, read by exam day (learners sign in before the exam)
    PERF_BROWSE_SESSIONS  sessions opened for the browsing learners beforehand
                   (signing in is the login storm's measure, not browsing's)
    PERF_SAVE_EVERY  seconds between two autosaves of one learner (30)
    PERF_EXAM_SECONDS  how long each learner of the exam autosaves after
                   starting (600); then they hand in within PERF_SUBMIT_WINDOW
                   seconds (60), with their answers in the form as the page does

Every request is recorded (name, start, duration, ok) in requests.jsonl;
bench/perf.py computes the figures from it. Only loopback hosts are accepted.
"""

from __future__ import annotations

import itertools
import json
import os
import random
import re
import sys
import time
from pathlib import Path
from urllib.parse import urlencode

from locust import FastHttpUser, between, constant, events, task

sys.path.insert(0, str(Path(__file__).resolve().parent))
from perflib import NotLoopback, require_loopback  # noqa: E402

OUT = Path(os.environ.get("PERF_OUT", "bench/results/tmp"))
MANIFEST = json.loads(Path(os.environ["PERF_MANIFEST"]).read_text())
SESSIONS_FILE = Path(os.environ.get("PERF_SESSIONS", OUT / "sessions.json"))
BROWSE_SESSIONS_FILE = Path(
    os.environ.get("PERF_BROWSE_SESSIONS", OUT / "browse-sessions.json")
)
SAVE_EVERY = float(os.environ.get("PERF_SAVE_EVERY", "30"))
EXAM_SECONDS = float(os.environ.get("PERF_EXAM_SECONDS", "600"))
SUBMIT_WINDOW = float(os.environ.get("PERF_SUBMIT_WINDOW", "60"))

RECORDS: list[dict] = []
ACKS: dict[str, list] = {}
SUBMITTED: list[int] = []  # attempts whose hand-in was acknowledged
SESSIONS: dict[str, dict] = {}
_numbers = itertools.count()

CSRF_INPUT = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
START_FORM = re.compile(r'action="(/quizzes/\d+/start/)"')
ATTEMPT_URL = re.compile(r"/quizzes/attempts/(\d+)/")
FIELDSET = re.compile(
    r'data-question="(\d+)" data-type="(\w+)" data-version="(\d+)"(.*?)</fieldset>',
    re.S,
)
CHOICE = re.compile(r'type="(?:radio|checkbox)" name="q-\d+" [^>]*value="([^"]+)"')


@events.init.add_listener
def _refuse_remote(environment, **_kwargs):
    try:
        require_loopback(environment.host or "")
    except NotLoopback as error:
        sys.exit(f"refused: {error}")
    OUT.mkdir(parents=True, exist_ok=True)


@events.request.add_listener
def _record(request_type, name, response_time, exception, start_time=None, **_kw):
    RECORDS.append(
        {
            "name": name,
            "start": start_time or time.time(),
            "ms": response_time,
            "ok": exception is None,
            "error": None if exception is None else str(exception)[:200],
        }
    )


@events.quitting.add_listener
def _write(environment, **_kwargs):
    with (OUT / "requests.jsonl").open("w") as out:
        for record in RECORDS:
            out.write(json.dumps(record) + "\n")
    if ACKS:
        (OUT / "acks.json").write_text(json.dumps(ACKS))
    if SUBMITTED:
        (OUT / "submitted.json").write_text(json.dumps(SUBMITTED))
    if SESSIONS:
        SESSIONS_FILE.write_text(json.dumps(SESSIONS))


def _address(n: int) -> str:
    """A distinct client address per simulated person (X-Forwarded-For)."""
    return f"10.{n // 65536 % 256}.{n // 256 % 256}.{n % 256}"


class Person(FastHttpUser):
    abstract = True

    def on_start(self):
        self.number = next(_numbers)
        self.headers = {"X-Forwarded-For": _address(self.number)}

    def sign_in(self, email: str, label: str = "login") -> bool:
        """The real allauth form: GET it for the CSRF token, POST it."""
        with self.client.get(
            "/accounts/login/",
            name=f"{label}: form",
            headers=self.headers,
            catch_response=True,
        ) as page:
            token = CSRF_INPUT.search(page.text or "")
            if page.status_code != 200 or not token:
                page.failure(f"login form: {page.status_code}")
                return False
        with self.client.post(
            "/accounts/login/",
            name=f"{label}: submit",
            data={
                "login": email,
                "password": MANIFEST["password"],
                "csrfmiddlewaretoken": token.group(1),
            },
            headers={**self.headers, "Referer": self.host + "/accounts/login/"},
            allow_redirects=False,
            catch_response=True,
        ) as reply:
            where = reply.headers.get("Location", "")
            if reply.status_code != 302 or "/accounts/login" in where:
                reply.failure(f"login refused: {reply.status_code} {where}")
                return False
        return True

    def use_session(self, cookies: dict) -> None:
        for name, value in cookies.items():
            self.client.cookiejar.set_cookie(_cookie(name, value, self.host))

    def cookies(self) -> dict:
        return {c.name: c.value for c in self.client.cookiejar}


class PingUser(Person):
    """The trivial view, as fast as it answers: the yardstick."""

    wait_time = constant(0)

    @task
    def ping(self):
        self.client.get("/bench/ping", name="ping", headers=self.headers)


class BrowsingUser(Person):
    """A learner reading: course page, lesson page, their courses."""

    wait_time = between(0.1, 0.5)

    def on_start(self):
        super().on_start()
        learners = MANIFEST["learners"]
        email = learners[self.number % len(learners)]
        stored = _stored_sessions(BROWSE_SESSIONS_FILE).get(email)
        if stored:
            self.use_session(stored)
        else:
            self.sign_in(email, label="setup login")
        self.rng = random.Random(self.number)

    @task(2)
    def course(self):
        url = self.rng.choice(MANIFEST["browse"]["course_urls"])
        self.client.get(url, name="browse: course", headers=self.headers)

    @task(3)
    def lesson(self):
        url = self.rng.choice(MANIFEST["browse"]["lesson_urls"])
        self.client.get(url, name="browse: lesson", headers=self.headers)

    @task(1)
    def dashboard(self):
        self.client.get(
            "/khoa-hoc-cua-toi/", name="browse: dashboard", headers=self.headers
        )


class LoginStormUser(Person):
    """One sign-in each (the exam's learners arriving); the session is kept."""

    wait_time = constant(3600)

    def on_start(self):
        super().on_start()
        learners = MANIFEST["exam"]["learners"]
        if self.number >= len(learners):
            return
        email = learners[self.number]
        if self.sign_in(email):
            SESSIONS[email] = self.cookies()

    @task
    def idle(self):
        pass


class ExamUser(Person):
    """Exam day: open the quiz, start it, autosave an answer every 30 s for
    ``PERF_EXAM_SECONDS``, then hand in at a moment of the next minute."""

    wait_time = constant(SAVE_EVERY)

    def on_start(self):
        super().on_start()
        self.attempt = None
        self.rng = random.Random(self.number)
        learners = MANIFEST["exam"]["learners"]
        email = learners[self.number % len(learners)]
        stored = _stored_sessions(SESSIONS_FILE).get(email)
        if stored:
            self.use_session(stored)
        elif not self.sign_in(email, label="setup login"):
            return
        self.begin_exam()

    def begin_exam(self):
        with self.client.get(
            MANIFEST["exam"]["quiz_url"],
            name="exam: quiz page",
            headers=self.headers,
            catch_response=True,
        ) as page:
            form = START_FORM.search(page.text or "")
            token = CSRF_INPUT.search(page.text or "")
            if page.status_code != 200 or not form or not token:
                page.failure(f"no start button ({page.status_code})")
                return
        with self.client.post(
            form.group(1),
            name="exam: start",
            data={"csrfmiddlewaretoken": token.group(1)},
            headers={**self.headers, "Referer": self.host + "/"},
            allow_redirects=False,
            catch_response=True,
        ) as reply:
            found = ATTEMPT_URL.search(reply.headers.get("Location", ""))
            if reply.status_code != 302 or not found:
                reply.failure(f"not started: {reply.status_code}")
                return
        attempt_url = found.group(0)
        with self.client.get(
            attempt_url,
            name="exam: attempt page",
            headers=self.headers,
            catch_response=True,
        ) as page:
            html = page.text or ""
            self.questions = []
            for qid, kind, version, body in FIELDSET.findall(html):
                keys = CHOICE.findall(body)
                if kind in ("single", "true_false", "multiple") and keys:
                    self.questions.append((int(qid), kind, int(version), keys))
                elif kind == "short":
                    self.questions.append((int(qid), kind, int(version), []))
            if page.status_code != 200 or not self.questions:
                page.failure(f"attempt page: {page.status_code}, no question")
                return
        self.attempt = int(found.group(1))
        self.versions = {q[0]: q[2] for q in self.questions}
        self.latest: dict[int, dict] = {}  # question id -> last answer given
        self.csrf = self.cookies().get("csrftoken", "")
        self.saving_until = time.time() + EXAM_SECONDS
        self.submit_at = self.saving_until + self.rng.uniform(0, SUBMIT_WINDOW)
        # The page saves when an answer changes: the first comes once the
        # learner has read and answered, one period after the page showed.
        self.first_save_at = time.time() + SAVE_EVERY

    @task
    def save(self):
        if self.attempt is None:
            return
        time.sleep(max(0.0, self.first_save_at - time.time()))
        if time.time() >= self.saving_until:
            time.sleep(max(0.0, self.submit_at - time.time()))
            self.submit()
            return
        qid, kind, _version, keys = self.rng.choice(self.questions)
        if kind == "single" or kind == "true_false":
            response = {"choice": self.rng.choice(keys)}
        elif kind == "multiple":
            response = {"choices": sorted(self.rng.sample(keys, 1))}
        else:
            response = {"text": f"trả lời {self.rng.randint(1, 99)}"}
        version = self.versions[qid] + 1
        self.versions[qid] = version
        self.latest[qid] = response
        with self.client.post(
            f"/quizzes/attempts/{self.attempt}/save/",
            name="exam: save",
            data=json.dumps(
                {"question": qid, "response": response, "version": version}
            ),
            headers={
                **self.headers,
                "Content-Type": "application/json",
                "X-CSRFToken": self.csrf,
                "Referer": self.host + "/",
            },
            catch_response=True,
        ) as reply:
            try:
                data = reply.json()
            except ValueError:
                data = {}
            if reply.status_code != 200:
                reply.failure(f"save: {reply.status_code}")
                return
            if data.get("version") == version and not data.get("stale"):
                ACKS[f"{self.attempt}:{qid}"] = [version, response]

    def submit(self):
        """The attempt page's form: every answer as the page shows it."""
        fields = [("csrfmiddlewaretoken", self.csrf)]
        for qid, response in self.latest.items():
            if "choice" in response:
                fields.append((f"q-{qid}", response["choice"]))
            elif "choices" in response:
                fields.append((f"q-{qid}-present", "1"))
                fields.extend((f"q-{qid}", key) for key in response["choices"])
            else:
                fields.append((f"q-{qid}", response["text"]))
        attempt, self.attempt = self.attempt, None
        with self.client.post(
            f"/quizzes/attempts/{attempt}/submit/",
            name="exam: submit",
            data=urlencode(fields),
            headers={
                **self.headers,
                "Content-Type": "application/x-www-form-urlencoded",
                "Referer": self.host + f"/quizzes/attempts/{attempt}/",
            },
            allow_redirects=False,
            catch_response=True,
        ) as reply:
            where = reply.headers.get("Location", "")
            if reply.status_code != 302 or f"/attempts/{attempt}/result/" not in where:
                reply.failure(f"submit: {reply.status_code} {where}")
                return
        SUBMITTED.append(attempt)


_sessions_cache: dict[Path, dict] = {}


def _stored_sessions(path: Path) -> dict:
    if path not in _sessions_cache:
        try:
            _sessions_cache[path] = json.loads(path.read_text())
        except (OSError, ValueError):
            _sessions_cache[path] = {}
    return _sessions_cache[path]


def _cookie(name: str, value: str, host: str):
    from http.cookiejar import Cookie
    from urllib.parse import urlparse

    domain = urlparse(host).hostname
    return Cookie(
        0, name, value, None, False, domain, False, False, "/", True,
        False, None, False, None, None, {},
    )  # fmt: skip
