"""Talk to a long-lived PDF renderer process (:mod:`certificates.renderer`).

Standard library only (no Django, no WeasyPrint), so a Celery worker child
that renders certificates never loads WeasyPrint and its text stack itself.

Each process that renders gets its own renderer subprocess, started on the
first page, fed over its stdin and read from its stdout with length-prefixed
frames (4 bytes big-endian length, then the bytes). The renderer is
replaced after ``max_pages`` pages or once its resident memory passes
``max_rss_kib`` (it reports it with every answer), and whenever an exchange
fails or times out (it is killed, so a half-read answer is never taken for
the next one). It exits by itself when this process dies: its stdin closes.
"""

from __future__ import annotations

import atexit
import contextlib
import json
import os
import selectors
import struct
import subprocess
import sys
import threading
import time
from pathlib import Path

_LENGTH = struct.Struct(">I")
# How much smaller the certificate's text is at each step of fitting it above
# the footer (renderer.layout, certificate.css ``.fit-N``).
FIT_FACTORS = (0.92, 0.84, 0.76)
PACKAGE_ROOT = Path(__file__).resolve().parent.parent


class RendererError(RuntimeError):
    """The renderer failed, died or did not answer in time."""


def rss_kib(pid: int) -> int:
    """Resident memory of process ``pid`` in KiB (0 if it is gone)."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


def write_frame(stream, data: bytes) -> None:
    stream.write(_LENGTH.pack(len(data)))
    stream.write(data)


def read_frame(stream) -> bytes | None:
    """One frame from a blocking binary stream; None at end of stream."""
    head = stream.read(_LENGTH.size)
    if not head:
        return None
    if len(head) < _LENGTH.size:
        raise EOFError("truncated frame length")
    (length,) = _LENGTH.unpack(head)
    data = stream.read(length)
    if len(data) < length:
        raise EOFError("truncated frame")
    return data


class RendererProcess:
    """One renderer subprocess, used by one process (one thread at a time)."""

    def __init__(
        self,
        font_dir: str | Path,
        *,
        max_pages: int = 1000,
        max_rss_kib: int = 120 * 1024,
        timeout: float = 120.0,
    ):
        self.font_dir = str(font_dir)
        self.max_pages = max_pages
        self.max_rss_kib = max_rss_kib
        self.timeout = timeout
        self._process: subprocess.Popen | None = None
        self._owner_pid = 0
        self._pages = 0
        self._lock = threading.Lock()
        self.started = 0  # renderer processes started (for tests, benchmarks)

    @property
    def pid(self) -> int | None:
        process = self._process
        if process is None or self._owner_pid != os.getpid():
            return None
        return process.pid

    def _start(self) -> subprocess.Popen:
        env = os.environ.copy()
        env["PYTHONPATH"] = os.pathsep.join(
            p for p in (str(PACKAGE_ROOT), env.get("PYTHONPATH", "")) if p
        )
        process = subprocess.Popen(  # noqa: S603 - fixed argv, no shell
            [sys.executable, "-m", "certificates.renderer", self.font_dir],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            cwd=PACKAGE_ROOT,
            env=env,
            close_fds=True,
        )
        self._process = process
        self._owner_pid = os.getpid()
        self._pages = 0
        self.started += 1
        return process

    def close(self) -> None:
        """Stop the renderer (its stdin closes; killed if it lingers)."""
        process, self._process = self._process, None
        if process is None or self._owner_pid != os.getpid():
            # Never started, or inherited through a fork: the parent owns it.
            return
        with contextlib.suppress(OSError):
            process.stdin.close()
        try:
            process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        process.stdout.close()

    def render(self, html: str, css: str) -> bytes:
        """PDF bytes of ``html`` with ``css``; raises :class:`RendererError`."""
        request = json.dumps({"html": html, "css": css}).encode()
        with self._lock:
            process = self._process
            try:
                if process is None or self._owner_pid != os.getpid():
                    process = self._start()
                elif process.poll() is not None:
                    self.close()
                    process = self._start()
            except OSError as exc:  # the interpreter could not be started
                raise RendererError(f"PDF renderer not started: {exc!r}") from exc
            try:
                write_frame(process.stdin, request)
                process.stdin.flush()
                deadline = time.monotonic() + self.timeout
                header = json.loads(_read_frame_until(process.stdout, deadline))
                pdf = _read_frame_until(process.stdout, deadline)
            except (OSError, EOFError, ValueError) as exc:
                # Half an exchange: this renderer's pipes can't be trusted.
                self._kill()
                raise RendererError(f"PDF renderer failed: {exc!r}") from exc
            except BaseException:
                # A task's time limit, an interrupt: the same, re-raised as is.
                self._kill()
                raise
            self._pages += 1
            if (
                self._pages >= self.max_pages
                or header.get("rss_kib", 0) > self.max_rss_kib
            ):
                self.close()
        if not header.get("ok"):
            raise RendererError(header.get("error", "PDF renderer failed"))
        return pdf

    def _forget(self) -> None:
        """In a forked child: drop the parent's renderer without touching it.

        Closing the inherited pipe ends here lets the parent's renderer see
        end of input when the parent closes it.
        """
        process, self._process = self._process, None
        if process is not None:
            for pipe in (process.stdin, process.stdout):
                with contextlib.suppress(OSError, ValueError):
                    pipe.close()  # this process's copy of the pipe only
            process.returncode = 0  # not ours to wait for

    def _kill(self) -> None:
        process, self._process = self._process, None
        if process is not None and self._owner_pid == os.getpid():
            process.kill()
            process.wait()
            for pipe in (process.stdin, process.stdout):
                with contextlib.suppress(OSError):
                    pipe.close()


def _read_exact(stream, size: int, deadline: float) -> bytes:
    fd = stream.fileno()
    chunks, missing = [], size
    with selectors.DefaultSelector() as selector:
        selector.register(fd, selectors.EVENT_READ)
        while missing:
            remaining = deadline - time.monotonic()
            if remaining <= 0 or not selector.select(remaining):
                raise TimeoutError("the PDF renderer did not answer in time")
            chunk = os.read(fd, min(missing, 1 << 20))
            if not chunk:
                raise EOFError("the PDF renderer exited")
            chunks.append(chunk)
            missing -= len(chunk)
    return b"".join(chunks)


def _read_frame_until(stream, deadline: float) -> bytes:
    (length,) = _LENGTH.unpack(_read_exact(stream, _LENGTH.size, deadline))
    return _read_exact(stream, length, deadline) if length else b""


_RENDERERS: dict[tuple, RendererProcess] = {}
_RENDERERS_LOCK = threading.Lock()


def renderer(font_dir: str | Path, **limits) -> RendererProcess:
    """This process's renderer for ``font_dir`` (made on first use)."""
    key = (str(font_dir), tuple(sorted(limits.items())))
    with _RENDERERS_LOCK:
        found = _RENDERERS.get(key)
        if found is None:
            found = _RENDERERS[key] = RendererProcess(font_dir, **limits)
    return found


def _after_fork_in_child() -> None:
    global _RENDERERS_LOCK
    _RENDERERS_LOCK = threading.Lock()
    for process in _RENDERERS.values():
        process._lock = threading.Lock()
        process._forget()


os.register_at_fork(after_in_child=_after_fork_in_child)


@atexit.register
def close_all() -> None:
    for process in list(_RENDERERS.values()):
        process.close()
