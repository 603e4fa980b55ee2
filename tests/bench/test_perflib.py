"""The pure parts of `make perf`: percentiles, the regression rule, loopback."""

import statistics

import pytest

from bench.perflib import (
    NotLoopback,
    compare,
    confirm,
    curve,
    machine_identity,
    percentile,
    require_loopback,
    same_machine,
    summarize,
    table,
    target_failures,
)


def test_percentile_interpolates_between_ranks():
    values = [10, 20, 30, 40, 50, 60, 70, 80, 90, 100]
    assert percentile(values, 50) == 55
    assert percentile(values, 0) == 10
    assert percentile(values, 100) == 100
    assert percentile(values, 95) == pytest.approx(95.5)
    expected = statistics.quantiles(values, n=100, method="inclusive")
    assert percentile(values, 99) == pytest.approx(expected[98])
    assert percentile(reversed(values), 90) == pytest.approx(expected[89])


def test_percentile_edges():
    assert percentile([], 95) is None
    assert percentile([7.0], 99) == 7.0
    with pytest.raises(ValueError):
        percentile([1, 2], 101)


def test_summarize_counts_throughput_over_the_wall_time():
    step = summarize([100.0] * 90 + [1000.0] * 10, errors=2, duration_s=10)
    assert step["requests"] == 100
    assert step["errors"] == 2
    assert step["rps"] == 10
    assert step["p50_ms"] == 100
    assert step["p99_ms"] == 1000
    assert summarize([], 0, 0)["p95_ms"] is None


def results(**steps):
    return {"steps": {name: dict(figures) for name, figures in steps.items()}}


def test_regression_over_ten_percent_in_p95_or_throughput():
    baseline = results(browse={"p95_ms": 100, "rps": 200}, exam={"p95_ms": 50})
    within = results(browse={"p95_ms": 110, "rps": 180}, exam={"p95_ms": 55})
    assert compare(baseline, within) == []
    slower = results(browse={"p95_ms": 111, "rps": 200}, exam={"p95_ms": 50})
    assert [(r["step"], r["figure"]) for r in compare(baseline, slower)] == [
        ("browse", "p95_ms")
    ]
    fewer = results(browse={"p95_ms": 90, "rps": 179}, exam={"p95_ms": 20})
    found = compare(baseline, fewer)
    assert [(r["step"], r["figure"]) for r in found] == [("browse", "rps")]
    assert found[0]["change"] == -10.5


def test_a_regression_counts_only_when_the_second_run_confirms_it():
    baseline = results(
        browse={"p95_ms": 100, "rps": 200, "errors": 0},
        login={"p95_ms": 1000, "rps": 3},
    )
    first = results(
        browse={"p95_ms": 130, "rps": 200, "errors": 0},
        login={"p95_ms": 1300, "rps": 3},
    )["steps"]
    second = results(
        browse={"p95_ms": 105, "rps": 150, "errors": 2},
        login={"p95_ms": 1200, "rps": 3},
    )["steps"]
    kept, confirmed = confirm(baseline, first, second)
    # browse: slow once, fewer requests the other time; neither twice.
    # login: slow both times, reported with the better of the two.
    assert [(r["step"], r["figure"], r["latest"]) for r in confirmed] == [
        ("login", "p95_ms", 1200)
    ]
    # Each step keeps the run where fewer of its figures regressed (the
    # first on a tie), the larger error count, and the other run's figures.
    assert kept["browse"]["p95_ms"] == 130 and kept["browse"]["errors"] == 2
    assert kept["browse"]["other_run"] == {"p95_ms": 105, "rps": 150, "errors": 2}
    assert kept["login"]["p95_ms"] == 1300
    assert kept["login"]["other_run"]["p95_ms"] == 1200


def test_a_confirmed_throughput_regression_reports_the_higher_rate():
    baseline = results(browse={"p95_ms": 100, "rps": 200})
    first = results(browse={"p95_ms": 100, "rps": 150})["steps"]
    second = results(browse={"p95_ms": 100, "rps": 170})["steps"]
    kept, confirmed = confirm(baseline, first, second)
    assert [(r["figure"], r["latest"]) for r in confirmed] == [("rps", 170)]
    # Both runs regressed once: the first is kept.
    assert kept["browse"]["rps"] == 150


