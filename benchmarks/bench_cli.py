#!/usr/bin/env python
"""Start-up of the `evidence` command, whole process, beside R metafor on the same file.

Runs each command ``--repeat`` times (default 5) as a user or cron would
(a new process each time) and prints the median wall-clock time and the
median CPU time (user + system) of the process; CPU time is the steadier
figure on a shared machine, wall time what a person waits.  Beside it, when
``Rscript`` with metafor is installed, the same pooling in R
(``rma.glmm`` on the same CSV, package load included).  The targets are
printed next to the figures; nothing here asserts timings.

Usage: .venv/bin/python benchmarks/bench_cli.py [--repeat 5] [--no-r]
"""

from __future__ import annotations

import argparse
import datetime
import os
import platform
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

#: The eight studies of the reference dataset ``example8`` (tests/analysis).
SMALL_CSV = """study,events,total
A,5,5
B,4,6
C,3,3
D,0,4
E,7,8
F,2,10
G,12,15
H,1,3
"""

TARGETS = {"evidence --help": 0.3, "evidence pool small.csv": 0.4}

R_POOL = ('suppressPackageStartupMessages(library(metafor)); d <- read.csv("{csv}"); '
          'print(rma.glmm(measure="PLO", xi=events, ni=total, data=d, method="ML", nAGQ=7))')


def run_once(argv: list[str]) -> tuple[float, float]:
    """Wall and CPU seconds of one process running ``argv`` (output discarded)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    proc = subprocess.run(argv, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, timeout=600)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if proc.returncode != 0:
        raise RuntimeError(f"{' '.join(argv)} exited {proc.returncode}: {proc.stderr.decode()[-500:]}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu


def measure(argv: list[str], repeat: int) -> tuple[float, float]:
    """Median wall and CPU seconds over ``repeat`` runs, after one warm-up run (disk cache)."""
    run_once(argv)
    runs = [run_once(argv) for _ in range(repeat)]
    return statistics.median(w for w, _ in runs), statistics.median(c for _, c in runs)


def r_command(csv: Path) -> tuple[list[str] | None, str]:
    """The Rscript pooling command, or None and the reason it cannot run here."""
    rscript = shutil.which("Rscript")
    if rscript is None:
        return None, "Rscript is not installed (Debian: apt-get install r-cran-metafor)"
    probe = subprocess.run([rscript, "-e", 'cat(as.character(packageVersion("metafor")))'],
                           capture_output=True, text=True, timeout=300)
    if probe.returncode != 0:
        return None, "R is installed but metafor is not (install.packages('metafor') or r-cran-metafor)"
    return [rscript, "-e", R_POOL.format(csv=csv)], f"metafor {probe.stdout.strip()}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--repeat", type=int, default=5, help="runs per command (median reported)")
    parser.add_argument("--no-r", action="store_true", help="skip the Rscript comparison")
    args = parser.parse_args()

    exe = Path(sys.executable).parent / "evidence"
    if not exe.exists():
        sys.exit(f"{exe} not found: run `make db` (or pip install -e .) first")
    with tempfile.TemporaryDirectory() as tmp:
        csv = Path(tmp) / "small.csv"
        csv.write_text(SMALL_CSV)
        commands = {
            "python -c pass (interpreter alone)": [sys.executable, "-c", "pass"],
            "evidence --help": [str(exe), "--help"],
            "evidence pool small.csv": [str(exe), "pool", str(csv)],
            "evidence pool small.csv --json": [str(exe), "pool", str(csv), "--json"],
        }
        r_argv, r_note = (None, "skipped (--no-r)") if args.no_r else r_command(csv)
        if r_argv:
            commands[f"Rscript: library(metafor) + rma.glmm ({r_note})"] = r_argv

        load = os.getloadavg()
        print(f"{datetime.datetime.now(datetime.timezone.utc):%Y-%m-%d %H:%M} UTC; {platform.node()}; "
              f"{platform.processor() or platform.machine()}, {os.cpu_count()} CPUs; "
              f"load average {load[0]:.1f} {load[1]:.1f} {load[2]:.1f}; Python {platform.python_version()}")
        print(f"median of {args.repeat} runs after a warm-up run; whole process; "
              "reproduce: .venv/bin/python benchmarks/bench_cli.py\n")
        print(f"{'command':<64} {'wall s':>7} {'CPU s':>7} {'target':>7}")
        figures = {}
        for name, argv in commands.items():
            wall, cpu = measure(argv, args.repeat)
            figures[name] = (wall, cpu)
            target = TARGETS.get(name)
            print(f"{name:<64} {wall:7.3f} {cpu:7.3f} {'' if target is None else f'<= {target:g}':>7}")
        if not r_argv:
            print(f"\nR metafor not timed: {r_note}.")
        else:
            r_wall, r_cpu = figures[next(n for n in figures if n.startswith("Rscript"))]
            ours_wall, ours_cpu = figures["evidence pool small.csv"]
            print(f"\nevidence pool vs Rscript + metafor on the same file: {r_wall / ours_wall:.1f}x faster "
                  f"(wall), {r_cpu / ours_cpu:.1f}x (CPU)")
        print("On a loaded machine wall time exceeds CPU time; compare CPU seconds across machines.")


if __name__ == "__main__":
    main()
