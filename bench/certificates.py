"""Benchmark: 1,000 certificates issued and rendered through Celery.

Needs PostgreSQL and Redis::

    DATABASE_URL=postgres://elearning:elearning@127.0.0.1:5432/elearning_certificates \
    CELERY_BROKER_URL=redis://127.0.0.1:6379/6 \
    .venv/bin/python -m bench.certificates [--count 1000] [--workers 2]

Creates (once) a benchmark course and N completed learners spread over the
districts, gives every issuer a seal as one is uploaded (an 800 × 640
transparent PNG of a stamp and a signature: production certificates carry
one, and it is embedded in every PDF), starts a Celery worker with N
processes, dispatches what the bulk issue screen dispatches (one
``certificate_issue_batch`` task, which hands the learners out in chunks of
``certificates.tasks.ISSUE_CHUNK``) and waits until every certificate has
its PDF and email. Prints
the wall time, the CPU time the worker processes used per certificate and
the peak RSS (and PSS, USS) of each worker process and of each PDF renderer
process a worker child started (``certificates.renderer``, one per child),
and the peak of a child and its renderer together.
"""

from __future__ import annotations

import argparse
import datetime
import io
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench.perflib import children, cpu_seconds, machine_times, wait_until_idle
from bench.perflib import rss_kib as _rss_kib

ROOT = Path(__file__).resolve().parent.parent
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "elearning.settings.dev")
os.environ.setdefault("DEBUG", "false")
os.environ.setdefault("EMAIL_URL", "dummymail://")
os.environ.setdefault(
    "PRIVATE_MEDIA_ROOT", tempfile.mkdtemp(prefix="bench-certificates-")
)


def _setup():
    import django

    sys.path.insert(0, str(ROOT))
    django.setup()


def _smaps_kib(pid: int) -> tuple[int, int]:
    """(PSS, USS) of ``pid``: its share of shared pages, and its own pages.

    RSS counts every page the process maps, so a prefork child also counts
    what it shares copy-on-write with its parent; USS is what it costs alone.
    """
    pss = uss = 0
    try:
        for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
            key, _, rest = line.partition(":")
            if key == "Pss":
                pss = int(rest.split()[0])
            elif key in ("Private_Clean", "Private_Dirty"):
                uss += int(rest.split()[0])
    except OSError:
        pass
    return pss, uss


def _postgres_cpu(backend_pid: int) -> float:
    """CPU seconds of the PostgreSQL server so far: its postmaster (the
    parent of ``backend_pid``), the backends that ended (reaped by it), and
    those still running."""
    stat = Path(f"/proc/{backend_pid}/stat").read_text()
    postmaster = int(stat.rsplit(")", 1)[1].split()[1])
    fields = Path(f"/proc/{postmaster}/stat").read_text().rsplit(")", 1)[1].split()
    reaped = (int(fields[13]) + int(fields[14])) / os.sysconf("SC_CLK_TCK")
    return (
        cpu_seconds(postmaster)
        + reaped
        + sum(cpu_seconds(pid) for pid in children(postmaster))
    )


SEAL_TITLE = "Chữ ký và con dấu (benchmark)"


def _seal_png() -> bytes:
    """A stamp and a signature as an issuer uploads them: an 800 × 640 PNG,
    transparent around them, drawn at twice the size and scaled down so its
    edges are smooth as a scan's."""
    from PIL import Image, ImageDraw, ImageFont

    from certificates.pdf import FONT_DIR

    big = Image.new("RGBA", (1600, 1280), (0, 0, 0, 0))
    draw = ImageDraw.Draw(big)
    red, blue = (200, 16, 24, 235), (20, 40, 140, 255)
    draw.ellipse((340, 80, 1460, 1200), outline=red, width=26)
    draw.ellipse((470, 210, 1330, 1070), outline=red, width=10)
    font = ImageFont.truetype(str(FONT_DIR / "NotoSerif-Bold.ttf"), 64)
    for line, y in (("SỞ KHOA HỌC", 470), ("VÀ CÔNG NGHỆ", 560), ("ĐỒNG NAI", 680)):
        draw.text((900, y), line, font=font, fill=red, anchor="mm")
    stroke = [(120, 900), (300, 700), (420, 980), (560, 640), (700, 1000)]
    stroke += [(860, 720), (1000, 960), (1240, 760), (1500, 820)]
    draw.line(stroke, fill=blue, width=14, joint="curve")
    image = big.resize((800, 640), Image.Resampling.LANCZOS)
    buffer = io.BytesIO()
    image.save(buffer, "PNG")
    return buffer.getvalue()