def test_a_noisy_first_run_is_replaced_by_a_clean_second():
    baseline = results(browse={"p95_ms": 100, "rps": 200})
    first = results(browse={"p95_ms": 150, "rps": 150})["steps"]
    second = results(browse={"p95_ms": 101, "rps": 199})["steps"]
    kept, confirmed = confirm(baseline, first, second)
    assert confirmed == []
    assert kept["browse"]["p95_ms"] == 101
    assert kept["browse"]["other_run"]["p95_ms"] == 150


CPUINFO = """processor\t: 0
model name\t: AMD EPYC 7B13
processor\t: 1
model name\t: AMD EPYC 7B13
"""


def test_machine_identity_is_processor_count_and_memory():
    identity = machine_identity(CPUINFO, "MemTotal:       24683656 kB\n", cpus=2)
    assert identity == {"cpu_model": "AMD EPYC 7B13", "cpus": 2, "memory_gib": 24}
    assert set(machine_identity()) == {"cpu_model", "cpus", "memory_gib"}


def test_a_baseline_is_compared_only_on_the_same_kind_of_machine():
    here = machine_identity(CPUINFO, "MemTotal: 24683656 kB\n", cpus=2)
    assert same_machine({"machine": {"identity": dict(here)}}, here)
    bigger = {**here, "cpus": 8}
    assert not same_machine({"machine": {"identity": bigger}}, here)
    other_cpu = {**here, "cpu_model": "Intel Xeon"}
    assert not same_machine({"machine": {"identity": other_cpu}}, here)
    # A baseline from before identities were recorded: its processor count.
    assert same_machine({"machine": {"cpus": 2}}, here)
    assert not same_machine({"machine": {"cpus": 4}}, here)
    assert not same_machine({}, here)


def test_new_or_missing_figures_are_not_compared():
    baseline = results(browse={"p95_ms": 100, "rps": None})
    latest = results(browse={"p95_ms": None, "rps": 5}, login={"p95_ms": 9999})
    assert compare(baseline, latest) == []
    assert compare({}, latest) == []


def test_targets_missed_and_table():
    steps = {
        "browse": {
            "requests": 10,
            "errors": 0,
            "p95_ms": 160.0,
            "rps": 120.0,
            "target": {"p95_ms": ["<=", 150], "rps": [">=", 100]},
        },
        "ping": {"requests": 5, "errors": 0, "p95_ms": 3.0, "rps": 400.0},
    }
    steps["browse"]["cpu_ms"] = {"gunicorn": 4.1, "postgres": 0.3, "locust": None}
    assert target_failures(steps) == ["browse: p95_ms 160.0 (target <= 150)"]
    regressions = compare(results(browse={"p95_ms": 100}), {"steps": steps})
    text = table(steps, regressions)
    assert "| browse | 10 | 0 | – | 160 ▲ |" in text
    assert "| gunicorn 4.1, PostgreSQL 0.3 |" in text
    assert "**no**" in text


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1:8790",
        "http://localhost:8000/x",
        "http://[::1]:80",
        "http://127.3.4.5",
    ],
)
def test_loopback_targets_are_accepted(url):
    assert require_loopback(url) == url


@pytest.mark.parametrize(
    "url",
    [
        "http://10.0.0.5:8000",
        "http://example.gov.vn",
        "https://127.0.0.1:8000",
        "http://localhost.example.com",
        "http://0.0.0.0:8000",
        "",
    ],
)
def test_anything_else_is_refused(url):
    with pytest.raises(NotLoopback):
        require_loopback(url)


def test_cpu_seconds_counts_this_process_work():
    import os
    import time

    from bench.perflib import cpu_seconds

    before = cpu_seconds(os.getpid())
    deadline = time.process_time() + 0.2
    while time.process_time() < deadline:
        pass
    used = cpu_seconds(os.getpid()) - before
    assert 0.1 <= used <= 1.0
    assert cpu_seconds(2**22 + 7) == 0.0  # no such process


