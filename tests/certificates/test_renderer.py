"""The PDF renderer process: no platform in it, no WeasyPrint in the worker."""

import importlib.abc
import io
import os
import subprocess
import sys
import unicodedata

import pytest
from pypdf import PdfReader

from certificates import renderer_client
from certificates.pdf import FONT_DIR, stylesheet_css
from certificates.renderer_client import RendererError, RendererProcess

HTML = "<p class='x'>Nguyễn Thị Hồng Nhung — GIẤY CHỨNG NHẬN</p>"
CSS = stylesheet_css("A4", "landscape")


def _text(pdf: bytes) -> str:
    page = PdfReader(io.BytesIO(pdf)).pages[0]
    return unicodedata.normalize("NFC", page.extract_text())


@pytest.fixture
def renderer():
    process = RendererProcess(FONT_DIR)
    yield process
    process.close()


def test_renders_in_a_subprocess_that_is_reused(renderer):
    assert "Nguyễn Thị Hồng Nhung" in _text(renderer.render(HTML, CSS))
    pid = renderer.pid
    assert pid is not None and pid != os.getpid()
    assert "GIẤY CHỨNG NHẬN" in _text(renderer.render(HTML, CSS))
    assert renderer.pid == pid and renderer.started == 1


def test_the_renderer_process_does_not_load_django(renderer):
    renderer.render(HTML, CSS)
    modules = subprocess.run(  # noqa: S603 - fixed argv
        [
            sys.executable,
            "-c",
            "import certificates.renderer, sys; print(*sys.modules)",
        ],
        capture_output=True,
        text=True,
        check=True,
        cwd=renderer_client.PACKAGE_ROOT,
    ).stdout.split()
    assert "weasyprint" in modules
    assert not [m for m in modules if m.split(".")[0] in {"django", "wagtail"}]


def test_a_dead_renderer_is_replaced(renderer):
    renderer.render(HTML, CSS)
    first = renderer.pid
    os.kill(first, 9)
    renderer._process.wait()
    pdf = renderer.render(HTML, CSS)  # noticed before writing: a new one
    assert pdf.startswith(b"%PDF")
    assert renderer.pid not in (None, first) and renderer.started == 2


def test_replaced_after_max_pages():
    process = RendererProcess(FONT_DIR, max_pages=2)
    try:
        pids = []
        for _ in range(3):
            process.render(HTML, CSS)
            pids.append(process.pid)
        # Closed after the second page, a new one for the third.
        assert pids[0] is not None and pids[1] is None and pids[2] not in pids[:2]
        assert process.started == 2
    finally:
        process.close()


def test_replaced_past_the_memory_ceiling():
    process = RendererProcess(FONT_DIR, max_rss_kib=1)
    try:
        process.render(HTML, CSS)
        assert process.pid is None  # over 1 KiB: closed after the page
        process.render(HTML, CSS)
        assert process.started == 2
    finally:
        process.close()


def _fake_renderer(monkeypatch, process, script):
    """Make ``process`` start ``python -c script`` instead of the renderer."""

    def start():
        proc = subprocess.Popen(  # noqa: S603 - fixed argv
            [sys.executable, "-c", script],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
        )
        process._process, process._owner_pid, process._pages = proc, os.getpid(), 0
        return proc

    monkeypatch.setattr(process, "_start", start)


def test_the_server_answers_a_bad_request_with_an_error():
    from certificates.renderer import serve

    requests, responses = io.BytesIO(), io.BytesIO()
    renderer_client.write_frame(requests, b"not json")
    renderer_client.write_frame(requests, b'{"html": "<p>x</p>", "css": ""}')
    requests.seek(0)
    assert serve(str(FONT_DIR), requests, responses) == 0  # end of input
    responses.seek(0)
    header = renderer_client.read_frame(responses)
    assert b'"ok": false' in header and b"JSONDecodeError" in header
    assert renderer_client.read_frame(responses) == b""
    assert b'"ok": true' in renderer_client.read_frame(responses)
    assert renderer_client.read_frame(responses).startswith(b"%PDF")


def test_an_error_answer_raises(monkeypatch):
    process = RendererProcess(FONT_DIR)
    _fake_renderer(
        monkeypatch,
        process,
        "import sys, struct, json\n"
        "sys.stdin.buffer.read(4)\n"
        "h = json.dumps({'ok': False, 'error': 'ValueError: boom'}).encode()\n"
        "sys.stdout.buffer.write(struct.pack('>I', len(h)) + h + b'\\0' * 4)\n"
        "sys.stdout.flush()\n"
        "sys.stdin.buffer.read()\n",
    )
    try:
        with pytest.raises(RendererError, match="boom"):
            process.render(HTML, CSS)
    finally:
        process.close()


