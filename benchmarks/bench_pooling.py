#!/usr/bin/env python
"""Benchmark the pooling engine against R metafor on the same datasets.

Pools ``--datasets`` (default 1,000) random datasets of ``--k`` (default 20)
studies with each method, prints milliseconds per dataset, and, when
``Rscript`` with metafor is available, times metafor on the same datasets
inside one R process and prints the ratio.  Prints figures only; nothing
here asserts timings.

Usage: .venv/bin/python benchmarks/bench_pooling.py [--datasets 1000] [--k 20] [--no-r]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from analysis import pool_proportions  # noqa: E402

METHODS = {
    "glmm": ({"model": "glmm"}, 'rma.glmm(measure="PLO", xi=x, ni=n, method="ML", nAGQ=7)'),
    "logit-REML": ({"model": "re"}, 'rma(measure="PLO", xi=x, ni=n, method="REML")'),
    "logit-REML-HK": ({"model": "re", "ci": "hk"}, 'rma(measure="PLO", xi=x, ni=n, method="REML", test="knha")'),
    "logit-DL": ({"model": "re", "tau2_method": "DL"}, 'rma(measure="PLO", xi=x, ni=n, method="DL")'),
    "logit-PM": ({"model": "re", "tau2_method": "PM"}, 'rma(measure="PLO", xi=x, ni=n, method="PM")'),
    "logit-ML": ({"model": "re", "tau2_method": "ML"}, 'rma(measure="PLO", xi=x, ni=n, method="ML")'),
    "ft-REML": ({"model": "re", "transform": "ft"}, 'rma(measure="PFT", xi=x, ni=n, method="REML")'),
    "logit-FE": ({"model": "fe"}, 'rma(measure="PLO", xi=x, ni=n, method="EE")'),
}

R_TEMPLATE = r"""
suppressPackageStartupMessages(library(metafor))
d <- jsonlite::fromJSON("{data}", simplifyVector = FALSE)
fits <- list({calls})
out <- list()
for (m in names(fits)) {{
  f <- fits[[m]]
  t0 <- proc.time()[["elapsed"]]
  fails <- 0
  for (ds in d) {{
    x <- unlist(ds$x); n <- unlist(ds$n)
    r <- try(suppressWarnings(f(x, n)), silent = TRUE)
    if (inherits(r, "try-error")) fails <- fails + 1
  }}
  out[[m]] <- list(seconds = proc.time()[["elapsed"]] - t0, failures = fails)
}}
cat(jsonlite::toJSON(out, auto_unbox = TRUE, digits = NA))
"""


def make_datasets(count: int, k: int, seed: int = 2026) -> list[tuple[np.ndarray, np.ndarray]]:
    """Random phase-I-like datasets: n 1..60, logit rates with heterogeneity."""
    rng = np.random.default_rng(seed)
    out = []
    for _ in range(count):
        n = rng.integers(1, 61, size=k)
        mu = rng.choice([-3.0, -1.5, 0.0, 1.0, 2.0])
        tau = rng.choice([0.0, 0.5, 1.0])
        p = 1 / (1 + np.exp(-(mu + tau * rng.standard_normal(k))))
        out.append((rng.binomial(n, p), n))
    return out


def time_python(datasets, opts) -> tuple[float, int]:
    fallbacks = 0
    start = time.perf_counter()
    for x, n in datasets:
        res = pool_proportions(x, n, **opts)
        fallbacks += res.fallback is not None
    return (time.perf_counter() - start) / len(datasets) * 1000, fallbacks


def time_r(datasets, methods) -> dict | None:
    if shutil.which("Rscript") is None:
        return None
    with tempfile.TemporaryDirectory() as tmp:
        data = Path(tmp) / "data.json"
        data.write_text(json.dumps([{"x": x.tolist(), "n": n.tolist()} for x, n in datasets]))
        calls = ",\n".join(f'"{name}" = function(x, n) {call}' for name, (_, call) in methods.items())
        script = Path(tmp) / "bench.R"
        script.write_text(R_TEMPLATE.format(data=data, calls=calls))
        proc = subprocess.run(["Rscript", str(script)], capture_output=True, text=True)
        if proc.returncode != 0:
            print(f"R benchmark failed: {proc.stderr.strip()[:500]}")
            return None
        return json.loads(proc.stdout)


def cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--datasets", type=int, default=1000)
    parser.add_argument("--k", type=int, default=20)
    parser.add_argument("--no-r", action="store_true", help="skip the metafor timing")
    args = parser.parse_args()
    datasets = make_datasets(args.datasets, args.k)
    print(f"{args.datasets} datasets, k = {args.k}; CPU: {cpu_model()} (nproc {os.cpu_count()}); "
          f"Python {platform.python_version()}")
    pool_proportions(*datasets[0])  # warm-up (imports, caches)
    r = None if args.no_r else time_r(datasets, METHODS)
    print(f"{'method':<15} {'python ms/dataset':>18} {'fallbacks':>9} {'metafor ms/dataset':>19} "
          f"{'R fails':>7} {'R/python':>9}")
    for name, (opts, _) in METHODS.items():
        ms, fallbacks = time_python(datasets, opts)
        line = f"{name:<15} {ms:>18.3f} {fallbacks:>9d}"
        if r and name in r:
            r_ms = r[name]["seconds"] / args.datasets * 1000
            line += f" {r_ms:>19.3f} {r[name]['failures']:>7d} {r_ms / ms:>9.1f}"
        print(line)


if __name__ == "__main__":
    main()
