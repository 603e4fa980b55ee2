"""Where one certificate's CPU goes, measured in one process.

Needs PostgreSQL (the learners of bench.certificates are made if missing)::

    DATABASE_URL=postgres://… .venv/bin/python -m bench.certificates_profile \
        [--count 100] [--warm 5] [--cprofile FILE]

Runs the issue task (``certificate_issue_for``: issue, HTML, PDF, storage,
email) for ``--count`` learners in this process, the PDF rendered in-process
(``CERTIFICATE_PDF_RENDERER = "inline"``) so that one process holds all the
work, after ``--warm`` certificates left out (fonts loaded, templates
compiled). Prints the CPU time (``time.process_time``) a certificate spent
in each part, each part timed where it is called (no profiler overhead),
and the queries. Celery's own messaging is not in it: the worker runs the
same function behind a message (``bench.certificates`` measures the whole).
``--cprofile FILE`` also writes a cProfile (CPU time) of the measured
certificates.
"""

from __future__ import annotations

import argparse
import cProfile
import functools
import inspect
import os
import sys
import time
from collections import defaultdict

from bench.certificates import _setup, prepare

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "elearning.settings.dev")

# Part name → (module, attribute): each is timed where it is looked up.
# Parts nest (the page is inside the render, the render inside the issue);
# the report subtracts the inner ones.
PARTS = {
    "issue task": ("certificates.tasks", "certificate_issue_for.run"),
    "render and email": ("certificates.tasks", "_render_and_email"),
    "HTML (template, QR)": ("certificates.pdf", "certificate_html"),
    "QR code": ("certificates.pdf", "qr_png"),
    "PDF": ("certificates.renderer", "render_pdf"),
    "HTML parse": ("elearning.pdf", "HTML.__init__"),
    "CSS cascade": ("weasyprint.document", "get_all_computed_styles"),
    "boxes": ("weasyprint.document", "build_formatting_structure"),
    "layout": ("weasyprint.document", "layout_document"),
    "draw": ("weasyprint.document", "draw_page"),
    "fonts in the PDF": ("weasyprint.pdf", "build_fonts_dictionary"),
    "PDF write": ("weasyprint.document", "Document.write_pdf"),
    "store PDF": ("certificates.services", "certificate_attach_pdf"),
    "email": ("certificates.tasks", "_send_email"),
}

CPU: dict[str, float] = defaultdict(float)
CALLS: dict[str, int] = defaultdict(int)


def _timed(name, function):
    @functools.wraps(function)
    def wrapper(*args, **kwargs):
        started = time.process_time()
        try:
            result = function(*args, **kwargs)
            # A generator (WeasyPrint's layout) works as it is consumed.
            return list(result) if inspect.isgenerator(result) else result
        finally:
            CPU[name] += time.process_time() - started
            CALLS[name] += 1

    return wrapper


def _instrument() -> None:
    import importlib

    for name, (module_name, attribute) in PARTS.items():
        owner = importlib.import_module(module_name)
        *path, last = attribute.split(".")
        for step in path:
            owner = getattr(owner, step)
        setattr(owner, last, _timed(name, getattr(owner, last)))


class QueryTimer:
    """Counts the queries and the CPU and wall time spent in them."""

    def __init__(self):
        self.count = 0
        self.cpu = 0.0
        self.wall = 0.0

    def __call__(self, execute, sql, params, many, context):
        cpu, wall = time.process_time(), time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            self.count += 1
            self.cpu += time.process_time() - cpu
            self.wall += time.perf_counter() - wall


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--count", type=int, default=100)
    parser.add_argument("--warm", type=int, default=5)
    parser.add_argument("--cprofile", help="write a cProfile of the measured part")
    args = parser.parse_args()
    _setup()
    from django.conf import settings
    from django.db import connection

    import bench.celery_app  # noqa: F401 - the benchmark's completion rule
    from certificates.models import Certificate
    from certificates.tasks import certificate_issue_for

    if connection.vendor != "postgresql":
        sys.exit("DATABASE_URL must point at PostgreSQL.")
    settings.CERTIFICATE_PDF_RENDERER = "inline"
    course, users = prepare(args.count + args.warm)
    Certificate.objects.filter(course=course).delete()
    _instrument()
    for user in users[: args.warm]:
        certificate_issue_for(user.pk, course.pk)
    CPU.clear()
    CALLS.clear()
    queries = QueryTimer()
    profile = cProfile.Profile(time.process_time) if args.cprofile else None
    measured = users[args.warm :]
    cpu, wall = time.process_time(), time.perf_counter()
    with connection.execute_wrapper(queries):
        if profile:
            profile.enable()
        for user in measured:
            certificate_issue_for(user.pk, course.pk)
        if profile:
            profile.disable()
    cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
    if profile:
        profile.dump_stats(args.cprofile)
    done = Certificate.objects.filter(
        course=course, emailed_at__isnull=False, learner__in=measured
    ).count()
    n = len(measured)

    def ms(seconds: float) -> str:
        return f"{seconds / n * 1000:7.1f} ms"

    part = CPU.copy()
    weasy = ["HTML parse", "CSS cascade", "boxes", "layout", "PDF write"]
    rows = [
        (
            "issue (eligibility, number, log)",
            part["issue task"] - part["render and email"],
        ),
        ("HTML template", part["HTML (template, QR)"] - part["QR code"]),
        ("QR code (PNG)", part["QR code"]),
        ("WeasyPrint: HTML parse", part["HTML parse"]),
        ("WeasyPrint: CSS cascade", part["CSS cascade"]),
        ("WeasyPrint: boxes", part["boxes"]),
        ("WeasyPrint: layout", part["layout"]),
        ("WeasyPrint: draw", part["draw"]),
        ("WeasyPrint: fonts (subset, embed)", part["fonts in the PDF"]),
        (
            "WeasyPrint: rest of write_pdf",
            part["PDF write"] - part["draw"] - part["fonts in the PDF"],
        ),
        ("PDF: rest (fit, trim)", part["PDF"] - sum(part[k] for k in weasy)),
        ("store the PDF", part["store PDF"]),
        ("email", part["email"]),
        (
            "render task: rest",
            part["render and email"]
            - part["HTML (template, QR)"]
            - part["PDF"]
            - part["store PDF"]
            - part["email"],
        ),
    ]
    print(f"{done}/{n} certificates issued, rendered and emailed in this process")
    print(f"CPU {ms(cpu)} a certificate, wall {ms(wall)}")
    for label, seconds in rows:
        print(f"  {label:<36} {ms(seconds)}")
    print(
        f"queries: {queries.count / n:.1f} a certificate, "
        f"CPU in them {ms(queries.cpu)}, wall {ms(queries.wall)}"
    )
    print(f"pages laid out: {CALLS['layout'] / n:.2f} a certificate")
    print(f"load average at the end: {os.getloadavg()}")
    return 0 if done == n else 1


if __name__ == "__main__":
    sys.exit(main())