def test_an_answer_that_never_comes_times_out(monkeypatch):
    process = RendererProcess(FONT_DIR, timeout=0.5)
    _fake_renderer(monkeypatch, process, "import time; time.sleep(30)")
    with pytest.raises(RendererError, match="in time"):
        process.render(HTML, CSS)
    assert process.pid is None  # killed, never reused


def test_a_renderer_that_exits_mid_answer_raises(monkeypatch):
    process = RendererProcess(FONT_DIR)
    _fake_renderer(monkeypatch, process, "import sys; sys.stdout.write('ab')")
    with pytest.raises(RendererError, match="exited"):
        process.render(HTML, CSS)
    assert process.pid is None


class _RefuseWeasyPrint(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path=None, target=None):
        if name == "weasyprint" or name.startswith("weasyprint."):
            raise ImportError(f"{name} imported in the worker process")
        return None


@pytest.mark.django_db
def test_worker_path_never_imports_weasyprint(
    learner, course, template, enrol, django_capture_on_commit_callbacks, monkeypatch
):
    """The task a worker child runs renders through the renderer process:
    WeasyPrint is neither imported nor importable in this process."""
    from django.core import mail

    from certificates import tasks
    from certificates.models import Certificate

    for name in [m for m in sys.modules if m.split(".")[0] == "weasyprint"]:
        monkeypatch.delitem(sys.modules, name)
    monkeypatch.delitem(sys.modules, "certificates.renderer", raising=False)
    monkeypatch.setattr(sys, "meta_path", [_RefuseWeasyPrint(), *sys.meta_path])
    enrol(learner, course, 95)
    with django_capture_on_commit_callbacks(execute=True):
        pk = tasks.certificate_issue_for.delay(learner.pk, course.pk).get()
    certificate = Certificate.objects.get(pk=pk)
    with certificate.pdf.open("rb") as fh:
        assert certificate.number in _text(fh.read())
    assert len(mail.outbox) == 1
    assert not [m for m in sys.modules if m.split(".")[0] == "weasyprint"]


@pytest.mark.django_db
def test_a_renderer_failure_raises_in_the_render_task(issued, monkeypatch):
    """The render task raises (Celery's retries apply); nothing is stored."""
    from certificates import tasks

    def broken(self, html, css):
        raise RendererError("PDF renderer failed: EOFError('exited')")

    monkeypatch.setattr(RendererProcess, "render", broken)
    with pytest.raises(RendererError):
        tasks.certificate_render.delay(issued.pk)
    issued.refresh_from_db()
    assert not issued.pdf_sha256 and issued.emailed_at is None


def test_a_forked_child_starts_its_own_renderer_and_leaves_the_parents(renderer):
    """A child forked from a process with a renderer never writes to the
    parent's pipe: it drops it and starts its own."""
    renderer_client._RENDERERS[("test-fork",)] = renderer
    try:
        renderer.render(HTML, CSS)
        parent_renderer = renderer.pid
        read_end, write_end = os.pipe()
        pid = os.fork()
        if pid == 0:  # the child
            code = 1
            try:
                os.close(read_end)
                ok = renderer.pid is None and renderer.render(HTML, CSS)[:4] == b"%PDF"
                ok = ok and renderer.pid not in (None, parent_renderer)
                os.write(write_end, b"ok" if ok else b"no")
                renderer.close()
                code = 0
            finally:
                os._exit(code)
        os.close(write_end)
        answer = os.read(read_end, 2)
        os.close(read_end)
        os.waitpid(pid, 0)
        assert answer == b"ok"
        # The parent's renderer was not disturbed by the child.
        assert renderer.pid == parent_renderer
        assert renderer.render(HTML, CSS).startswith(b"%PDF")
    finally:
        del renderer_client._RENDERERS[("test-fork",)]


def test_a_task_time_limit_passes_through_and_kills_the_renderer(renderer, monkeypatch):
    from celery.exceptions import SoftTimeLimitExceeded

    renderer.render(HTML, CSS)
    first = renderer.pid

    def interrupted(stream, deadline):
        raise SoftTimeLimitExceeded()

    monkeypatch.setattr(renderer_client, "_read_frame_until", interrupted)
    with pytest.raises(SoftTimeLimitExceeded):
        renderer.render(HTML, CSS)
    assert renderer.pid is None  # killed: its answer would come out of turn
    with pytest.raises(ProcessLookupError):
        os.kill(first, 0)
    monkeypatch.undo()
    assert renderer.render(HTML, CSS).startswith(b"%PDF")
