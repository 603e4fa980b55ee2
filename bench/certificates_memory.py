"""Where a certificate worker's memory goes, measured in one process.

Needs a database holding at least one certificate (run bench.certificates
first, or seed_demo and issue one)::

    DATABASE_URL=postgres://… .venv/bin/python -m bench.certificates_memory \
        [--renders 100] [--checks] [--tracemalloc] [--inline]

Prints the resident set size (VmRSS) and, with ``--tracemalloc``, the Python
heap after each stage: Django set up (what a Celery worker's parent has),
Django's system checks (what Celery's Django fixup runs in the worker unless
``CELERY_SKIP_CHECKS`` is set), the PDF module imported, the first page,
and after ``--renders`` pages in the same process. Pages are rendered as a
worker renders them: by the renderer subprocess, whose RSS is printed
beside this process's; with ``--inline``, in this process (WeasyPrint
loaded here, the way workers rendered before the renderer process).
"""

from __future__ import annotations

import argparse
import gc
import os
import sys
import time
import tracemalloc
from pathlib import Path

from bench.perflib import cpu_seconds
from bench.perflib import rss_kib as _rss_kib

ROOT = Path(__file__).resolve().parent.parent
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "elearning.settings.dev")
os.environ.setdefault("DEBUG", "false")


def _renderer_pid() -> int | None:
    client = sys.modules.get("certificates.renderer_client")
    if client is None:
        return None
    pids = [r.pid for r in client._RENDERERS.values() if r.pid]
    return pids[0] if pids else None


def _cpu() -> float:
    """CPU of this process and of its renderer process, in seconds."""
    renderer = _renderer_pid()
    return time.process_time() + (cpu_seconds(renderer) if renderer else 0.0)


def rss_mib() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--renders", type=int, default=100)
    parser.add_argument("--checks", action="store_true", help="run system checks")
    parser.add_argument("--tracemalloc", action="store_true")
    parser.add_argument("--inline", action="store_true", help="render in-process")
    args = parser.parse_args()
    if args.tracemalloc:
        tracemalloc.start()

    def stage(name: str, **extra) -> None:
        heap = ""
        if args.tracemalloc:
            current, _peak = tracemalloc.get_traced_memory()
            heap = f"  python heap {current / 2**20:6.1f} MiB"
        more = "".join(f"  {k} {v}" for k, v in extra.items())
        renderer = _renderer_pid()
        if renderer:
            more += f"  renderer RSS {_rss_kib(renderer) / 1024:6.1f} MiB"
        if "weasyprint" in sys.modules:
            more += "  (weasyprint loaded here)"
        print(f"{name:<40} RSS {rss_mib():6.1f} MiB{heap}{more}", flush=True)

    stage("python started")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from elearning.celery import app

    app.loader.import_default_modules()
    stage("django.setup() + task modules")
    if args.checks:
        from django.core.checks import run_checks

        run_checks()
        stage("+ system checks (loads the URLconf)")
    from django.conf import settings

    from certificates.models import Certificate
    from certificates.pdf import render_certificate_pdf

    if args.inline:
        settings.CERTIFICATE_PDF_RENDERER = "inline"
        import certificates.renderer  # noqa: F401 - WeasyPrint, measured here
    stage("+ certificates.pdf" + (" and WeasyPrint" if args.inline else ""))
    certificate = (
        Certificate.objects.select_related("series__unit", "template_revision")
        .order_by("pk")
        .first()
    )
    if certificate is None:
        sys.exit("No certificate in this database: run bench.certificates first.")
    started = _cpu()
    size = len(render_certificate_pdf(certificate))
    stage("first page", cpu=f"{_cpu() - started:.2f} s", bytes=size)
    started = _cpu()
    for n in range(1, args.renders + 1):
        render_certificate_pdf(certificate)
        if n in (10, 30, 100, 200) or n == args.renders:
            gc.collect()
            cpu = (_cpu() - started) / n
            stage(f"after {n} more pages", cpu_per_page=f"{cpu:.3f} s")
    if args.tracemalloc:
        snapshot = tracemalloc.take_snapshot()
        for line in snapshot.statistics("filename")[:12]:
            print("   ", line)
    return 0


if __name__ == "__main__":
    sys.exit(main())
