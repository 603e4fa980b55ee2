"""Pure helpers of `make perf`: no Django, no locust, standard library only
(and the certificate renderer's client, standard library only too, whose
``rss_kib`` is the one way to read a process's memory).

Imported by the harness (bench/perf.py, the app's venv), by the locust
scenarios (bench/locustfile.py, .venv-bench) and by the unit tests.
"""

from __future__ import annotations

import importlib.util
import ipaddress
import math
import os
import time
from collections.abc import Callable, Iterable
from pathlib import Path
from urllib.parse import urlparse


def _renderer_client():
    """``certificates/renderer_client.py``, loaded from its file: the scripts
    run from bench/, where ``certificates`` is bench/certificates.py."""
    path = Path(__file__).resolve().parents[1] / "certificates" / "renderer_client.py"
    spec = importlib.util.spec_from_file_location("_bench_renderer_client", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


# The one way to read a process's resident memory (the renderer's own).
rss_kib = _renderer_client().rss_kib

# A regression is a p95 more than 10 % slower, or a throughput more than 10 %
# lower, than the stored baseline of the same machine.
TOLERANCE = 0.10


class NotLoopback(ValueError):
    """The target is not this machine: load is never sent elsewhere."""


def require_loopback(url: str) -> str:
    """Return ``url`` if it is plain HTTP to a loopback address, else raise.

    Host names other than ``localhost`` are refused rather than resolved: a
    name can point anywhere.
    """
    parsed = urlparse(url)
    if parsed.scheme != "http":
        raise NotLoopback(f"only http:// loopback targets, not {url!r}")
    host = parsed.hostname or ""
    if host == "localhost":
        return url
    try:
        address = ipaddress.ip_address(host)
    except ValueError as error:
        raise NotLoopback(f"not a loopback address: {host!r}") from error
    if not address.is_loopback:
        raise NotLoopback(f"not a loopback address: {host!r}")
    return url


def percentile(values: Iterable[float], p: float) -> float | None:
    """The p-th percentile (0–100), linear interpolation between ranks.

    Same definition as numpy's default and Python's
    ``statistics.quantiles(method="inclusive")``. None for no values.
    """
    ordered = sorted(values)
    if not ordered:
        return None
    if not 0 <= p <= 100:
        raise ValueError("p must be within 0..100")
    rank = (len(ordered) - 1) * p / 100
    low, high = math.floor(rank), math.ceil(rank)
    if low == high:
        return float(ordered[low])
    return ordered[low] + (ordered[high] - ordered[low]) * (rank - low)


def summarize(
    latencies_ms: list[float], errors: int, duration_s: float
) -> dict[str, float | int | None]:
    """p50/p95/p99 (ms), requests, errors and throughput of one measured step.

    Throughput counts successful and failed requests alike over the step's
    wall time.
    """
    count = len(latencies_ms)
    return {
        "requests": count,
        "errors": errors,
        "p50_ms": _round(percentile(latencies_ms, 50)),
        "p95_ms": _round(percentile(latencies_ms, 95)),
        "p99_ms": _round(percentile(latencies_ms, 99)),
        "max_ms": _round(max(latencies_ms) if latencies_ms else None),
        "rps": round(count / duration_s, 2) if duration_s > 0 else None,
        "duration_s": round(duration_s, 2),
    }


def curve(
    records: list[dict],
    names: list[str],
    window_s: float = 10,
    began: float | None = None,
) -> list[dict]:
    """p95 and count of the requests named ``names``, per ``window_s``
    seconds since ``began`` (default: the first of them, by start time);
    empty windows are kept with no p95, so a stall shows as a gap."""
    chosen = [r for r in records if r["name"] in names]
    if not chosen:
        return []
    if began is None:
        began = min(r["start"] for r in chosen)
    windows: dict[int, list[dict]] = {}
    for record in chosen:
        windows.setdefault(int((record["start"] - began) // window_s), []).append(
            record
        )
    return [
        {
            "t_s": index * window_s,
            "requests": len(windows.get(index, [])),
            "errors": sum(not r["ok"] for r in windows.get(index, [])),
            "p95_ms": _round(percentile([r["ms"] for r in windows.get(index, [])], 95)),
        }
        for index in range(max(windows) + 1)
    ]


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 1)


def compare(
    baseline: dict, latest: dict, tolerance: float = TOLERANCE
) -> list[dict[str, object]]:
    """Regressions of ``latest`` against ``baseline`` (results' "steps").

    For every step present in both: p95 higher than baseline × (1 +
    tolerance), or throughput (rps) lower than baseline × (1 − tolerance).
    Wall-time steps (import, certificates, reports) carry their time in
    ``p95_ms`` and have no rps. Steps or figures missing on either side are
    not compared (a new scenario has no baseline yet).
    """
    found = []
    before_steps = baseline.get("steps", {})
    for name, now in latest.get("steps", {}).items():
        before = before_steps.get(name)
        if not before:
            continue
        old, new = before.get("p95_ms"), now.get("p95_ms")
        if old and new is not None and new > old * (1 + tolerance):
            found.append(_regression(name, "p95_ms", old, new))
        old, new = before.get("rps"), now.get("rps")
        if old and new is not None and new < old * (1 - tolerance):
            found.append(_regression(name, "rps", old, new))
    return found


def confirm(
    baseline: dict, first: dict, second: dict, tolerance: float = TOLERANCE
) -> tuple[dict, list[dict]]:
    """Steps measured twice because the first run regressed: what is kept.

    ``first`` and ``second`` are the steps of one group (one scenario, the
    import…) from two runs on the same machine. A figure is a regression
    only when it regressed in **both** runs; it is reported with the better
    of its two values, so a single slow run on a busy moment is not one.
    Each step keeps the run in which fewer of its figures regressed (the
    first on a tie), with the larger of the two error counts and the other
    run's figures under ``"other_run"``.
    """
    flagged = [
        {
            (r["step"], r["figure"]): r
            for r in compare(baseline, {"steps": run}, tolerance)
        }
        for run in (first, second)
    ]
    confirmed = []
    for key, once in flagged[0].items():
        again = flagged[1].get(key)
        if again is None:
            continue
        if key[1] == "rps":
            confirmed.append(once if once["latest"] >= again["latest"] else again)
        else:
            confirmed.append(once if once["latest"] <= again["latest"] else again)
    kept = {}
    for name in [*first, *(n for n in second if n not in first)]:
        counts = [sum(step == name for step, _ in f) for f in flagged]
        use_second = name not in first or (name in second and counts[1] < counts[0])
        chosen, other = (
            (second[name], first.get(name))
            if use_second
            else (first[name], second.get(name))
        )
        step = dict(chosen)
        if other:
            step["errors"] = max(step.get("errors") or 0, other.get("errors") or 0)
            step["other_run"] = {
                figure: other.get(figure)
                for figure in (
                    "requests",
                    "errors",
                    "p50_ms",
                    "p95_ms",
                    "p99_ms",
                    "rps",
                )
                if figure in other
            }
        kept[name] = step
    return kept, confirmed


def machine_identity(
    cpuinfo: str | None = None, meminfo: str | None = None, cpus: int | None = None
) -> dict:
    """What makes two runs comparable: the processor, its count and the memory.

    A baseline is compared only with runs of the same identity; the host name
    is left out (a rebuilt machine of the same kind compares).
    """
    if cpuinfo is None:
        cpuinfo = _read("/proc/cpuinfo")
    if meminfo is None:
        meminfo = _read("/proc/meminfo")
    model = next(
        (
            line.split(":", 1)[1].strip()
            for line in cpuinfo.splitlines()
            if line.startswith("model name")
        ),
        "",
    )
    mem_kib = next(
        (
            int(line.split()[1])
            for line in meminfo.splitlines()
            if line.startswith("MemTotal:")
        ),
        0,
    )
    return {
        "cpu_model": model,
        "cpus": cpus if cpus is not None else os.cpu_count(),
        "memory_gib": round(mem_kib / 1024 / 1024),
    }


def same_machine(baseline: dict, identity: dict) -> bool:
    """Whether ``baseline`` was recorded on a machine of this ``identity``.
    A baseline written before identities were recorded carries only its
    processor count, which must then match."""
    recorded = baseline.get("machine", {})
    if "identity" in recorded:
        return recorded["identity"] == identity
    return recorded.get("cpus") == identity["cpus"]


def _read(path: str) -> str:
    try:
        return Path(path).read_text()
    except OSError:
        return ""


def _regression(step: str, figure: str, old: float, new: float) -> dict:
    return {
        "step": step,
        "figure": figure,
        "baseline": old,
        "latest": new,
        "change": round((new - old) / old * 100, 1),
    }


def target_failures(steps: dict) -> list[str]:
    """Steps whose absolute targets (``target`` dict of each step) are missed."""
    missed = []
    for name, step in steps.items():
        for figure, (op, limit) in (step.get("target") or {}).items():
            value = step.get(figure)
            ok = value is not None and (
                value <= limit if op == "<=" else value >= limit
            )
            if not ok:
                missed.append(f"{name}: {figure} {value} (target {op} {limit})")
    return missed


def table(steps: dict, regressions: list[dict] | None = None) -> str:
    """The results as a Markdown table (printed, and pasted in the docs)."""
    regressed = {(r["step"], r["figure"]) for r in regressions or []}
    header = (
        "| step | requests | errors | p50 ms | p95 ms | p99 ms | req/s "
        "| × trivial | CPU ms a request, per process | target | met |"
    )
    lines = [header, "|" + "---|" * 11]
    for name, step in steps.items():

        def cell(figure, step=step, name=name):
            value = step.get(figure)
            text = "–" if value is None else f"{value:g}"
            return text + (" ▲" if (name, figure) in regressed else "")

        target = step.get("target") or {}
        wanted = ", ".join(f"{k} {op} {v:g}" for k, (op, v) in target.items())
        met = (
            "–"
            if not target
            else ("yes" if not target_failures({name: step}) else "**no**")
        )
        lines.append(
            f"| {name} | {cell('requests')} | {cell('errors')} | {cell('p50_ms')} "
            f"| {cell('p95_ms')} | {cell('p99_ms')} | {cell('rps')} "
            f"| {cell('ratio')} | {cpu_cell(step.get('cpu_ms'))} | {wanted or '–'} "
            f"| {met} |"
        )
    return "\n".join(lines)


CPU_NAMES = {"postgres": "PostgreSQL", "redis": "Redis"}


def cpu_cell(cpu: dict | None) -> str:
    """ "gunicorn 4.1, PostgreSQL 0.3, …": what one request (or certificate)
    cost each kind of process."""
    if not cpu:
        return "–"
    return ", ".join(
        f"{CPU_NAMES.get(part, part)} {value:g}"
        for part, value in cpu.items()
        if value is not None
    )


def cpu_seconds(pid: int) -> float:
    """User + system CPU time process ``pid`` has used, in seconds (0 if it
    is gone): fields 14 and 15 of ``/proc/<pid>/stat``."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return 0.0
    # The command name (field 2) may hold spaces: count from after it.
    fields = stat[stat.rindex(")") + 2 :].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def machine_times() -> tuple[float, float]:
    """(busy, total) CPU time of the whole machine so far, in clock ticks,
    from the first line of ``/proc/stat`` (idle and iowait are not busy)."""
    fields = [
        float(x) for x in Path("/proc/stat").read_text().split("\n")[0].split()[1:]
    ]
    idle = fields[3] + fields[4]
    total = sum(fields[:8])  # user … steal; guest time is counted in user
    return total - idle, total


def wait_until_idle(
    *,
    busy_below: float = 0.10,
    seconds: int = 3,
    timeout: float = 180.0,
    times: Callable[[], tuple[float, float]] = machine_times,
    sleep: Callable[[float], None] = time.sleep,
) -> tuple[float, bool]:
    """Wait until the machine has been less than ``busy_below`` busy in each
    of ``seconds`` one-second samples in a row, at most ``timeout`` seconds.

    Returns (seconds waited, whether it became idle). What a step leaves
    behind (PostgreSQL's autovacuum after the import's 10,000 rows, a
    checkpoint, processes shutting down) would otherwise be measured as the
    next step's time.
    """
    waited = 0.0
    quiet = 0
    before = times()
    while quiet < seconds:
        if waited >= timeout:
            return waited, False
        sleep(1.0)
        waited += 1.0
        now = times()
        total = now[1] - before[1]
        share = (now[0] - before[0]) / total if total else 0.0
        quiet = quiet + 1 if share < busy_below else 0
        before = now
    return waited, True


def children(pid: int) -> list[int]:
    """Pids of the child processes of ``pid`` (none if it is gone)."""
    found = []
    for task in Path(f"/proc/{pid}/task").glob("*"):
        try:
            found += [int(p) for p in (task / "children").read_text().split()]
        except OSError:
            continue
    return found


def processes_named(name: str) -> list[int]:
    """Pids of this machine's processes whose command name is ``name``."""
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if (entry / "comm").read_text().strip() == name:
                    found.append(int(entry.name))
            except OSError:
                continue
    return found


def cpu_per_request(before: dict, after: dict, requests: int) -> dict:
    """What one request of a scenario cost each part, in CPU milliseconds:
    comparable between runs even when something else shares the machine
    (which only shows in the wall-clock figures)."""
    if not requests:
        return {}
    seconds = {"locust": after["locust"] - before["locust"]}
    for part in ("gunicorn", "postgres", "redis"):
        # Per process: one that ended meanwhile (a PostgreSQL backend whose
        # connection closed) is left out rather than subtracted.
        seconds[part] = sum(
            cpu - before[part].get(pid, 0.0) for pid, cpu in after[part].items()
        )
    used = {part: round(s * 1000 / requests, 2) for part, s in seconds.items()}
    busy = sum(seconds.values())
    used["machine_share"] = round(
        busy / ((after["at"] - before["at"]) * (os.cpu_count() or 1)), 2
    )
    used["load_before"], used["load_after"] = before["load"], after["load"]
    return used