def _seal_the_issuers() -> None:
    """Every issuer signs with the benchmark's seal, its file in this run's
    media storage and its rendition made before the clock starts."""
    from django.core.files.images import ImageFile
    from wagtail.images.models import Image

    from certificates.models import Issuer
    from certificates.pdf import SEAL_RENDITION
    from certificates.services import issuer_save

    seal = Image.objects.filter(title=SEAL_TITLE).first()
    if seal is not None and not seal.file.storage.exists(seal.file.name):
        seal.delete()  # a previous run's media is gone
        seal = None
    if seal is None:
        seal = Image.objects.create(
            title=SEAL_TITLE,
            file=ImageFile(io.BytesIO(_seal_png()), name="con-dau.png"),
        )
    seal.get_rendition(SEAL_RENDITION)
    for issuer in Issuer.objects.exclude(signature_image=seal):
        issuer.signature_image = seal
        issuer_save(issuer=issuer)


def prepare(count: int):
    from django.contrib.auth.hashers import make_password
    from django.contrib.auth.models import Group
    from django.utils import timezone
    from wagtail.models import Page

    from bench.celery_app import BENCH_COURSE_CODE
    from certificates.demo import seed as seed_template
    from courses.models import CourseIndexPage, CoursePage, Enrolment
    from elearning.people.models import (
        AdministrativeUnit,
        Agency,
        StaffProfile,
        User,
    )
    from elearning.people.names import fold, name_sort_key
    from elearning.people.services import units_load

    units_load()
    seed_template(stdout=sys.stdout, style=None)
    _seal_the_issuers()
    index = CourseIndexPage.objects.first()
    if index is None:
        root = Page.objects.get(depth=1)
        index = root.add_child(
            instance=CourseIndexPage(title="Khóa học", slug="khoa-hoc-bench")
        )
    course = CoursePage.objects.filter(code=BENCH_COURSE_CODE).first()
    if course is None:
        course = index.add_child(
            instance=CoursePage(
                title="An toàn thông tin cho cán bộ, công chức",
                slug="bench-gcn",
                code=BENCH_COURSE_CODE,
            )
        )
    districts = list(
        AdministrativeUnit.objects.filter(level="district").order_by("code")
    )
    learner_group = Group.objects.get(name="learner")
    existing = User.objects.filter(email__startswith="bench-gcn-").count()
    families = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Phan", "Vũ"]
    middles = ["Văn", "Thị", "Minh", "Hoàng", "Ngọc", "Thanh"]
    givens = ["An", "Bình", "Châu", "Dũng", "Giang", "Hải", "Khánh", "Linh", "Phúc"]
    new_users = [
        User(email=f"bench-gcn-{i:05d}@example.gov.vn", password=make_password(None))
        for i in range(existing, count)
    ]
    User.objects.bulk_create(new_users, batch_size=500)
    users = list(User.objects.filter(email__startswith="bench-gcn-").order_by("email"))[
        :count
    ]
    learner_group.user_set.add(*users)
    agencies = {
        unit.pk: Agency.objects.get_or_create(
            unit=unit, name=f"Văn phòng HĐND và UBND {unit.full_name}"
        )[0]
        for unit in districts
    }
    have_profile = set(
        StaffProfile.objects.filter(user__in=users).values_list("user_id", flat=True)
    )
    profiles = []
    for i, user in enumerate(users):
        if user.pk in have_profile:
            continue
        unit = districts[i % len(districts)]
        name = f"{families[i % 8]} {middles[i % 6]} {givens[i % 9]}"
        profiles.append(
            StaffProfile(
                user=user,
                full_name=name,
                sort_key=name_sort_key(name),
                search_key=fold(name),
                date_of_birth=datetime.date(1970 + i % 30, 1 + i % 12, 1 + i % 28),
                unit=unit,
                agency=agencies[unit.pk],
            )
        )
    StaffProfile.objects.bulk_create(profiles, batch_size=500)
    now = timezone.now()
    unit_of = dict(
        StaffProfile.objects.filter(user__in=users).values_list("user_id", "unit_id")
    )
    Enrolment.objects.bulk_create(
        [
            Enrolment(
                learner=user,
                course=course,
                unit_id=unit_of.get(user.pk),
                status=Enrolment.Status.COMPLETED,
                completed_at=now,
            )
            for user in users
        ],
        batch_size=500,
        ignore_conflicts=True,
    )
    return course, users


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--count", type=int, default=1000)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--timeout", type=int, default=900)
    args = parser.parse_args()
    if not os.environ.get("CELERY_BROKER_URL"):
        sys.exit("Set CELERY_BROKER_URL (Redis) and DATABASE_URL (PostgreSQL).")
    _setup()
    from django.db import connection

    from certificates.models import Certificate
    from certificates.tasks import certificate_issue_batch

    if connection.vendor != "postgresql":
        sys.exit("DATABASE_URL must point at PostgreSQL.")
    course, users = prepare(args.count)
    Certificate.objects.filter(course=course).delete()  # fresh run
    # The previous run's rows are gone for good, and their table's figures
    # are fresh: autovacuum has no reason to start during the run.
    with connection.cursor() as cursor:
        cursor.execute("VACUUM (ANALYZE) certificates_certificate")
    connection.close()

    worker = subprocess.Popen(  # noqa: S603 - fixed argv, no shell
        [
            str(ROOT / ".venv/bin/celery"),
            "-A",
            "bench.celery_app",
            "worker",
            "--concurrency",
            str(args.workers),
            "--pool",
            "prefork",
            "--loglevel",
            "WARNING",
            "--without-gossip",
            "--without-mingle",
            "--without-heartbeat",
        ],
        cwd=ROOT,
        env=os.environ.copy(),
    )
    peak: dict[int, int] = {}
    peak_pss: dict[int, int] = {}
    peak_uss: dict[int, int] = {}
    cpu: dict[int, float] = {}
    renderer_of: dict[int, int] = {}  # renderer pid -> worker child pid
    pair_peak: dict[int, int] = {}  # child pid -> peak RSS child + renderer
    parent_rss = 0
    parent_cpu = 0.0
    try:
        time.sleep(6)  # worker boot, not part of the measurement
        waited, idle = wait_until_idle()
        print(
            f"waited {waited:.0f} s for an idle machine"
            + ("" if idle else " (still busy: measured anyway)")
        )
        start = time.monotonic()
        machine_before = machine_times()
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_backend_pid()")
            backend = cursor.fetchone()[0]
        local_postgres = Path(f"/proc/{backend}/stat").exists()
        postgres_before = _postgres_cpu(backend) if local_postgres else 0.0
        parent_boot_cpu = cpu_seconds(worker.pid)
        # What the bulk issue screen queues (certificate_issue_many).
        certificate_issue_batch.delay(course.pk, [user.pk for user in users])
        dispatched = time.monotonic() - start
        done = 0
        all_issued = None
        while time.monotonic() - start < args.timeout:
            parent_rss = max(parent_rss, _rss_kib(worker.pid))
            parent_cpu = max(parent_cpu, cpu_seconds(worker.pid) - parent_boot_cpu)
            for child in children(worker.pid):
                pair = 0
                for pid in [child, *children(child)]:
                    if pid != child:
                        renderer_of[pid] = child
                    rss = _rss_kib(pid)
                    pair += rss
                    peak[pid] = max(peak.get(pid, 0), rss)
                    pss, uss = _smaps_kib(pid)
                    peak_pss[pid] = max(peak_pss.get(pid, 0), pss)
                    peak_uss[pid] = max(peak_uss.get(pid, 0), uss)
                    cpu[pid] = max(cpu.get(pid, 0.0), cpu_seconds(pid))
                pair_peak[child] = max(pair_peak.get(child, 0), pair)
            if all_issued is None and (
                Certificate.objects.filter(course=course).count() >= len(users)
            ):
                all_issued = time.monotonic() - start
            done = Certificate.objects.filter(
                course=course, emailed_at__isnull=False
            ).count()
            if done >= len(users):
                break
            time.sleep(0.5)
        elapsed = time.monotonic() - start
        machine_after = machine_times()
    finally:
        worker.terminate()
        worker.wait(30)
    numbers = Certificate.objects.filter(course=course)
    print(f"certificates issued+rendered+emailed: {done}/{len(users)}")
    print(f"distinct numbers: {numbers.values('number').distinct().count()}")
    print(f"dispatch time: {dispatched:.1f} s")
    if all_issued is not None:
        print(f"all issued (numbers taken) after: {all_issued:.1f} s")
    print(f"wall time: {elapsed:.1f} s ({elapsed / max(done, 1) * 1000:.0f} ms each)")
    print(f"worker parent {worker.pid}: peak RSS {parent_rss / 1024:.0f} MiB")
    total_cpu = sum(cpu.values())
    renderer_cpu = sum(cpu[pid] for pid in renderer_of)
    per = 1000 / max(done, 1)
    print(
        f"CPU of the worker processes: {total_cpu:.1f} s "
        f"({total_cpu * per:.0f} ms per certificate, of which the renderers "
        f"{renderer_cpu * per:.0f} ms; sampled, a process replaced between two "
        "samples loses its last 0.5 s)"
    )
    print(
        f"CPU of the worker parent (receives and hands out the tasks): "
        f"{parent_cpu:.1f} s ({parent_cpu / max(done, 1) * 1000:.0f} ms per "
        "certificate)"
    )
    for pid, kib in sorted(peak.items()):
        if kib < 10 * 1024:  # a child caught while starting or exiting
            continue
        kind = (
            f"renderer process {pid} (of {renderer_of[pid]})"
            if pid in renderer_of
            else f"worker process {pid}"
        )
        pair = ""
        if pid in pair_peak:
            pair = f"; with its renderer {pair_peak[pid] / 1024:.0f} MiB"
        print(
            f"{kind}: peak RSS {kib / 1024:.0f} MiB, "
            f"PSS {peak_pss.get(pid, 0) / 1024:.0f} MiB, "
            f"USS {peak_uss.get(pid, 0) / 1024:.0f} MiB{pair}"
        )
    busy = machine_after[0] - machine_before[0]
    total = machine_after[1] - machine_before[1]
    print(
        f"machine busy during the run: {busy / max(total, 1):.0%} of "
        f"{os.cpu_count()} cores (every process: worker, PostgreSQL, Redis, this "
        "script)"
    )
    if local_postgres:
        postgres = _postgres_cpu(backend) - postgres_before
        print(
            f"CPU of PostgreSQL: {postgres:.1f} s ({postgres * per:.0f} ms per "
            "certificate)"
        )
    print(f"load average at the end: {os.getloadavg()}")
    return 0 if done >= len(users) else 1


if __name__ == "__main__":
    sys.exit(main())
