"""The exam curve of a `make perf` run as a PNG (run in .venv-bench).

    python bench/chart.py RESULT.json OUT.png

Plots the p95 of each exam request per 10-second window (left axis) and
the requests per window (right axis, shaded), from the run's
``exam_curve``, with the targets as dashed lines.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

TARGETS_MS = {"exam: start": 500, "exam: save": 100, "exam: submit": 1000}
COLOURS = {
    "exam: start": "tab:blue",
    "exam: save": "tab:green",
    "exam: submit": "tab:red",
}


def draw(result: dict, out: Path) -> None:
    series = result["exam_curve"]
    fig, left = plt.subplots(figsize=(10, 4.5), dpi=100)
    right = left.twinx()
    for name, points in series.items():
        if not points:
            continue
        times = [p["t_s"] for p in points]
        colour = COLOURS.get(name, "tab:gray")
        right.bar(times, [p["requests"] for p in points], width=9, align="edge",
                  color=colour, alpha=0.12)  # fmt: skip
        left.plot(
            [t + 5 for t in times], [p["p95_ms"] for p in points],
            color=colour, marker=".", linewidth=1.2, label=f"{name} p95",
        )  # fmt: skip
        if name in TARGETS_MS:
            left.axhline(TARGETS_MS[name], color=colour, linestyle="--", linewidth=0.8)
    left.set_xlabel("seconds since the first learner started")
    left.set_ylabel("p95 per 10 s (ms)")
    right.set_ylabel("requests per 10 s")
    left.set_yscale("log")
    left.legend(loc="upper left", fontsize="small")
    users = result.get("exam_users") or ""
    left.set_title(
        f"Exam day, {users} learners, size {result['size']}, {result['timestamp']}"
    )
    fig.tight_layout()
    fig.savefig(out)


def main(argv: list[str]) -> int:
    result = json.loads(Path(argv[0]).read_text())
    if not result.get("exam_curve"):
        return 1
    draw(result, Path(argv[1]))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