def test_processes_named_finds_this_one():
    import os
    from pathlib import Path

    from bench.perflib import processes_named

    name = Path("/proc/self/comm").read_text().strip()
    assert os.getpid() in processes_named(name)


def test_cpu_per_request_counts_each_process_once():
    from bench.perflib import cpu_per_request

    before = {
        "gunicorn": {10: 5.0, 11: 5.0},
        "postgres": {20: 1.0, 21: 9.0},  # 21 ends during the scenario
        "redis": {30: 0.5},
        "locust": 2.0,
        "at": 100.0,
        "load": 0.5,
    }
    after = {
        "gunicorn": {10: 6.0, 11: 6.0},
        "postgres": {20: 1.2, 22: 0.3},  # 22 started during it
        "redis": {30: 0.6},
        "locust": 2.4,
        "at": 110.0,
        "load": 1.5,
    }
    used = cpu_per_request(before, after, 100)
    assert used["gunicorn"] == 20.0  # 2 s over 100 requests
    assert used["postgres"] == 5.0  # 0.2 + 0.3, nothing negative
    assert used["redis"] == 1.0
    assert used["locust"] == 4.0
    assert used["load_before"] == 0.5 and used["load_after"] == 1.5
    assert cpu_per_request(before, after, 0) == {}


def test_curve_gives_p95_per_window_and_keeps_empty_windows():
    def rec(name, start, ms, ok=True):
        return {"name": name, "start": start, "ms": ms, "ok": ok}

    records = [
        rec("exam: save", 100.0, 10),
        rec("exam: save", 101.0, 30),
        rec("exam: save", 109.9, 20, ok=False),
        rec("exam: start", 100.5, 400),  # another name: not counted
        rec("exam: save", 125.0, 50),  # third window; the second is empty
    ]
    points = curve(records, ["exam: save"], 10)
    assert [p["t_s"] for p in points] == [0, 10, 20]
    assert [p["requests"] for p in points] == [3, 0, 1]
    assert [p["errors"] for p in points] == [1, 0, 0]
    assert points[0]["p95_ms"] == percentile([10, 30, 20], 95)
    assert points[1]["p95_ms"] is None
    assert points[2]["p95_ms"] == 50
    # A common start for several series: windows count from it.
    shifted = curve(records, ["exam: save"], 10, began=90.0)
    assert [p["requests"] for p in shifted] == [0, 3, 0, 1]
    assert curve(records, ["exam: submit"]) == []


def _machine(shares):
    """A machine whose busy share, second by second, is ``shares``."""
    busy = total = 0.0
    samples = [(busy, total)]
    for share in shares:
        busy += 200 * share
        total += 200
        samples.append((busy, total))
    readings = iter(samples)
    return lambda: next(readings)


def test_wait_until_idle_needs_quiet_seconds_in_a_row():
    from bench.perflib import wait_until_idle

    slept = []
    # Busy, one quiet second, busy again (the count starts over), then quiet.
    times = _machine([0.9, 0.05, 0.5, 0.05, 0.02, 0.08, 0.9])
    waited, idle = wait_until_idle(seconds=3, times=times, sleep=slept.append)
    assert (waited, idle) == (6.0, True)
    assert slept == [1.0] * 6


def test_wait_until_idle_gives_up_after_the_timeout():
    from bench.perflib import wait_until_idle

    times = _machine([0.5] * 20)
    waited, idle = wait_until_idle(
        seconds=3, timeout=5, times=times, sleep=lambda s: None
    )
    assert (waited, idle) == (5.0, False)


def test_machine_times_reads_this_machine():
    from bench.perflib import machine_times

    busy, total = machine_times()
    assert 0 <= busy <= total
    assert machine_times()[1] >= total


def test_children_lists_a_started_process():
    import os
    import subprocess
    import sys

    from bench.perflib import children

    child = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(5)"])
    try:
        assert child.pid in children(os.getpid())
    finally:
        child.kill()
        child.wait()
    assert child.pid not in children(os.getpid())
